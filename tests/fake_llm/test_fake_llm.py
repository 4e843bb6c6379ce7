#!/usr/bin/env python3
"""Tests of the fake LLM provider (docs/FAKE-LLM.md), standard library only.

Starts tests/fake_llm/fake_llm.py as a subprocess on port 0 and talks to it with raw
http.client / urllib / socket requests. Run: python3 tests/fake_llm/test_fake_llm.py
"""
import email.utils
import http.client
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "fake_llm.py")
sys.path.insert(0, HERE)
import fake_llm  # noqa: E402  (for the schema generator unit tests)

OA_PATH = "/v1/chat/completions"
AN_PATH = "/v1/messages"
OA_HEADERS = {"Authorization": "Bearer sk-test", "Content-Type": "application/json"}
AN_HEADERS = {"x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01",
              "content-type": "application/json"}

STRICT_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "skills", "level", "score", "remote", "note"],
    "properties": {
        "name": {"type": "string"},
        "skills": {"type": "array", "items": {"$ref": "#/$defs/skill"}},
        "level": {"type": "string", "enum": ["senior", "junior"]},
        "score": {"type": "number", "minimum": 2.5},
        "remote": {"type": "boolean"},
        "note": {"type": ["null", "string"]},
    },
    "$defs": {
        "skill": {"type": "object", "additionalProperties": False, "required": ["id"],
                  "properties": {"id": {"type": "integer"}}},
    },
}
STRICT_MINIMAL = {"name": "", "skills": [], "level": "senior", "score": 2.5, "remote": False,
                  "note": ""}


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def nbytes(value):
    return len(compact(value).encode("utf-8"))


def expected_input(body):
    """The spec: ceil(bytes of messages+system+tools JSON / 4)."""
    total = sum(nbytes(body[k]) for k in ("messages", "system", "tools") if k in body)
    return math.ceil(total / 4)


def openai_body(schema=None, system="You write resumes.", user="Hello", name="resume",
                strict=True):
    messages = []
    if system is not None:
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": user})
    return {"model": "gpt-4o-mini", "messages": messages,
            "response_format": {"type": "json_schema", "json_schema": {
                "name": name, "strict": strict,
                "schema": STRICT_SCHEMA if schema is None else schema}}}


def anthropic_body(schema=None, system="You write resumes.", user="Hello", cache=False,
                   tool="emit"):
    body = {"model": "claude-sonnet-4-5", "max_tokens": 1024,
            "messages": [{"role": "user", "content": user}],
            "tools": [{"name": tool, "description": "Emit the result",
                       "input_schema": STRICT_SCHEMA if schema is None else schema}],
            "tool_choice": {"type": "tool", "name": tool}}
    if system is not None:
        block = {"type": "text", "text": system}
        if cache:
            block["cache_control"] = {"type": "ephemeral"}
        body["system"] = [block] if cache else system
    return body


class FakeProcess:
    """One fake server subprocess, stderr captured to a file."""

    def __init__(self, *extra):
        self.dir = tempfile.TemporaryDirectory()
        self.port_file = os.path.join(self.dir.name, "port")
        self.stderr_path = os.path.join(self.dir.name, "stderr")
        self.stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, FAKE, "--port", "0", "--port-file", self.port_file, *extra],
            stdout=subprocess.DEVNULL, stderr=self.stderr)
        deadline = time.time() + 30
        while not os.path.exists(self.port_file):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("fake did not start: " + self.stderr_text())
            time.sleep(0.02)
        with open(self.port_file) as f:
            self.port = int(f.read().strip())

    def stderr_text(self):
        self.stderr.flush()
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()
        self.dir.cleanup()


FAKE_PROC = None


def setUpModule():
    global FAKE_PROC
    FAKE_PROC = FakeProcess()


def tearDownModule():
    text = FAKE_PROC.stderr_text()
    FAKE_PROC.stop()
    if text:  # the fake must stay quiet: no request logs, no tracebacks
        raise AssertionError("the fake wrote on stderr:\n" + text)


class Reply:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw

    def json(self):
        return json.loads(self.raw.decode("utf-8"))


class Base(unittest.TestCase):
    port = None

    def setUp(self):
        self.port = FAKE_PROC.port
        self.assertEqual(self.control("POST", "/_fake/reset").status, 200)

    def request(self, method, path, body=None, headers=None, raw=None, timeout=30, conn=None):
        c = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        data = raw if raw is not None else (None if body is None else
                                            json.dumps(body).encode("utf-8"))
        try:
            c.request(method, path, body=data, headers=headers or {})
            r = c.getresponse()
            payload = r.read()
            return Reply(r.status, {k.lower(): v for k, v in r.getheaders()}, payload)
        finally:
            if conn is None:
                c.close()

    def control(self, method, path, body=None):
        return self.request(method, path, body, {"Content-Type": "application/json"})

    def script(self, openai=None, anthropic=None):
        doc = {}
        if openai is not None:
            doc["openai"] = openai
        if anthropic is not None:
            doc["anthropic"] = anthropic
        r = self.control("POST", "/_fake/script", doc)
        self.assertEqual(r.status, 200, r.raw)
        return r.json()

    def records(self):
        return self.control("GET", "/_fake/requests").json()

    def stats(self):
        return self.control("GET", "/_fake/stats").json()

    def openai(self, body=None, headers=None, **kw):
        return self.request("POST", OA_PATH, openai_body() if body is None else body,
                            OA_HEADERS if headers is None else headers, **kw)

    def anthropic(self, body=None, headers=None, **kw):
        return self.request("POST", AN_PATH, anthropic_body() if body is None else body,
                            AN_HEADERS if headers is None else headers, **kw)

    def raw_exchange(self, path, body, headers, timeout=10):
        """Sends one request on a raw socket; returns (header bytes, body bytes) until EOF."""
        data = json.dumps(body).encode("utf-8")
        lines = ["POST %s HTTP/1.1" % path, "Host: 127.0.0.1:%d" % self.port,
                 "Content-Length: %d" % len(data), "Connection: close"]
        lines += ["%s: %s" % kv for kv in headers.items()]
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        try:
            s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + data)
            got = bytearray()
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
        finally:
            s.close()
        head, _, rest = bytes(got).partition(b"\r\n\r\n")
        return head, rest

    # -- assertions -------------------------------------------------------------------------

    def assert_openai_error(self, r, status, etype="invalid_request_error"):
        self.assertEqual(r.status, status, r.raw)
        err = r.json()["error"]
        self.assertEqual(set(err), {"message", "type", "param", "code"})
        self.assertEqual(err["type"], etype)
        self.assertTrue(err["message"])
        self.assertRegex(r.headers["x-request-id"], r"^req_fake_\d+$")
        return err

    def assert_anthropic_error(self, r, status, etype="invalid_request_error"):
        self.assertEqual(r.status, status, r.raw)
        doc = r.json()
        self.assertEqual(doc["type"], "error")
        self.assertEqual(doc["error"]["type"], etype)
        self.assertTrue(doc["error"]["message"])
        self.assertRegex(doc["request_id"], r"^req_fake_\d+$")
        self.assertEqual(doc["request_id"], r.headers["request-id"])
        return doc


# ---------------------------------------------------------------------------------------------

class GeneratorTests(unittest.TestCase):
    def test_strict_schema(self):
        self.assertEqual(fake_llm.minimal_instance(STRICT_SCHEMA), STRICT_MINIMAL)

    def test_rules(self):
        gen = fake_llm.minimal_instance
        self.assertEqual(gen({"type": "object", "properties": {"a": {"type": "string"},
                                                               "b": {"type": "integer"}},
                              "required": ["b"]}), {"b": 0})
        self.assertEqual(gen({"type": "array", "minItems": 2, "items": {"type": "boolean"}}),
                         [False, False])
        self.assertEqual(gen({"type": "array", "items": {"type": "string"}}), [])
        self.assertEqual(gen({"type": "integer", "minimum": 7}), 7)
        self.assertEqual(gen({"type": "number"}), 0)
        self.assertEqual(gen({"type": "string", "enum": ["x", "y"]}), "x")
        self.assertEqual(gen({"enum": [3, 4]}), 3)
        self.assertEqual(gen({"const": "v1"}), "v1")
        self.assertEqual(gen({"type": ["null", "integer"]}), 0)
        self.assertIsNone(gen({"type": "null"}))
        self.assertEqual(gen({"anyOf": [{"type": "string"}, {"type": "null"}]}), "")
        self.assertIsNone(gen({"oneOf": [{"type": "null"}, {"type": "string"}]}))
        self.assertEqual(gen({"type": "object", "required": ["x"],
                              "properties": {"x": {"$ref": "#/definitions/d"}},
                              "definitions": {"d": {"type": "integer", "minimum": 1}}}),
                         {"x": 1})
        self.assertEqual(gen({"allOf": [{"type": "object", "required": ["a"],
                                         "properties": {"a": {"type": "boolean"}}}]}),
                         {"a": False})
        # A recursive schema terminates because arrays are empty.
        tree = {"type": "object", "required": ["kids"], "additionalProperties": False,
                "properties": {"kids": {"type": "array", "items": {"$ref": "#"}}}}
        self.assertEqual(gen(tree), {"kids": []})


class ServerClassTests(unittest.TestCase):
    def test_server_settings(self):
        self.assertTrue(fake_llm.Server.daemon_threads)
        self.assertGreaterEqual(fake_llm.Server.request_queue_size, 1024)
        self.assertEqual(fake_llm.Handler.protocol_version, "HTTP/1.1")


class OpenAITests(Base):
    def test_ok_shape_usage_and_headers(self):
        body = openai_body()
        r = self.openai(body)
        self.assertEqual(r.status, 200, r.raw)
        self.assertEqual(r.headers["content-type"], "application/json")
        self.assertEqual(int(r.headers["content-length"]), len(r.raw))
        self.assertRegex(r.headers["x-request-id"], r"^req_fake_\d+$")
        self.assertIn("openai-processing-ms", r.headers)
        self.assertIn("x-ratelimit-reset-tokens", r.headers)
        doc = r.json()
        choice = doc["choices"][0]
        self.assertEqual(choice["finish_reason"], "stop")
        text = choice["message"]["content"]
        self.assertEqual(json.loads(text), STRICT_MINIMAL)
        self.assertIsNone(choice["message"]["refusal"])
        self.assertIn("system_fingerprint", doc)
        self.assertIn("service_tier", doc)
        usage = doc["usage"]
        inp = expected_input(body)
        out = math.ceil(len(text.encode("utf-8")) / 4)
        self.assertEqual(usage["prompt_tokens"], inp)
        self.assertEqual(usage["completion_tokens"], out)
        self.assertEqual(usage["total_tokens"], inp + out)
        self.assertEqual(usage["prompt_tokens_details"]["cached_tokens"], 0)
        recs = self.records()
        self.assertEqual(len(recs), 1)
        rec = recs[0]
        self.assertEqual(rec["api"], "openai")
        self.assertEqual(rec["path"], OA_PATH)
        self.assertEqual(rec["headers"]["authorization"], "Bearer sk-test")
        self.assertEqual(rec["body"], body)
        self.assertEqual(rec["step"], {"kind": "ok"})
        self.assertEqual(rec["response_usage"], usage)
        self.assertEqual(self.stats(), {"openai": 1, "anthropic": 0})

    def test_output_given_and_usage_override(self):
        out = {"name": "Ada Lovelace – é", "skills": [{"id": 1}], "level": "junior",
               "score": 9, "remote": True, "note": None}
        self.script(openai=[{"kind": "ok", "output": out},
                            {"kind": "ok", "usage": {"prompt_tokens": 7,
                                                     "completion_tokens": 5}},
                            {"kind": "ok", "usage": {"cached_tokens": 3}}])
        r = self.openai()
        text = r.json()["choices"][0]["message"]["content"]
        self.assertEqual(json.loads(text), out)
        self.assertEqual(r.json()["usage"]["completion_tokens"],
                         math.ceil(len(compact(out).encode("utf-8")) / 4))
        u = self.openai().json()["usage"]
        self.assertEqual((u["prompt_tokens"], u["completion_tokens"], u["total_tokens"]),
                         (7, 5, 12))
        u = self.openai().json()["usage"]
        self.assertEqual(u["prompt_tokens_details"]["cached_tokens"], 3)
        self.assertEqual(self.records()[1]["response_usage"]["prompt_tokens"], 7)

    def test_cached_tokens(self):
        long_system = "Rules of the resume co-writer. " * 200  # 6200 bytes -> 1550 tokens
        body = openai_body(system=long_system)
        inp = expected_input(body)
        c = min(inp, len(long_system.encode()) // 4)
        expected = c - c % 128
        self.assertGreaterEqual(c, 1024)
        first = self.openai(body).json()["usage"]
        self.assertEqual(first["prompt_tokens_details"]["cached_tokens"], 0)
        second = self.openai(openai_body(system=long_system, user="Other")).json()["usage"]
        self.assertEqual(second["prompt_tokens_details"]["cached_tokens"], expected)
        self.assertEqual(expected, 1536)
        # A short system prompt is never cached (< 1024 tokens).
        self.openai(openai_body(system="short"))
        again = self.openai(openai_body(system="short")).json()["usage"]
        self.assertEqual(again["prompt_tokens_details"]["cached_tokens"], 0)
        # Reset clears the cache.
        self.control("POST", "/_fake/reset")
        third = self.openai(body).json()["usage"]
        self.assertEqual(third["prompt_tokens_details"]["cached_tokens"], 0)

    def check_rejected(self, body=None, headers=None, status=400, param=None):
        before = self.stats()["openai"]
        r = self.openai(body, headers)
        err = self.assert_openai_error(r, status)
        if param is not None:
            self.assertEqual(err["param"], param)
        rec = self.records()[-1]
        self.assertEqual(rec["api"], "openai")
        self.assertIsNone(rec["step"])
        self.assertIsNone(rec["response_usage"])
        self.assertEqual(rec["status"], status)
        self.assertEqual(self.stats()["openai"], before + 1)
        return err

    def test_auth_checks(self):
        self.check_rejected(headers={"Content-Type": "application/json"}, status=401)
        err = self.check_rejected(headers={"Authorization": "Bearer ",
                                           "Content-Type": "application/json"}, status=401)
        self.assertEqual(err["code"], "invalid_api_key")
        self.check_rejected(headers={"Authorization": "sk-test",
                                     "Content-Type": "application/json"}, status=401)

    def test_body_checks(self):
        self.check_rejected(headers={"Authorization": "Bearer k", "Content-Type": "text/plain"})
        b = openai_body()
        del b["model"]
        self.check_rejected(b, param="model")
        b = openai_body()
        del b["messages"]
        self.check_rejected(b, param="messages")
        b = openai_body()
        b["messages"] = []
        self.check_rejected(b, param="messages")
        b = openai_body()
        b["response_format"] = {"type": "json_object"}
        self.check_rejected(b)
        b = openai_body()
        del b["response_format"]
        self.check_rejected(b)
        self.check_rejected(openai_body(strict=False))
        b = openai_body()
        del b["response_format"]["json_schema"]["strict"]
        self.check_rejected(b)
        b = openai_body()
        del b["response_format"]["json_schema"]["name"]
        self.check_rejected(b)
        r = self.request("POST", OA_PATH, raw=b"{not json", headers=OA_HEADERS)
        self.assert_openai_error(r, 400)
        self.assertIsNone(self.records()[-1]["body"])

    def test_schema_strictness(self):
        def loose(mutate):
            s = json.loads(json.dumps(STRICT_SCHEMA))
            mutate(s)
            return s
        cases = [
            loose(lambda s: s.pop("additionalProperties")),
            loose(lambda s: s.__setitem__("additionalProperties", True)),
            loose(lambda s: s["required"].remove("note")),
            loose(lambda s: s.pop("required")),
            loose(lambda s: s["$defs"]["skill"].pop("additionalProperties")),
            loose(lambda s: s["$defs"]["skill"].__setitem__("required", [])),
            loose(lambda s: s["properties"].__setitem__(
                "extra", {"type": "object", "properties": {"x": {"type": "string"}},
                          "required": ["x"]}) or s["required"].append("extra")),
            loose(lambda s: s["properties"].__setitem__(
                "list", {"type": "array", "items": {"type": "object", "properties": {}}})
                or s["required"].append("list")),
            {"type": "array", "items": {"type": "string"}},
        ]
        for schema in cases:
            with self.subTest(schema=schema):
                err = self.check_rejected(openai_body(schema=schema))
                self.assertEqual(err["param"], "response_format")
                self.assertIn("Invalid schema for response_format 'resume'", err["message"])
        self.assertEqual(self.stats()["openai"], len(cases))

    def test_rejection_does_not_pop_a_step(self):
        self.script(openai=[{"kind": "status", "status": 500}])
        self.check_rejected(openai_body(strict=False))
        self.assertEqual(self.openai().status, 500)


class AnthropicTests(Base):
    def test_ok_shape_usage_and_headers(self):
        body = anthropic_body()
        r = self.anthropic(body)
        self.assertEqual(r.status, 200, r.raw)
        self.assertEqual(int(r.headers["content-length"]), len(r.raw))
        self.assertRegex(r.headers["request-id"], r"^req_fake_\d+$")
        self.assertIn("anthropic-ratelimit-tokens-reset", r.headers)
        doc = r.json()
        self.assertEqual(doc["type"], "message")
        self.assertEqual(doc["stop_reason"], "tool_use")
        self.assertEqual(len(doc["content"]), 1)
        block = doc["content"][0]
        self.assertEqual(block["type"], "tool_use")
        self.assertEqual(block["name"], "emit")
        self.assertTrue(block["id"])
        self.assertEqual(block["input"], STRICT_MINIMAL)
        usage = doc["usage"]
        self.assertEqual(usage["input_tokens"], expected_input(body))
        self.assertEqual(usage["output_tokens"], math.ceil(nbytes(STRICT_MINIMAL) / 4))
        self.assertEqual(usage["cache_creation_input_tokens"], 0)
        self.assertEqual(usage["cache_read_input_tokens"], 0)
        self.assertIn("service_tier", usage)  # an unknown extra field
        rec = self.records()[0]
        self.assertEqual(rec["api"], "anthropic")
        self.assertEqual(rec["headers"]["anthropic-version"], "2023-06-01")
        self.assertEqual(rec["response_usage"], usage)
        self.assertEqual(self.stats(), {"openai": 0, "anthropic": 1})

    def test_prompt_cache(self):
        system = "Rules of the resume co-writer, stable part. " * 10
        body = anthropic_body(system=system, cache=True)
        total = expected_input(body)
        tokens = math.ceil(len(system.encode()) / 4)
        first = self.anthropic(body).json()["usage"]
        self.assertEqual(first["cache_creation_input_tokens"], tokens)
        self.assertEqual(first["cache_read_input_tokens"], 0)
        self.assertEqual(first["input_tokens"], total - tokens)
        second = self.anthropic(body).json()["usage"]
        self.assertEqual(second["cache_creation_input_tokens"], 0)
        self.assertEqual(second["cache_read_input_tokens"], tokens)
        self.assertEqual(second["input_tokens"], total - tokens)
        # Without cache_control nothing is cached.
        plain = self.anthropic(anthropic_body(system=system)).json()["usage"]
        self.assertEqual(plain["cache_read_input_tokens"], 0)
        self.assertEqual(plain["cache_creation_input_tokens"], 0)
        self.control("POST", "/_fake/reset")
        again = self.anthropic(body).json()["usage"]
        self.assertEqual(again["cache_creation_input_tokens"], tokens)

    def check_rejected(self, body=None, headers=None, status=400,
                       etype="invalid_request_error"):
        r = self.anthropic(body, headers)
        doc = self.assert_anthropic_error(r, status, etype)
        rec = self.records()[-1]
        self.assertIsNone(rec["step"])
        self.assertEqual(rec["status"], status)
        self.assertEqual(rec["request_id"], doc["request_id"])
        return doc

    def test_header_checks(self):
        h = dict(AN_HEADERS)
        del h["x-api-key"]
        self.check_rejected(headers=h, status=401, etype="authentication_error")
        h = dict(AN_HEADERS)
        del h["anthropic-version"]
        self.check_rejected(headers=h)
        self.check_rejected(headers=dict(AN_HEADERS, **{"anthropic-version": "2024-01-01"}))
        self.check_rejected(headers=dict(AN_HEADERS, **{"content-type": "text/plain"}))
        self.assertEqual(self.stats()["anthropic"], 4)

    def test_body_checks(self):
        def without(key):
            b = anthropic_body()
            del b[key]
            return b
        self.check_rejected(without("model"))
        self.check_rejected(without("max_tokens"))
        self.check_rejected(without("messages"))
        doc = self.check_rejected(without("tool_choice"))
        self.assertIn("tool_choice", doc["error"]["message"])
        self.check_rejected(without("tools"))
        b = anthropic_body()
        b["tools"].append({"name": "second", "input_schema": {"type": "object"}})
        self.check_rejected(b)
        b = anthropic_body()
        del b["tools"][0]["input_schema"]
        self.check_rejected(b)
        b = anthropic_body()
        b["tool_choice"] = {"type": "auto"}
        self.check_rejected(b)
        b = anthropic_body()
        b["tool_choice"] = {"type": "tool", "name": "other"}
        self.check_rejected(b)
        b = anthropic_body()
        b["tool_choice"] = {"type": "any"}
        self.check_rejected(b)
        b = anthropic_body()
        b["messages"].insert(0, {"role": "system", "content": "no"})
        self.check_rejected(b)
        b = anthropic_body()
        b["tool_choice"]["foo"] = 1
        self.check_rejected(b)
        b = anthropic_body()
        b["tool_choice"]["disable_parallel_tool_use"] = True
        self.assertEqual(self.anthropic(b).status, 200)
        # A non-strict schema is fine for Anthropic.
        loose = {"type": "object", "properties": {"a": {"type": "string"}}}
        r = self.anthropic(anthropic_body(schema=loose))
        self.assertEqual(r.status, 200, r.raw)
        self.assertEqual(r.json()["content"][0]["input"], {})


class StepTests(Base):
    def test_queue_order_default_and_separate_queues(self):
        res = self.script(openai=[{"kind": "status", "status": 500}, {"kind": "quota"}],
                          anthropic=[{"kind": "overloaded"}])
        self.assertEqual(res["queued"], {"openai": 2, "anthropic": 1})
        self.assertEqual(self.anthropic().status, 529)
        self.assertEqual(self.anthropic().status, 200)  # empty queue means ok
        self.assertEqual(self.openai().status, 500)
        self.assertEqual(self.openai().status, 429)
        self.assertEqual(self.openai().status, 200)
        steps = [r["step"]["kind"] for r in self.records()]
        self.assertEqual(steps, ["overloaded", "ok", "status", "quota", "ok"])
        self.script(openai=[{"kind": "status", "status": 500}])
        self.script(openai=[{"kind": "status", "status": 503}])
        self.assertEqual(self.openai().status, 500)
        self.assertEqual(self.openai().status, 503)

    def test_bad_script(self):
        for doc in ({"openai": [{"kind": "nope"}]}, {"gemini": []}, {"openai": {}}, [1],
                    {"openai": [{"kind": "status", "status": "x"}]}):
            with self.subTest(doc=doc):
                self.assertEqual(self.control("POST", "/_fake/script", doc).status, 400)
        r = self.request("POST", "/_fake/script", raw=b"{bad")
        self.assertEqual(r.status, 400)

    def test_status_with_retry_headers(self):
        date = email.utils.formatdate(time.time() + 3, usegmt=True)
        self.script(openai=[{"kind": "status", "status": 429, "headers": {"retry-after": "1"}},
                            {"kind": "status", "status": 429,
                             "headers": {"retry-after-ms": "200"}},
                            {"kind": "status", "status": 429, "headers": {"retry-after": date}},
                            {"kind": "status", "status": 500,
                             "headers": {"x-should-retry": "false"}},
                            {"kind": "status", "status": 404},
                            {"kind": "status", "status": 401, "error_type": "custom_type",
                             "message": "custom message", "code": "c1"}],
                    anthropic=[{"kind": "status", "status": 429,
                                "headers": {"retry-after": "2"}},
                               {"kind": "status", "status": 500},
                               {"kind": "status", "status": 401},
                               {"kind": "status", "status": 413,
                                "body": "request too large", "content_type": "text/plain"},
                               {"kind": "status", "status": 400, "error_type": "x_error",
                                "message": "scripted"}])
        r = self.openai()
        err = self.assert_openai_error(r, 429, "requests")
        self.assertEqual(err["code"], "rate_limit_exceeded")
        self.assertEqual(r.headers["retry-after"], "1")
        r = self.openai()
        self.assert_openai_error(r, 429, "requests")
        self.assertEqual(r.headers["retry-after-ms"], "200")
        r = self.openai()
        self.assertEqual(r.headers["retry-after"], date)
        r = self.openai()
        self.assert_openai_error(r, 500, "server_error")
        self.assertEqual(r.headers["x-should-retry"], "false")
        err = self.assert_openai_error(self.openai(), 404)
        self.assertEqual(err["code"], "model_not_found")
        err = self.assert_openai_error(self.openai(), 401, "custom_type")
        self.assertEqual((err["message"], err["code"]), ("custom message", "c1"))

        r = self.anthropic()
        self.assert_anthropic_error(r, 429, "rate_limit_error")
        self.assertEqual(r.headers["retry-after"], "2")
        self.assert_anthropic_error(self.anthropic(), 500, "api_error")
        self.assert_anthropic_error(self.anthropic(), 401, "authentication_error")
        r = self.anthropic()
        self.assertEqual((r.status, r.raw), (413, b"request too large"))
        self.assertTrue(r.headers["content-type"].startswith("text/plain"))
        doc = self.assert_anthropic_error(self.anthropic(), 400, "x_error")
        self.assertEqual(doc["error"]["message"], "scripted")
        for rec in self.records():
            self.assertIsNone(rec["response_usage"])

    def test_quota(self):
        self.script(openai=[{"kind": "quota"}], anthropic=[{"kind": "quota"}])
        err = self.assert_openai_error(self.openai(), 429, "insufficient_quota")
        self.assertEqual(err["code"], "insufficient_quota")
        doc = self.assert_anthropic_error(self.anthropic(), 400)
        self.assertIn("credit balance is too low", doc["error"]["message"])

    def test_overloaded(self):
        self.script(openai=[{"kind": "overloaded"}], anthropic=[{"kind": "overloaded"}])
        self.assert_openai_error(self.openai(), 503, "server_error")
        self.assert_anthropic_error(self.anthropic(), 529, "overloaded_error")

    def test_truncate(self):
        self.script(openai=[{"kind": "truncate"}], anthropic=[{"kind": "truncate"}])
        body = openai_body()
        r = self.openai(body)
        self.assertEqual(r.status, 200)
        choice = r.json()["choices"][0]
        self.assertEqual(choice["finish_reason"], "length")
        text = choice["message"]["content"]
        self.assertTrue(compact(STRICT_MINIMAL).startswith(text))
        with self.assertRaises(ValueError):
            json.loads(text)
        usage = r.json()["usage"]
        self.assertEqual(usage["completion_tokens"], math.ceil(len(text.encode()) / 4))
        self.assertEqual(usage["prompt_tokens"], expected_input(body))
        self.assertEqual(self.records()[-1]["response_usage"], usage)

        r = self.anthropic()
        doc = r.json()
        self.assertEqual(doc["stop_reason"], "max_tokens")
        self.assertTrue(all("input" not in b for b in doc["content"]))
        self.assertGreater(doc["usage"]["output_tokens"], 0)
        self.assertEqual(self.records()[-1]["response_usage"], doc["usage"])

    def test_refusal(self):
        self.script(openai=[{"kind": "refusal"}], anthropic=[{"kind": "refusal"}])
        r = self.openai()
        msg = r.json()["choices"][0]["message"]
        self.assertEqual(r.status, 200)
        self.assertIsNone(msg["content"])
        self.assertTrue(msg["refusal"])
        self.assertEqual(r.json()["usage"]["completion_tokens"],
                         math.ceil(len(msg["refusal"].encode()) / 4))
        doc = self.anthropic().json()
        self.assertEqual(doc["stop_reason"], "refusal")
        self.assertFalse([b for b in doc["content"] if b["type"] == "tool_use"])

    def test_invalid(self):
        bad = {"name": 42}
        self.script(openai=[{"kind": "invalid", "output": bad}],
                    anthropic=[{"kind": "invalid", "output": bad}])
        r = self.openai()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["choices"][0]["finish_reason"], "stop")
        self.assertEqual(json.loads(r.json()["choices"][0]["message"]["content"]), bad)
        doc = self.anthropic().json()
        self.assertEqual(doc["stop_reason"], "tool_use")
        self.assertEqual(doc["content"][0]["input"], bad)

    def test_slow_and_delay(self):
        self.script(openai=[{"kind": "slow", "delay_ms": 1500}, {"kind": "slow", "delay_ms": 300},
                            {"kind": "status", "status": 500, "delay_ms": 300}])
        t0 = time.monotonic()
        with self.assertRaises((socket.timeout, TimeoutError)):
            self.openai(timeout=0.3)
        self.assertLess(time.monotonic() - t0, 1.4)
        self.assertEqual(self.records()[-1]["step"]["kind"], "slow")
        t0 = time.monotonic()
        r = self.openai()
        self.assertGreaterEqual(time.monotonic() - t0, 0.3)
        self.assertEqual(r.status, 200)
        self.assertEqual(json.loads(r.json()["choices"][0]["message"]["content"]),
                         STRICT_MINIMAL)
        t0 = time.monotonic()
        self.assertEqual(self.openai().status, 500)
        self.assertGreaterEqual(time.monotonic() - t0, 0.3)

    def test_cut(self):
        self.script(openai=[{"kind": "cut"}, {"kind": "cut"}], anthropic=[{"kind": "cut"}])
        head, rest = self.raw_exchange(OA_PATH, openai_body(), OA_HEADERS)
        self.assertTrue(head.startswith(b"HTTP/1.1 200"), head)
        length = int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1))
        self.assertGreater(len(rest), 0)
        self.assertLess(len(rest), length)
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        c.request("POST", OA_PATH, body=json.dumps(openai_body()), headers=OA_HEADERS)
        resp = c.getresponse()
        self.assertEqual(resp.status, 200)
        with self.assertRaises(http.client.IncompleteRead):
            resp.read()
        c.close()
        head, rest = self.raw_exchange(AN_PATH, anthropic_body(), AN_HEADERS)
        length = int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1))
        self.assertLess(len(rest), length)
        self.assertEqual([r["step"]["kind"] for r in self.records()], ["cut"] * 3)

    def test_chunked(self):
        self.script(openai=[{"kind": "ok", "chunked": True}, {"kind": "ok", "chunked": True}],
                    anthropic=[{"kind": "ok", "chunked": True}])
        head, rest = self.raw_exchange(OA_PATH, openai_body(), OA_HEADERS)
        self.assertRegex(head.decode(), r"(?im)^transfer-encoding:\s*chunked")
        self.assertNotRegex(head.decode(), r"(?im)^content-length:")
        # Decode the chunks by hand: several chunks, then the terminating 0-chunk.
        data, n_chunks = bytearray(), 0
        while True:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line, 16)
            if size == 0:
                break
            data += rest[:size]
            self.assertEqual(rest[size:size + 2], b"\r\n")
            rest = rest[size + 2:]
            n_chunks += 1
        self.assertGreater(n_chunks, 1)
        doc = json.loads(data)
        self.assertEqual(json.loads(doc["choices"][0]["message"]["content"]), STRICT_MINIMAL)
        r = self.openai()  # http.client decodes chunked transfer itself
        self.assertEqual(r.status, 200)
        self.assertNotIn("content-length", r.headers)
        self.assertIn("usage", r.json())
        r = self.anthropic()
        self.assertEqual(r.headers.get("transfer-encoding"), "chunked")
        self.assertEqual(r.json()["content"][0]["input"], STRICT_MINIMAL)

    def test_html502(self):
        self.script(openai=[{"kind": "html502"}], anthropic=[{"kind": "html502"}])
        for r in (self.openai(), self.anthropic()):
            self.assertEqual(r.status, 502)
            self.assertTrue(r.headers["content-type"].startswith("text/html"))
            self.assertTrue(r.raw.lstrip().startswith(b"<html"))
            with self.assertRaises(ValueError):
                json.loads(r.raw)

    def test_headers_on_success(self):
        self.script(anthropic=[{"kind": "ok", "headers": {"retry-after": "30"}}])
        r = self.anthropic()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["retry-after"], "30")


class ControlTests(Base):
    def test_reset_clears_everything(self):
        self.script(openai=[{"kind": "quota"}], anthropic=[{"kind": "overloaded"}])
        self.openai(openai_body(strict=False))
        self.anthropic(anthropic_body())
        self.assertEqual(len(self.records()), 2)
        self.assertEqual(self.control("POST", "/_fake/reset").status, 200)
        self.assertEqual(self.records(), [])
        self.assertEqual(self.stats(), {"openai": 0, "anthropic": 0})
        self.assertEqual(self.openai().status, 200)  # the quota step is gone
        self.assertEqual(self.anthropic().status, 200)  # so is the overloaded one

    def test_stats_exclude_control_calls(self):
        for _ in range(3):
            self.stats()
            self.records()
            self.script(openai=[])
        self.openai()
        self.openai()
        self.anthropic()
        self.assertEqual(self.stats(), {"openai": 2, "anthropic": 1})

    def test_request_ids_unique(self):
        self.script(openai=[{"kind": "status", "status": 500}, {"kind": "quota"}],
                    anthropic=[{"kind": "status", "status": 429}])
        ids = []
        for _ in range(4):
            ids.append(self.openai().headers["x-request-id"])
            r = self.anthropic()
            ids.append(r.headers["request-id"])
        ids.append(self.openai(openai_body(strict=False)).headers["x-request-id"])
        self.assertEqual(len(ids), len(set(ids)))
        for i in ids:
            self.assertRegex(i, r"^req_fake_\d+$")
        self.assertEqual([r["request_id"] for r in self.records()], ids)

    def test_unknown_paths(self):
        r = self.request("POST", "/v1/responses", {"model": "x"}, OA_HEADERS)
        self.assertEqual(r.status, 404)
        self.assertIn("error", r.json())
        self.assertEqual(self.control("GET", "/_fake/nothing").status, 404)
        self.assertEqual(self.stats(), {"openai": 0, "anthropic": 0})

    def test_urllib_client(self):
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, OA_PATH),
                                     data=json.dumps(openai_body()).encode(),
                                     headers=OA_HEADERS, method="POST")
        with urllib.request.urlopen(req, timeout=10) as resp:
            self.assertEqual(resp.status, 200)
            self.assertIn("choices", json.loads(resp.read()))
        self.script(openai=[{"kind": "status", "status": 429, "headers": {"retry-after": "1"}}])
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(req, timeout=10)
        self.assertEqual(cm.exception.code, 429)
        self.assertEqual(cm.exception.headers["retry-after"], "1")
        cm.exception.close()


class ConnectionTests(Base):
    def test_keep_alive(self):
        self.script(openai=[{"kind": "status", "status": 429}, {"kind": "ok", "chunked": True}])
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        self.request("POST", OA_PATH, openai_body(), OA_HEADERS, conn=conn)
        sock = conn.sock
        self.assertIsNotNone(sock)
        statuses = [self.request("POST", OA_PATH, openai_body(), OA_HEADERS, conn=conn).status
                    for _ in range(3)]
        statuses.append(self.request("POST", OA_PATH, openai_body(strict=False), OA_HEADERS,
                                     conn=conn).status)
        statuses.append(self.request("POST", AN_PATH, anthropic_body(), AN_HEADERS,
                                     conn=conn).status)
        statuses.append(self.request("GET", "/_fake/stats", conn=conn).status)
        self.assertEqual(statuses, [200, 200, 200, 400, 200, 200])
        self.assertIs(conn.sock, sock)  # one connection served everything
        conn.close()

    def test_expect_continue_and_chunked_request(self):
        data = json.dumps(openai_body()).encode()
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        head = ("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
                "Content-Type: application/json\r\nContent-Length: %d\r\n"
                "Expect: 100-continue\r\nConnection: close\r\n\r\n" % (OA_PATH, len(data)))
        s.sendall(head.encode())
        first = s.recv(100)
        self.assertTrue(first.startswith(b"HTTP/1.1 100"), first)
        s.sendall(data)
        got = bytearray()
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        s.close()
        self.assertIn(b"HTTP/1.1 200", bytes(got))
        # A chunked request body (libcurl can send one).
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        c.request("POST", AN_PATH, body=iter([json.dumps(anthropic_body()).encode()]),
                  headers=AN_HEADERS, encode_chunked=True)
        r = c.getresponse()
        self.assertEqual(r.status, 200, r.read())
        r.read()
        c.close()

    def test_many_concurrent_connections(self):
        n = 200
        socks = [socket.create_connection(("127.0.0.1", self.port), timeout=30)
                 for _ in range(n)]
        data = json.dumps(openai_body()).encode()
        req = ("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
               "Content-Type: application/json\r\nContent-Length: %d\r\n"
               "Connection: close\r\n\r\n" % (OA_PATH, len(data))).encode() + data
        results = [None] * n

        def run(i):
            s = socks[i]
            try:
                s.sendall(req)
                got = bytearray()
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    got += chunk
                results[i] = bytes(got)
            finally:
                s.close()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertTrue(all(r is not None and r.startswith(b"HTTP/1.1 200") for r in results))
        self.assertEqual(self.stats()["openai"], n)
        ids = {re.search(rb"(?im)^x-request-id:\s*(\S+)", r).group(1) for r in results}
        self.assertEqual(len(ids), n)


class ProcessTests(unittest.TestCase):
    def test_latency_quiet_port_file_and_sigterm(self):
        fp = FakeProcess("--latency-ms", "400")
        try:
            self.assertEqual(sorted(os.listdir(fp.dir.name)), ["port", "stderr"])
            base = "http://127.0.0.1:%d" % fp.port

            def post(path, body, headers):
                req = urllib.request.Request(base + path, data=json.dumps(body).encode(),
                                             headers=headers, method="POST")
                try:
                    with urllib.request.urlopen(req, timeout=10) as resp:
                        return resp.status
                except urllib.error.HTTPError as e:
                    e.close()
                    return e.code

            t0 = time.monotonic()
            self.assertEqual(post(OA_PATH, openai_body(), OA_HEADERS), 200)
            self.assertGreaterEqual(time.monotonic() - t0, 0.4)
            self.assertEqual(post(AN_PATH, anthropic_body(), AN_HEADERS), 200)
            self.assertEqual(post(OA_PATH, openai_body(strict=False), OA_HEADERS), 400)
            self.assertEqual(fp.stderr_text(), "")  # no per-request logging
            fp.proc.send_signal(signal.SIGTERM)
            self.assertEqual(fp.proc.wait(10), 0)
        finally:
            fp.stop()

    def test_verbose_logs(self):
        fp = FakeProcess("--verbose")
        try:
            c = http.client.HTTPConnection("127.0.0.1", fp.port, timeout=10)
            c.request("GET", "/_fake/stats")
            c.getresponse().read()
            c.close()
            deadline = time.time() + 5
            while "/_fake/stats" not in fp.stderr_text() and time.time() < deadline:
                time.sleep(0.05)
            self.assertIn("/_fake/stats", fp.stderr_text())
            fp.proc.send_signal(signal.SIGINT)
            self.assertEqual(fp.proc.wait(10), 0)
        finally:
            fp.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
