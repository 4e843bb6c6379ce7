#!/usr/bin/env bash
# The test command: set up, check formatting and the generated docs, build twice
# (release, and AddressSanitizer + UndefinedBehaviorSanitizer), run the suite on both.
#
# The release pass runs everything, including the integration tests against a real
# Kafka broker and a real PostgreSQL (started by the tests themselves). The sanitizer
# pass runs the unit, CLI and fake-provider tests, whose binaries exercise the same
# code in-process; set IMG_ASAN_INTEGRATION=1 to run the integration tests there too.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

scripts/setup.sh

echo "== format check (.clang-format)"
git ls-files -z '*.c' '*.h' | xargs -0 clang-format --dry-run --Werror

echo "== release build and tests"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"

echo "== docs/CONFIG.md is generated from the config table"
build/imaginator config --markdown | diff -u docs/CONFIG.md - ||
    { echo "docs/CONFIG.md is stale: build/imaginator config --markdown > docs/CONFIG.md"; exit 1; }

ctest --test-dir build --output-on-failure -j"$jobs"

echo "== sanitizer build (ASan + UBSan) and tests"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DIMG_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
exclude=(-LE integration)
[ "${IMG_ASAN_INTEGRATION:-0}" = 1 ] && exclude=()
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" "${exclude[@]}"
