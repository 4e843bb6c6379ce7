#!/usr/bin/env bash
# The main job, end to end on this machine: set up, build, start the local stack
# (a real Kafka broker and PostgreSQL on loopback), apply the migrations, create a
# tenant key, start two workers, enqueue a batch of analyses of the bundled sample
# resume and job ad, wait for every result in PostgreSQL, and print them.
#
#   scripts/demo.sh            everything, then stop the workers and the stack
#   scripts/demo.sh --keep     leave the stack running (stop it: scripts/stack.sh down)
#   DEMO_COUNT=20 scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
keep=0
[ "${1:-}" = "--keep" ] && keep=1
count=${DEMO_COUNT:-8}
export IMAGINATOR_RUN_DIR=${IMAGINATOR_RUN_DIR:-$PWD/run}

scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
bin=$PWD/build/imaginator

mkdir -p "$IMAGINATOR_RUN_DIR"
echo "== one analysis, in process (imaginator analyze --resume ... --job ...)" >&2
$bin analyze --resume data/samples/resume.txt --job data/samples/job.txt \
    --skills-json data/samples/skills.json >"$IMAGINATOR_RUN_DIR/analyze.json"
echo "   result document: $IMAGINATOR_RUN_DIR/analyze.json" >&2

echo "== local stack: Kafka (KRaft) + PostgreSQL in $IMAGINATOR_RUN_DIR" >&2
eval "$(scripts/stack.sh up)"
workers=()
cleanup() {
    for pid in "${workers[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${workers[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ "$keep" = 1 ] || scripts/stack.sh down
}
trap cleanup EXIT

$bin migrate
$bin topics ensure
key=$($bin keys create --tenant demo --budget-usd 25 | tail -n 1)

for i in 1 2; do
    $bin worker --worker-id "demo-worker-$i" --log-level info \
        >"$IMAGINATOR_RUN_DIR/worker-$i.log" 2>&1 &
    workers+=($!)
done
for i in $(seq 1 300); do
    [ "$(grep -l 'event=ready' "$IMAGINATOR_RUN_DIR"/worker-*.log 2>/dev/null | wc -l)" -eq 2 ] && break
    sleep 0.2
done

echo "== enqueue $count requests" >&2
ids=$($bin enqueue --resume data/samples/resume.txt --job data/samples/job.txt --key "$key" \
    --count "$count")

echo "== waiting for results" >&2
for id in $ids; do
    for i in $(seq 1 600); do
        st=$($bin status "$id" 2>/dev/null || true)
        case "$st" in *succeeded* | *failed* | *rejected*) break ;; esac
        sleep 0.2
    done
    printf '%s %s\n' "$id" "$st" >&2
done

first=$(echo "$ids" | head -n 1)
$bin result "$first" --pretty
$bin result "$first" | python3 "$PWD/scripts/summary.py"
n=$(psql "$IMAGINATOR_DATABASE_URL" -Atc "select count(*) from analysis_results where status = 'succeeded'")
echo "== $n of $count requests succeeded; worker logs in $IMAGINATOR_RUN_DIR/worker-*.log" >&2
