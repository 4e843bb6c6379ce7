#!/usr/bin/env bash
# Fuzz smoke test: builds the libFuzzer targets (tests/fuzz, clang) and runs each
# for SECONDS (default 20) from its seed corpus and dictionary, one at a time.
# New corpus entries go to a scratch directory, never into tests/fuzz/corpus.
# A crash, leak, sanitizer report or timeout fails the run and leaves the input
# in $FUZZ_BUILD_DIR/smoke/<target>/; add it to tests/fuzz/regressions/<target>/.
#
#   scripts/fuzz-smoke.sh [SECONDS] [TARGET...]
#   env: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_JOBS (build parallelism, default 2)
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-20}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(resume job inputs request llm_reply stage_output)
build=${FUZZ_BUILD_DIR:-build-fuzz}

if ! command -v clang >/dev/null 2>&1; then
    echo "fuzz-smoke: clang is missing (scripts/setup.sh installs it)" >&2
    exit 69 # EX_UNAVAILABLE
fi
CC=clang cmake -S . -B "$build" -DIMG_FUZZ=ON -DIMG_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"${FUZZ_JOBS:-2}" \
    $(printf -- '--target fuzz_%s ' "${targets[@]}") >/dev/null

passed=0
failed=0
for t in "${targets[@]}"; do
    work="$build/smoke/$t"
    rm -rf "$work"
    mkdir -p "$work/corpus"
    log="$work/fuzz.log"
    if "$build/tests/fuzz/fuzz_$t" -dict="tests/fuzz/$t.dict" -max_total_time="$secs" \
        -rss_limit_mb=2048 -max_len=65536 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$work/" "$work/corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
        stats=$(grep -E '^#[0-9]+.*DONE' "$log" | tail -n 1 || true)
        echo "fuzz-smoke: $t ok (${secs}s) ${stats}"
        passed=$((passed + 1))
    else
        echo "fuzz-smoke: $t FAILED; log $log, inputs:" >&2
        ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null >&2 || true
        grep -E 'ERROR|runtime error|invariant|SUMMARY' "$log" | head -n 5 >&2 || true
        failed=$((failed + 1))
    fi
done
echo "fuzz-smoke: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
