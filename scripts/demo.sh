#!/usr/bin/env bash
# The main job: set up, build, and run a real analysis of the bundled sample
# resume and job ad with the built-in offline analyst. Prints the result
# document, then a short human summary on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

out=$(mktemp)
trap 'rm -f "$out"' EXIT
build/imaginator analyze --resume data/samples/resume.txt --job data/samples/job.txt \
    --skills-json data/samples/skills.json --pretty >"$out"
cat "$out"
python3 - "$out" <<'PY' >&2
import json, sys
d = json.load(open(sys.argv[1]))
g = d["gap_analysis"]
print(f"\nmatch score {g['match_score']}/100 — {g['narrative']}")
print("missing must-haves:", ", ".join(g["missing_must"]) or "none")
for s in d["suggestions"]:
    if s["critique"]["verdict"] != "drop":
        print(f"  [{s['kind']}/{s['grounding']}] {s['title']}")
PY
