"""A small JSON Schema (2020-12 subset) validator for the tests: the keywords our
schemas use. Standard library only (these machines cannot reach PyPI).

Supported: type, enum, const, properties, required, additionalProperties,
items, minItems, maxItems, minimum, maximum, minLength, maxLength, pattern,
$ref (local #/...), oneOf, anyOf, allOf, not, if/then/else. An unknown keyword
raises, so a schema cannot silently use something this validator ignores.
"""
import re

_KNOWN = {"$schema", "$id", "$defs", "title", "description", "type", "enum", "const",
          "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
          "minimum", "maximum", "minLength", "maxLength", "pattern", "$ref", "oneOf", "anyOf",
          "allOf", "not", "if", "then", "else", "default", "examples", "format"}

_TYPES = {
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _resolve(root, ref):
    if not ref.startswith("#/"):
        raise ValueError("only local $ref supported: " + ref)
    node = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def errors(schema, value, root=None, path="$"):
    """Returns a list of 'path: reason' strings; empty when value is valid."""
    root = root if root is not None else schema
    if schema is True:
        return []
    if schema is False:
        return [f"{path}: not allowed"]
    unknown = set(schema) - _KNOWN
    if unknown:
        raise ValueError(f"unsupported keywords {sorted(unknown)} at {path}")
    out = []
    if "$ref" in schema:
        out += errors(_resolve(root, schema["$ref"]), value, root, path)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[t](value) for t in types):
            return out + [f"{path}: expected {'/'.join(types)}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        out.append(f"{path}: {value!r} != {schema['const']!r}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            out.append(f"{path}: shorter than {schema['minLength']}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            out.append(f"{path}: longer than {schema['maxLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            out.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if _TYPES["number"](value):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{path}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{path}: {value} > {schema['maximum']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            out.append(f"{path}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            out.append(f"{path}: more than {schema['maxItems']} items")
        if "items" in schema:
            for i, item in enumerate(value):
                out += errors(schema["items"], item, root, f"{path}[{i}]")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                out.append(f"{path}: missing required {key!r}")
        for key, item in value.items():
            if key in props:
                out += errors(props[key], item, root, f"{path}.{key}")
            elif "additionalProperties" in schema:
                out += errors(schema["additionalProperties"], item, root, f"{path}.{key}")
    for sub in schema.get("allOf", []):
        out += errors(sub, value, root, path)
    if "anyOf" in schema and not any(not errors(s, value, root, path) for s in schema["anyOf"]):
        out.append(f"{path}: matches none of anyOf")
    if "oneOf" in schema:
        n = sum(1 for s in schema["oneOf"] if not errors(s, value, root, path))
        if n != 1:
            out.append(f"{path}: matches {n} of oneOf, expected exactly 1")
    if "not" in schema and not errors(schema["not"], value, root, path):
        out.append(f"{path}: matches a 'not' schema")
    if "if" in schema:
        branch = "then" if not errors(schema["if"], value, root, path) else "else"
        if branch in schema:
            out += errors(schema[branch], value, root, path)
    return out
