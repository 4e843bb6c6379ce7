#!/usr/bin/env python3
"""A fake OpenAI + Anthropic provider for tests (Python 3.11 standard library only).

The specification is docs/FAKE-LLM.md; the providers' wire facts are
../shared/docs/providers.md. Run:

    python3 tests/fake_llm/fake_llm.py --port 0 --port-file /tmp/p [--latency-ms L] [--verbose]

Canonical byte counts (so client tests can predict every token number):

- JSON bytes of a value = len(json.dumps(v, ensure_ascii=False, separators=(",", ":"))
  .encode("utf-8")): compact, UTF-8 unescaped, "/" not escaped, member order kept.
- input  = ceil((bytes(messages) + bytes(system) + bytes(tools)) / 4), each counted when the
  request has it (OpenAI requests normally have only messages).
- output = ceil(bytes of the output text / 4): the JSON text of the output for ok/invalid,
  the cut text for truncate, the refusal text for refusal.
- OpenAI system prompt = the text of every "system"/"developer" message, concatenated.
  cached = c - c % 128 when c >= 1024 else 0, with c = min(input, bytes(system text) // 4),
  but only when the same system text was seen before in a billed reply.
- Anthropic: every system block with cache_control costs ceil(bytes(its text) / 4) tokens,
  cache_creation the first time its text is seen in a billed reply, cache_read after;
  input_tokens = input - cache_creation - cache_read.
"""
import argparse
import collections
import copy
import datetime
import json
import math
import os
import re
import signal
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

APIS = ("openai", "anthropic")
STEP_KINDS = ("ok", "status", "quota", "overloaded", "truncate", "refusal", "slow", "cut",
              "html502", "invalid")
# Kinds whose reply is a 200 success shape carrying usage (billed).
BILLED_KINDS = ("ok", "slow", "truncate", "refusal", "invalid")
DEFAULT_SLOW_MS = 5000
REFUSAL_TEXT = "I'm sorry, but I can't help with that request."
REASONS = {529: "Site Overloaded"}
OPENAI_ROLES = ("system", "developer", "user", "assistant", "tool", "function")
OPENAI_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

HTML_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
            b"</body>\r\n</html>\r\n")


# ---------------------------------------------------------------------------------------------
# JSON helpers, token counts
# ---------------------------------------------------------------------------------------------

def dumps(value):
    """The canonical compact JSON text used for every byte count."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def nbytes(text):
    return len(text.encode("utf-8", "surrogatepass"))


def json_bytes(value):
    return nbytes(dumps(value))


def ceil4(n):
    return (n + 3) // 4


def input_bytes(body):
    return sum(json_bytes(body[k]) for k in ("messages", "system", "tools")
               if body.get(k) is not None)


def openai_system_text(messages):
    parts = []
    for m in messages:
        if not isinstance(m, dict) or m.get("role") not in ("system", "developer"):
            continue
        c = m.get("content")
        if isinstance(c, str):
            parts.append(c)
        elif isinstance(c, list):
            parts.extend(p["text"] for p in c
                         if isinstance(p, dict) and isinstance(p.get("text"), str))
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# Minimal instances of a JSON Schema
# ---------------------------------------------------------------------------------------------

def resolve_ref(root, ref):
    """Resolves a local reference ("#", "#/$defs/x", "#/definitions/x", any JSON pointer)."""
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    node = root
    pointer = ref[1:]
    if not pointer:
        return node
    for raw in pointer.lstrip("/").split("/"):
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


def _number(schema, integer):
    value = schema.get("minimum", 0)
    em = schema.get("exclusiveMinimum")
    if isinstance(em, (int, float)) and not isinstance(em, bool) and value <= em:
        value = math.floor(em) + 1 if integer else em + 1
    mx = schema.get("maximum")
    if isinstance(mx, (int, float)) and not isinstance(mx, bool) and value > mx:
        value = mx
    if integer:
        value = int(math.ceil(value))
    return value


def minimal_instance(schema, root=None, depth=0):
    """The smallest instance of `schema`: required properties only, arrays empty unless
    minItems, strings "" (padded to minLength), the first enum value or the const, numbers
    at minimum or 0, false, null; type lists take the first non-null type; $ref, anyOf and
    oneOf (first branch) and allOf (merged) are followed."""
    if root is None:
        root = schema
    if depth > 64 or not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        return minimal_instance(resolve_ref(root, schema["$ref"]), root, depth + 1)
    if "const" in schema:
        return copy.deepcopy(schema["const"])
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return copy.deepcopy(schema["enum"][0])
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return minimal_instance(schema[key][0], root, depth + 1)
    if isinstance(schema.get("allOf"), list) and schema["allOf"]:
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for sub in schema["allOf"]:
            while isinstance(sub, dict) and "$ref" in sub and depth < 64:
                sub = resolve_ref(root, sub["$ref"])
                depth += 1
            if not isinstance(sub, dict):
                continue
            for k, v in sub.items():
                if k == "properties" and isinstance(v, dict):
                    merged["properties"] = {**merged.get("properties", {}), **v}
                elif k == "required" and isinstance(v, list):
                    merged["required"] = list(merged.get("required", [])) + \
                        [r for r in v if r not in merged.get("required", [])]
                else:
                    merged.setdefault(k, v)
        return minimal_instance(merged, root, depth + 1)

    t = schema.get("type")
    if isinstance(t, list):
        non_null = [x for x in t if x != "null"]
        t = non_null[0] if non_null else "null"
    if t is None:
        if "properties" in schema or "required" in schema:
            t = "object"
        elif "items" in schema or "prefixItems" in schema:
            t = "array"
    if t == "object":
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        required = [r for r in schema.get("required", []) if isinstance(r, str)]
        out = {}
        for name in list(props) + [r for r in required if r not in props]:
            if name in required and name not in out:
                sub = props.get(name, schema.get("additionalProperties"))
                out[name] = minimal_instance(sub, root, depth + 1)
        return out
    if t == "array":
        n = schema.get("minItems", 0)
        n = n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else 0
        prefix = schema.get("prefixItems") if isinstance(schema.get("prefixItems"), list) else []
        items = schema.get("items")
        if isinstance(items, list):  # draft-07 tuple form
            prefix, items = items, schema.get("additionalItems")
        return [minimal_instance(prefix[i] if i < len(prefix) else items, root, depth + 1)
                for i in range(n)]
    if t == "string":
        n = schema.get("minLength", 0)
        return "a" * n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else ""
    if t == "integer":
        return _number(schema, True)
    if t == "number":
        return _number(schema, False)
    if t == "boolean":
        return False
    return None


# ---------------------------------------------------------------------------------------------
# Request checks
# ---------------------------------------------------------------------------------------------

class Reject(Exception):
    """A request check failed; answered with the provider's error JSON."""

    def __init__(self, message, status=400, param=None, code=None, etype="invalid_request_error"):
        super().__init__(message)
        self.message, self.status, self.param, self.code, self.etype = \
            message, status, param, code, etype


def _strict_problem(schema, ctx=()):
    """First strict-mode violation in an OpenAI schema: (context, text) or None."""
    if not isinstance(schema, dict):
        return None
    t = schema.get("type")
    is_object = t == "object" or (isinstance(t, list) and "object" in t) or \
        (t is None and "properties" in schema)
    if is_object:
        if schema.get("additionalProperties") is not False:
            return ctx, "'additionalProperties' is required to be supplied and to be false."
        props = schema.get("properties", {})
        if not isinstance(props, dict):
            return ctx, "'properties' must be an object."
        required = schema.get("required")
        if props and not isinstance(required, list):
            return ctx, ("'required' is required to be supplied and to be an array including "
                         "every key in properties. Missing '%s'." % next(iter(props)))
        for name in props:
            if name not in required:
                return ctx, ("'required' is required to be supplied and to be an array "
                             "including every key in properties. Missing '%s'." % name)
        for name, sub in props.items():
            found = _strict_problem(sub, ctx + ("properties", name))
            if found:
                return found
    for key in ("items", "additionalItems", "not", "if", "then", "else", "contains"):
        if isinstance(schema.get(key), dict):
            found = _strict_problem(schema[key], ctx + (key,))
            if found:
                return found
    for key in ("items", "prefixItems", "anyOf", "oneOf", "allOf"):
        if isinstance(schema.get(key), list):
            for i, sub in enumerate(schema[key]):
                found = _strict_problem(sub, ctx + (key, str(i)))
                if found:
                    return found
    for key in ("$defs", "definitions", "patternProperties"):
        if isinstance(schema.get(key), dict):
            for name, sub in schema[key].items():
                found = _strict_problem(sub, ctx + (key, name))
                if found:
                    return found
    return None


def _media_type(headers):
    return headers.get("content-type", "").split(";")[0].strip().lower()


def check_openai(headers, body):
    auth = headers.get("authorization", "")
    if not auth.strip():
        raise Reject("You didn't provide an API key. You need to provide your API key in an "
                     "Authorization header using Bearer auth (i.e. Authorization: Bearer "
                     "YOUR_KEY).", status=401)
    if not auth.startswith("Bearer ") or not auth[len("Bearer "):].strip():
        raise Reject("Incorrect API key provided: %r. You can find your API key at "
                     "https://platform.openai.com/account/api-keys." % auth[:16],
                     status=401, code="invalid_api_key")
    if _media_type(headers) != "application/json":
        raise Reject("Invalid Content-Type header (%r), expected application/json."
                     % headers.get("content-type", ""))
    if body is None:
        raise Reject("We could not parse the JSON body of your request. (HINT: This likely "
                     "means you aren't using your HTTP library correctly. The OpenAI API "
                     "expects a JSON payload, but what was sent was not valid JSON.)")
    if not isinstance(body, dict):
        raise Reject("Invalid type for request body: expected an object.")
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise Reject("you must provide a model parameter", param="model")
    msgs = body.get("messages")
    if msgs is None:
        raise Reject("Missing required parameter: 'messages'.", param="messages",
                     code="missing_required_parameter")
    if not isinstance(msgs, list) or not msgs:
        raise Reject("Invalid 'messages': expected a non-empty array.", param="messages",
                     code="invalid_type" if not isinstance(msgs, list) else "empty_array")
    for i, m in enumerate(msgs):
        if not isinstance(m, dict) or m.get("role") not in OPENAI_ROLES:
            raise Reject("Invalid value for 'messages[%d].role'." % i,
                         param="messages[%d].role" % i, code="invalid_value")
        if "content" not in m:
            raise Reject("Missing required parameter: 'messages[%d].content'." % i,
                         param="messages[%d].content" % i, code="missing_required_parameter")
    rf = body.get("response_format")
    if not isinstance(rf, dict) or rf.get("type") != "json_schema":
        raise Reject("response_format.type must be 'json_schema' (the fake only serves "
                     "structured outputs).", param="response_format.type", code="invalid_value")
    js = rf.get("json_schema")
    if not isinstance(js, dict):
        raise Reject("Missing required parameter: 'response_format.json_schema'.",
                     param="response_format.json_schema", code="missing_required_parameter")
    name = js.get("name")
    if not isinstance(name, str) or not name:
        raise Reject("Missing required parameter: 'response_format.json_schema.name'.",
                     param="response_format.json_schema.name",
                     code="missing_required_parameter")
    if not OPENAI_NAME_RE.match(name):
        raise Reject("Invalid 'response_format.json_schema.name': string does not match "
                     "pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
                     param="response_format.json_schema.name", code="invalid_value")
    if js.get("strict") is not True:
        raise Reject("response_format.json_schema.strict must be true (the fake requires "
                     "strict structured outputs).", param="response_format.json_schema.strict",
                     code="invalid_value")
    schema = js.get("schema")
    if not isinstance(schema, dict):
        raise Reject("Missing required parameter: 'response_format.json_schema.schema'.",
                     param="response_format.json_schema.schema",
                     code="missing_required_parameter")
    prefix = "Invalid schema for response_format '%s': " % name
    if schema.get("type") != "object" or "anyOf" in schema:
        raise Reject(prefix + "schema must be a JSON Schema of 'type: \"object\"', got "
                     "'type: %s'." % json.dumps(schema.get("type")), param="response_format")
    found = _strict_problem(schema)
    if found:
        ctx, text = found
        raise Reject(prefix + "In context=%s, %s" % (tuple(ctx), text), param="response_format")


def check_anthropic(headers, body):
    if not headers.get("x-api-key", "").strip():
        raise Reject("x-api-key header is required", status=401, etype="authentication_error")
    version = headers.get("anthropic-version")
    if version is None:
        raise Reject("anthropic-version: header is required")
    if version != "2023-06-01":
        raise Reject("anthropic-version: invalid version %r (the fake expects 2023-06-01)"
                     % version)
    if _media_type(headers) != "application/json":
        raise Reject("content-type: expected application/json, got %r"
                     % headers.get("content-type", ""))
    if body is None:
        raise Reject("There was an error parsing the body of your request: invalid JSON")
    if not isinstance(body, dict):
        raise Reject("Input should be a valid dictionary")
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise Reject("model: Field required")
    mt = body.get("max_tokens")
    if mt is None:
        raise Reject("max_tokens: Field required")
    if not isinstance(mt, int) or isinstance(mt, bool) or mt < 1:
        raise Reject("max_tokens: Input should be a positive integer")
    msgs = body.get("messages")
    if msgs is None:
        raise Reject("messages: Field required")
    if not isinstance(msgs, list) or not msgs:
        raise Reject("messages: at least one message is required")
    for i, m in enumerate(msgs):
        if not isinstance(m, dict) or m.get("role") not in ("user", "assistant"):
            raise Reject("messages.%d.role: Input should be 'user' or 'assistant' (a system "
                         "prompt goes in the top-level system parameter)" % i)
        if "content" not in m:
            raise Reject("messages.%d.content: Field required" % i)
    system = body.get("system")
    if system is not None and not isinstance(system, str):
        if not isinstance(system, list) or not all(
                isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str)
                for b in system):
            raise Reject("system: Input should be a string or a list of text blocks")
    tools = body.get("tools")
    if not isinstance(tools, list) or len(tools) != 1:
        raise Reject("tools: the fake requires exactly one tool (got %s)"
                     % (len(tools) if isinstance(tools, list) else "none"))
    tool = tools[0]
    if not isinstance(tool, dict) or not isinstance(tool.get("name"), str) or not tool["name"]:
        raise Reject("tools.0.name: Field required")
    schema = tool.get("input_schema")
    if schema is None:
        raise Reject("tools.0.custom.input_schema: Field required")
    if not isinstance(schema, dict):
        raise Reject("tools.0.custom.input_schema: Input should be a valid dictionary")
    if schema.get("type") != "object":
        raise Reject("tools.0.custom.input_schema.type: Input should be 'object'")
    tc = body.get("tool_choice")
    if tc is None:
        raise Reject("tool_choice: the fake requires {\"type\": \"tool\", \"name\": \"%s\"}"
                     % tool["name"])
    if not isinstance(tc, dict) or tc.get("type") != "tool" or tc.get("name") != tool["name"]:
        raise Reject("tool_choice: expected {\"type\": \"tool\", \"name\": \"%s\"}, got %s"
                     % (tool["name"], dumps(tc)))
    extra = set(tc) - {"type", "name", "disable_parallel_tool_use"}
    if extra:
        raise Reject("tool_choice.tool.%s: Extra inputs are not permitted" % sorted(extra)[0])


# ---------------------------------------------------------------------------------------------
# Shared state
# ---------------------------------------------------------------------------------------------

class State:
    def __init__(self, latency_ms=0, verbose=False):
        self.lock = threading.Lock()
        self.latency_ms = latency_ms
        self.verbose = verbose
        self.counter = 0
        self.reset()

    def reset(self):
        with getattr(self, "lock", threading.Lock()):
            self.queues = {api: collections.deque() for api in APIS}
            self.records = []
            self.stats = {api: 0 for api in APIS}
            self.openai_cache = set()
            self.anthropic_cache = set()

    def next_id(self):
        with self.lock:
            self.counter += 1
            return self.counter


# ---------------------------------------------------------------------------------------------
# Replies
# ---------------------------------------------------------------------------------------------

def _now_rfc3339(offset_s=0.0):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_s)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def openai_headers(rid, limited=False):
    return {
        "x-request-id": rid,
        "openai-organization": "user-fake0org",
        "openai-processing-ms": "321",
        "openai-version": "2020-10-01",
        "access-control-expose-headers": "X-Request-ID",
        "x-ratelimit-limit-requests": "10000",
        "x-ratelimit-limit-tokens": "30000000",
        "x-ratelimit-remaining-requests": "0" if limited else "9999",
        "x-ratelimit-remaining-tokens": "0" if limited else "29998765",
        "x-ratelimit-reset-requests": "6m0s" if limited else "12ms",
        "x-ratelimit-reset-tokens": "1.4s",
        "cf-cache-status": "DYNAMIC",
    }


def anthropic_headers(rid, limited=False):
    h = {"request-id": rid, "anthropic-organization-id": "fa4e0000-0000-4000-8000-00000000fa4e"}
    for kind, limit in (("requests", 4000), ("tokens", 480000), ("input-tokens", 400000),
                        ("output-tokens", 80000)):
        h["anthropic-ratelimit-%s-limit" % kind] = str(limit)
        h["anthropic-ratelimit-%s-remaining" % kind] = "0" if limited else str(limit - 1)
        h["anthropic-ratelimit-%s-reset" % kind] = _now_rfc3339(30 if limited else 1)
    h["via"] = "1.1 google"
    return h


def openai_error(message, etype, param=None, code=None):
    return {"error": {"message": message, "type": etype, "param": param, "code": code}}


def anthropic_error(message, etype, rid):
    return {"type": "error", "error": {"type": etype, "message": message}, "request_id": rid}


OPENAI_STATUS_DEFAULTS = {
    400: ("invalid_request_error", None, "Invalid request (scripted by the fake)."),
    401: ("invalid_request_error", "invalid_api_key",
          "Incorrect API key provided: sk-fake***. You can find your API key at "
          "https://platform.openai.com/account/api-keys."),
    403: ("invalid_request_error", "unsupported_country_region_territory",
          "Country, region, or territory not supported"),
    404: ("invalid_request_error", "model_not_found",
          "The model `%(model)s` does not exist or you do not have access to it."),
    408: ("invalid_request_error", None, "Request timed out."),
    409: ("invalid_request_error", None, "Conflict: the request conflicts with another one."),
    429: ("requests", "rate_limit_exceeded",
          "Rate limit reached for %(model)s in organization org-fake on requests per min (RPM):"
          " Limit 500, Used 500, Requested 1. Please try again in 120ms. Visit "
          "https://platform.openai.com/account/rate-limits to learn more."),
    500: ("server_error", None,
          "The server had an error while processing your request. Sorry about that!"),
    503: ("server_error", None, "The server is overloaded or not ready yet."),
}

ANTHROPIC_STATUS_DEFAULTS = {
    400: ("invalid_request_error", "Invalid request (scripted by the fake)."),
    401: ("authentication_error", "invalid x-api-key"),
    403: ("permission_error", "Your API key does not have permission to use the specified "
          "resource."),
    404: ("not_found_error", "model: %(model)s"),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: ("rate_limit_error", "This request would exceed the rate limit for your organization "
          "of 50 requests per minute. For details, refer to: "
          "https://docs.claude.com/en/api/rate-limits."),
    500: ("api_error", "Internal server error"),
    529: ("overloaded_error", "Overloaded"),
}


def openai_status_error(status, step, model):
    default = OPENAI_STATUS_DEFAULTS.get(status)
    if default is None:
        default = ("server_error", None, "The server had an error processing your request.") \
            if status >= 500 else ("invalid_request_error", None, "Request failed.")
    etype, code, message = default
    message = step.get("message", message % {"model": model} if "%(" in message else message)
    return openai_error(message, step.get("error_type", etype), step.get("param"),
                        step.get("code", code))


def anthropic_status_error(status, step, model, rid):
    default = ANTHROPIC_STATUS_DEFAULTS.get(status)
    if default is None:
        default = ("api_error", "Internal server error") if status >= 500 else \
            ("invalid_request_error", "Request failed.")
    etype, message = default
    message = step.get("message", message % {"model": model} if "%(" in message else message)
    return anthropic_error(message, step.get("error_type", etype), rid)


def compute_usage(state, api, body, out_text, update_cache):
    """The usage object of a success reply; updates the prompt caches when billed."""
    inp = ceil4(input_bytes(body))
    out = ceil4(nbytes(out_text))
    with state.lock:
        if api == "openai":
            system = openai_system_text(body["messages"])
            cached = 0
            if system and system in state.openai_cache:
                c = min(inp, nbytes(system) // 4)
                cached = c - c % 128 if c >= 1024 else 0
            if system and update_cache:
                state.openai_cache.add(system)
            return {
                "prompt_tokens": inp,
                "completion_tokens": out,
                "total_tokens": inp + out,
                "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                              "accepted_prediction_tokens": 0,
                                              "rejected_prediction_tokens": 0},
            }
        creation = read = 0
        seen = set(state.anthropic_cache)
        system = body.get("system")
        if isinstance(system, list):
            for block in system:
                if block.get("cache_control") is None:
                    continue
                tokens = ceil4(nbytes(block["text"]))
                if block["text"] in seen:
                    read += tokens
                else:
                    creation += tokens
                    seen.add(block["text"])
        if update_cache:
            state.anthropic_cache = seen
        return {
            "input_tokens": max(0, inp - creation - read),
            "cache_creation_input_tokens": creation,
            "cache_read_input_tokens": read,
            "cache_creation": {"ephemeral_5m_input_tokens": creation,
                               "ephemeral_1h_input_tokens": 0},
            "output_tokens": out,
            "service_tier": "standard",
        }


def apply_usage_override(api, usage, override):
    if not isinstance(override, dict):
        return usage
    usage = copy.deepcopy(usage)
    for k, v in override.items():
        if isinstance(v, dict) and isinstance(usage.get(k), dict):
            usage[k].update(v)
        elif api == "openai" and k == "cached_tokens":
            usage["prompt_tokens_details"]["cached_tokens"] = v
        else:
            usage[k] = v
    if api == "openai" and "total_tokens" not in override:
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    return usage


def success_reply(state, api, body, step, kind, n, update_cache):
    """(body dict, usage) of a 200 reply for ok/slow/truncate/refusal/invalid/cut."""
    if api == "openai":
        schema = body["response_format"]["json_schema"]["schema"]
    else:
        schema = body["tools"][0]["input_schema"]
    if kind == "invalid":
        output = step.get("output", {"_fake_invalid": True})
    elif "output" in step:
        output = step["output"]
    else:
        output = minimal_instance(schema)
    full_text = dumps(output)
    refusal = step.get("message", REFUSAL_TEXT) if kind == "refusal" else None
    if kind == "truncate":
        out_text = full_text[:max(1, len(full_text) // 2)]
    elif kind == "refusal":
        out_text = refusal
    else:
        out_text = full_text
    usage = compute_usage(state, api, body, out_text, update_cache)
    usage = apply_usage_override(api, usage, step.get("usage"))
    if api == "openai":
        message = {"role": "assistant", "content": out_text, "refusal": None, "annotations": []}
        finish = "stop"
        if kind == "truncate":
            finish = "length"
        elif kind == "refusal":
            message["content"] = None
            message["refusal"] = refusal
        reply = {
            "id": "chatcmpl-fake%d" % n,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [{"index": 0, "message": message, "logprobs": None,
                         "finish_reason": finish}],
            "usage": usage,
            "service_tier": "default",
            "system_fingerprint": "fp_fake%04d" % (n % 10000),
        }
    else:
        tool = body["tools"][0]["name"]
        block = {"type": "tool_use", "id": "toolu_fake_%d" % n, "name": tool, "input": output}
        stop = "tool_use"
        content = [block]
        if kind == "truncate":
            del block["input"]
            stop = "max_tokens"
        elif kind == "refusal":
            content = [{"type": "text", "text": refusal}]
            stop = "refusal"
        reply = {
            "id": "msg_fake_%d" % n,
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": usage,
            "container": None,
        }
    return reply, usage


# ---------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    # Headers and body go out in separate writes; without TCP_NODELAY, Nagle plus the
    # client's delayed ACK adds ~40 ms to every reply.
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"
    server_version = "fake-llm/1.0"
    sys_version = ""
    timeout = 600  # idle keep-alive connections are dropped after this many seconds

    # -- plumbing -------------------------------------------------------------------------

    @property
    def state(self):
        return self.server.state

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        if self.state.verbose:
            sys.stderr.write("fake_llm: %s - %s\n" % (self.address_string(), fmt % args))

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            data = bytearray()
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(data)
                data += self.rfile.read(size)
                self.rfile.readline(65537)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _send(self, status, body, headers=None, content_type="application/json", chunked=False,
              cut=False, pretty=False):
        if isinstance(body, (dict, list)):
            # OpenAI pretty-prints its JSON replies, Anthropic sends them compact.
            body = json.dumps(body, indent=2 if pretty else None,
                              separators=None if pretty else (",", ":")).encode("utf-8")
        elif isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status, REASONS.get(status))
        self.send_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        if chunked and not cut:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        if cut:
            self.send_header("Connection", "close")
        self.end_headers()
        if cut:
            self.wfile.write(body[:max(1, len(body) // 2)])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        elif chunked:
            step = max(1, (len(body) + 2) // 3)
            for i in range(0, len(body), step):
                piece = body[i:i + step]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)

    def _control_reply(self, status, obj):
        self._send(status, obj)

    # -- verbs ----------------------------------------------------------------------------

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method):
        try:
            raw = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        path = self.path.split("?", 1)[0]
        try:
            if path.startswith("/_fake/"):
                self._control(method, path, raw)
            elif path in ("/v1/chat/completions", "/v1/messages"):
                api = "openai" if path == "/v1/chat/completions" else "anthropic"
                if method != "POST":
                    self._send(405, openai_error("Method %s not allowed on %s" % (method, path),
                                                 "invalid_request_error"))
                else:
                    self._provider(api, path, raw)
            else:
                self._send(404, openai_error("Invalid URL (%s %s)" % (method, path),
                                             "invalid_request_error"))
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
            self.close_connection = True
        except Exception:  # a bug in the fake: always visible
            sys.stderr.write("fake_llm: internal error on %s %s\n%s"
                             % (method, path, traceback.format_exc()))
            self.close_connection = True
            try:
                self._send(500, {"error": {"message": "fake_llm internal error",
                                           "type": "fake_internal_error", "param": None,
                                           "code": None}})
            except OSError:
                pass

    # -- control endpoints ----------------------------------------------------------------

    def _control(self, method, path, raw):
        st = self.state
        if path == "/_fake/script" and method == "POST":
            try:
                doc = json.loads(raw.decode("utf-8"))
                if not isinstance(doc, dict) or set(doc) - set(APIS):
                    raise ValueError("expected {\"openai\": [...], \"anthropic\": [...]}")
                for api, steps in doc.items():
                    if not isinstance(steps, list):
                        raise ValueError("%s: expected a list of steps" % api)
                    for s in steps:
                        if not isinstance(s, dict) or s.get("kind", "ok") not in STEP_KINDS:
                            raise ValueError("%s: bad step %s (kinds: %s)"
                                             % (api, dumps(s), ", ".join(STEP_KINDS)))
                        if s.get("kind") == "status" and not (
                                isinstance(s.get("status", 500), int)
                                and 100 <= s.get("status", 500) <= 599):
                            raise ValueError("%s: bad status in %s" % (api, dumps(s)))
            except (ValueError, UnicodeDecodeError) as e:
                self._control_reply(400, {"error": str(e)})
                return
            with st.lock:
                for api, steps in doc.items():
                    st.queues[api].extend(steps)
                queued = {api: len(st.queues[api]) for api in APIS}
            self._control_reply(200, {"queued": queued})
        elif path == "/_fake/reset" and method == "POST":
            st.reset()
            self._control_reply(200, {"reset": True})
        elif path == "/_fake/requests" and method == "GET":
            with st.lock:
                records = list(st.records)
            self._control_reply(200, records)
        elif path == "/_fake/stats" and method == "GET":
            with st.lock:
                stats = dict(st.stats)
            self._control_reply(200, stats)
        else:
            self._control_reply(404, {"error": "unknown control call %s %s" % (method, path)})

    # -- provider endpoints ---------------------------------------------------------------

    def _provider(self, api, path, raw):
        st = self.state
        headers = {}
        for k, v in self.headers.items():
            k = k.lower()
            headers[k] = headers[k] + ", " + v if k in headers else v
        try:
            body = json.loads(raw.decode("utf-8")) if raw else None
        except (ValueError, UnicodeDecodeError):
            body = None
        n = st.next_id()
        rid = "req_fake_%d" % n
        record = {"api": api, "path": path, "headers": headers, "body": body, "step": None,
                  "response_usage": None, "status": None, "request_id": rid, "error": None}
        with st.lock:
            st.stats[api] += 1
        try:
            (check_openai if api == "openai" else check_anthropic)(headers, body)
        except Reject as r:
            record.update(status=r.status, error=r.message)
            with st.lock:
                st.records.append(record)
            if api == "openai":
                self._send(r.status, openai_error(r.message, r.etype, r.param, r.code),
                           openai_headers(rid), pretty=True)
            else:
                self._send(r.status, anthropic_error(r.message, r.etype, rid),
                           anthropic_headers(rid))
            return

        with st.lock:
            step = st.queues[api].popleft() if st.queues[api] else {"kind": "ok"}
        kind = step.get("kind", "ok")
        record["step"] = step
        delay_ms = float(step.get("delay_ms", DEFAULT_SLOW_MS if kind == "slow" else 0))
        base_headers = openai_headers(rid) if api == "openai" else anthropic_headers(rid)
        chunked = bool(step.get("chunked"))
        content_type = "application/json"
        cut = False
        model = body["model"]

        if kind in BILLED_KINDS or kind == "cut":
            reply, usage = success_reply(st, api, body, step, kind, n, update_cache=kind != "cut")
            status = 200
            if kind == "cut":
                cut = True
            else:
                record["response_usage"] = usage
            delay_ms += st.latency_ms
        elif kind == "status":
            status = int(step.get("status", 500))
            if "body" in step:
                reply = step["body"]
                content_type = step.get("content_type", "text/plain")
            elif api == "openai":
                reply = openai_status_error(status, step, model)
            else:
                reply = anthropic_status_error(status, step, model, rid)
            if status == 429:
                base_headers = openai_headers(rid, True) if api == "openai" else \
                    anthropic_headers(rid, True)
        elif kind == "quota":
            if api == "openai":
                status = 429
                reply = openai_error(
                    step.get("message", "You exceeded your current quota, please check your "
                             "plan and billing details. For more information on this error, "
                             "read the docs: https://platform.openai.com/docs/guides/"
                             "error-codes/api-errors."),
                    "insufficient_quota", None, "insufficient_quota")
            else:
                status = 400
                reply = anthropic_error(
                    step.get("message", "Your credit balance is too low to access the Anthropic "
                             "API. Please go to Plans & Billing to upgrade or purchase "
                             "credits."),
                    "invalid_request_error", rid)
        elif kind == "overloaded":
            if api == "openai":
                status = 503
                reply = openai_error(step.get("message", "The server is overloaded or not "
                                                         "ready yet."), "server_error")
            else:
                status = 529
                reply = anthropic_error(step.get("message", "Overloaded"), "overloaded_error",
                                        rid)
        else:  # html502: a gateway answered, not the provider: no request id
            status = 502
            reply = HTML_502
            content_type = "text/html"
            base_headers = {"server": "cloudflare", "cf-ray": "8f00fake%08d-AMS" % n}
            record["request_id"] = None

        headers_out = dict(base_headers)
        for k, v in (step.get("headers") or {}).items():
            headers_out = {hk: hv for hk, hv in headers_out.items() if hk.lower() != k.lower()}
            headers_out[k] = v
        record["status"] = status
        with st.lock:
            st.records.append(record)
        if delay_ms > 0:
            time.sleep(delay_ms / 1000.0)
        self._send(status, reply, headers_out, content_type, chunked=chunked, cut=cut,
                   pretty=api == "openai")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True

    def __init__(self, addr, state):
        self.state = state
        super().__init__(addr, Handler)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)) and not self.state.verbose:
            return
        super().handle_error(request, client_address)


def write_port_file(path, port):
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    with open(tmp, "w", encoding="ascii") as f:
        f.write("%d\n" % port)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Fake OpenAI/Anthropic server (docs/FAKE-LLM.md)")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port-file")
    ap.add_argument("--latency-ms", type=float, default=0.0,
                    help="delay every successful reply by this many milliseconds")
    ap.add_argument("--verbose", action="store_true", help="log every request on stderr")
    args = ap.parse_args(argv)

    server = Server((args.host, args.port), State(args.latency_ms, args.verbose))
    port = server.server_address[1]

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.port_file:
        write_port_file(args.port_file, port)
    if args.verbose:
        sys.stderr.write("fake_llm: listening on %s:%d\n" % (args.host, port))
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
