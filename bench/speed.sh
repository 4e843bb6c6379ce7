#!/usr/bin/env bash
# Instruction counts of `imaginator analyze` on the bundled sample pair, with
# valgrind's callgrind (repeatable on a noisy machine, unlike wall time).
#   per-analysis = (I(repeat=N+1) - I(repeat=1)) / N
#   start-up     = I(repeat=1) - per-analysis
# Usage: bench/speed.sh [build-dir]   (default build/; configure RelWithDebInfo)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/imaginator
N=${N:-20}
resume=data/samples/resume.txt
job=data/samples/job.txt

count() {
    local out
    out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" analyze --resume "$resume" \
        --job "$job" --as-of 2026-11 --repeat "$1" >/dev/null 2>/dev/null
    callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
    rm -f "$out"
}

one=$(count 1)
many=$(count $((N + 1)))
per=$(((many - one) / N))
start=$((one - per))
printf 'command: bench/speed.sh (%s analyze --resume %s --job %s --as-of 2026-11 --repeat 1 and %d)\n' \
    "$bin" "$resume" "$job" $((N + 1))
printf 'instructions, repeat=1:       %d\n' "$one"
printf 'instructions, repeat=%d:      %d\n' $((N + 1)) "$many"
printf 'per analysis (all 3 stages + JSON): %d   (budget 2,000,000)\n' "$per"
printf 'start-up (taxonomy, config, I/O):   %d   (budget 50,000,000)\n' "$start"
