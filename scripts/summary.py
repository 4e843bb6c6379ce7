"""Prints a short human summary of a result document read from standard input."""
import json
import sys

doc = json.load(sys.stdin)
gap = doc["gap_analysis"]
print(f"\nmatch score {gap['match_score']}/100: {gap['narrative']}", file=sys.stderr)
print("missing must-haves:", ", ".join(gap["missing_must"]) or "none", file=sys.stderr)
for s in doc["suggestions"]:
    if s["critique"]["verdict"] != "drop":
        print(f"  [{s['kind']}/{s['grounding']}] {s['title']}", file=sys.stderr)
