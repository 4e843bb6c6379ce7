#!/usr/bin/env bash
# Throughput of C concurrent analyses in one process against fake providers
# that answer after L ms (tests/fake_llm/fake_llm.py --latency-ms L), versus
# the bound C / (3 x L), and CPU per analysis outside the provider.
# Usage: bench/llm_concurrency.sh [build-dir] [L] [C...]
#   (defaults: build, 200, 50 200; N = 10 x C analyses per case; LOOP=wait
#   drives the client with img_llm_wait() instead of the epoll loop)
# Three fakes, one per stage, so each Python process (one GIL) serves a third.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
latency=${2:-200}
shift $(( $# > 2 ? 2 : $# ))
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(50 200)
bin=$build/bench/llm_concurrency
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
# The fake writes a reply's headers and body in two send() calls; with Nagle's
# algorithm on, the body waits for the client's delayed ACK (~40 ms on Linux),
# which would add 40 ms to every call and measure the fake, not the client.
# So the fakes run with TCP_NODELAY (socketserver's disable_nagle_algorithm).
for i in 1 2 3; do
    python3 -c 'import sys; sys.path.insert(0, "tests/fake_llm"); import fake_llm
fake_llm.Handler.disable_nagle_algorithm = True
sys.exit(fake_llm.main(sys.argv[1:]))' --port 0 --port-file "$tmp/port$i" --latency-ms "$latency" \
        >/dev/null 2>&1 &
    pids+=($!)
done
for i in 1 2 3; do
    for _ in $(seq 100); do [ -s "$tmp/port$i" ] && break; sleep 0.1; done
done
p1=$(cat "$tmp/port1")
p2=$(cat "$tmp/port2")
p3=$(cat "$tmp/port3")
# CPU seconds (user + system) a process has used so far.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
for c in "${cases[@]}"; do
    echo "== $bin --latency-ms $latency --concurrency $c --total $((10 * c))"
    before=$(for p in "${pids[@]}"; do cpu_s "$p"; echo; done)
    t0=$(date +%s.%N)
    "$bin" --fake1 "http://127.0.0.1:$p1" --fake2 "http://127.0.0.1:$p2" \
        --fake3 "http://127.0.0.1:$p3" --latency-ms "$latency" --concurrency "$c" \
        --total $((10 * c)) ${LOOP:+--loop "$LOOP"}
    t1=$(date +%s.%N)
    after=$(for p in "${pids[@]}"; do cpu_s "$p"; echo; done)
    paste <(echo "$before") <(echo "$after") | awk -v t="$t1" -v t0="$t0" \
        '{s = s sprintf("%s%.1f%%", NR > 1 ? ", " : "", 100 * ($2 - $1) / (t - t0))}
         END {print "fakes (analysis, criticism, generation): " s " of a core each"}'
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
done
