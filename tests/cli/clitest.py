"""Shared helpers for the black-box tests of the imaginator binary."""
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import jschema  # noqa: E402

SOURCE = os.environ.get("IMG_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..", "..")))
SHARED = os.environ.get("IMG_SHARED_DIR", os.path.abspath(os.path.join(SOURCE, "..", "shared")))
BINARY = os.environ.get("IMG_BINARY", os.path.join(SOURCE, "build", "imaginator"))
ORIGINAL = os.path.join(SHARED, "data", "imaginator-original")
SAMPLES = os.path.join(SOURCE, "data", "samples")


def run(*args, stdin=None, env=None):
    """Runs the binary; returns (exit code, stdout bytes, stderr text)."""
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([BINARY, *args], input=stdin, capture_output=True, env=e, timeout=300)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def load_schema(name):
    with open(os.path.join(SOURCE, "schemas", name), encoding="utf-8") as f:
        return json.load(f)


def spans_hold(doc_bytes, start, end, text):
    return doc_bytes[start:end].decode("utf-8") == text


def have_shared():
    return os.path.isdir(ORIGINAL)


def main():
    unittest.main(verbosity=2)
