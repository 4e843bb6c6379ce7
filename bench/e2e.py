#!/usr/bin/env python3
"""End-to-end throughput of the worker fleet through a real Kafka broker and PostgreSQL.

    python3 bench/e2e.py --requests 2000 --workers 2                     # offline provider
    python3 bench/e2e.py --requests 600 --workers 2 --latency-ms 200 --inflight 16   # fake

Starts a fresh stack (tests/integration/stack.py: scripts/stack.sh on free ports, a
temporary run directory), W workers, optionally the fake LLM provider with a fixed latency
L per call, then enqueues N requests of the sample pair with one `imaginator enqueue` and
measures requests/second from the start of the enqueue to the last result (the latest
completed_at in PostgreSQL; every request must have succeeded).

With the fake provider each request makes k sequential provider calls (k = calls / N, read
from the fake: 3 when every stage's first answer is accepted; the fake's default answers
make two stages retry once, so k = 5 today), and a worker holds at most C requests in
flight (worker.max_inflight; the per-partition cap is raised to C so it does not bind).
The concurrency bound is then W*C/(k*L) requests/second; the brief's W*C/(3*L) is the same
bound for k = 3. The run is reported against both.

Output: a human summary on stderr and one JSON line on stdout. Python standard library only.
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", "-n", type=int, default=1000)
    ap.add_argument("--workers", "-w", type=int, default=2)
    ap.add_argument("--latency-ms", type=float, default=0.0,
                    help="use the fake provider (openai wire format) with this latency per "
                         "call; 0: the offline provider")
    ap.add_argument("--inflight", type=int, default=64, help="worker.max_inflight (C)")
    ap.add_argument("--partitions", type=int, default=6)
    ap.add_argument("--binary", default=os.environ.get("IMG_BINARY",
                                                       os.path.join(ROOT, "build", "imaginator")))
    ap.add_argument("--timeout", type=float, default=900)
    args = ap.parse_args()
    os.environ["IMG_BINARY"] = os.path.abspath(args.binary)
    os.environ.setdefault("IMG_SOURCE_DIR", ROOT)
    sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
    import stack as S

    why = S.missing()
    if why:
        print("bench/e2e.py: cannot run: " + why, file=sys.stderr)
        return 77
    st = S.Stack("bench", partitions=args.partitions)
    try:
        st.start()
        sc = st.scope("bench")
        fake = st.fake(latency_ms=args.latency_ms) if args.latency_ms > 0 else None
        provider = "openai" if fake else "offline"
        for i in range(args.workers):
            sc.worker("w%d" % i, providers=provider, fake=fake, max_inflight=args.inflight,
                      extra_args=["--max-inflight-per-partition", str(args.inflight)])
        # warm-up: one request through every worker's path (connections, caches)
        warm = sc.enqueue_pair(count=args.workers * 2)
        sc.wait_final(warm, timeout=120)
        calls0 = fake.calls() if fake else 0

        cpu0 = sum(cpu_seconds(w.pid) for w in sc.workers)
        t0 = time.time()
        ids = sc.enqueue_pair(count=args.requests)
        t_enq = time.time() - t0
        rows = sc.wait_final(ids, timeout=args.timeout, poll=0.2)
        t_poll = time.time() - t0
        bad = [i for i in ids if rows[i][0] != "succeeded"]
        if bad:
            print("bench/e2e.py: %d requests did not succeed, e.g. %s" % (len(bad), bad[:3]),
                  file=sys.stderr)
            return 1
        last = float(sc.psql("SELECT extract(epoch FROM max(completed_at)) FROM requests "
                             "WHERE request_id NOT IN (%s)" % ",".join(
                                 "'%s'" % i for i in warm)))
        elapsed = last - t0
        cpu = sum(cpu_seconds(w.pid) for w in sc.workers) - cpu0
        out = {"requests": args.requests, "workers": args.workers, "provider": provider,
               "inflight_cap": args.inflight, "partitions": args.partitions,
               "enqueue_s": round(t_enq, 3), "elapsed_s": round(elapsed, 3),
               "requests_per_s": round(args.requests / elapsed, 1),
               "worker_cpu_ms_per_request": round(1000 * cpu / args.requests, 2),
               "loadavg_1m": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()}
        msg = ("%d requests, %d workers, %s: %.2fs from enqueue to last result = %.1f "
               "requests/s (enqueue itself %.2fs; polled completion %.2fs)" % (
                   args.requests, args.workers, provider, elapsed, out["requests_per_s"],
                   t_enq, t_poll))
        if fake:
            calls = fake.calls() - calls0
            k = calls / args.requests
            lat = args.latency_ms / 1000.0
            bound_k = args.workers * args.inflight / (k * lat)
            bound_3 = args.workers * args.inflight / (3 * lat)
            out.update({"latency_ms": args.latency_ms, "provider_calls": calls,
                        "calls_per_request": round(k, 3), "bound_rps": round(bound_k, 1),
                        "bound_rps_3_calls": round(bound_3, 1),
                        "fraction_of_bound": round(out["requests_per_s"] / bound_k, 3)})
            msg += ("\n  fake latency %.0f ms, %.2f calls per request: bound W*C/(k*L) = "
                    "%.1f requests/s, reached %.0f%% (W*C/(3*L) = %.1f)" % (
                        args.latency_ms, k, bound_k, 100 * out["fraction_of_bound"], bound_3))
        msg += "\n  worker CPU %.2f ms per request (user + system, all workers)" % (
            out["worker_cpu_ms_per_request"])
        msg += "\n  load average %.2f on %d CPUs" % (out["loadavg_1m"], out["cpus"])
        print(msg, file=sys.stderr)
        print(json.dumps(out))
        return 0
    finally:
        st.close()


def cpu_seconds(pid):
    """User + system CPU seconds of a process so far (0 when it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


if __name__ == "__main__":
    sys.exit(main())
