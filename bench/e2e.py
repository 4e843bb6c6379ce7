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
    ap.add_argument("--single-fake", action="store_true",
                    help="one fake with its default (minimal) answers, which two stages "
                         "reject once: 5 calls per request")
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
        fakes, extra, env, provider = [], [], {}, "offline"
        nwarm = args.workers * 2
        if args.latency_ms > 0:
            if args.single_fake:
                fakes = [st.fake(latency_ms=args.latency_ms)]
                env, provider = fakes[0].env(), "openai"
            else:
                fakes, env, conf = scripted_fakes(S, st, args, nwarm + args.requests)
                extra = ["--config", conf]
                provider = "anthropic,openai,openai-compatible (one per stage)"
        for i in range(args.workers):
            sc.worker("w%d" % i, providers="openai" if (fakes and args.single_fake) else "offline",
                      max_inflight=args.inflight, env=env,
                      extra_args=["--max-inflight-per-partition", str(args.inflight)] + extra)
        # warm-up: requests through every worker's path (connections, caches)
        warm = sc.enqueue_pair(count=nwarm)
        sc.wait_final(warm, timeout=120)
        calls0 = sum(f.calls() for f in fakes)

        cpu0 = sum(cpu_seconds(w.pid) for w in sc.workers)
        fake0 = sum(cpu_seconds(f.proc.pid) for f in fakes)
        pg0 = pg_cpu_seconds(st)
        kafka0 = kafka_cpu_seconds(st)
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
        pg_cpu = pg_cpu_seconds(st) - pg0
        kafka_cpu = kafka_cpu_seconds(st) - kafka0
        out = {"requests": args.requests, "workers": args.workers, "provider": provider,
               "inflight_cap": args.inflight, "partitions": args.partitions,
               "enqueue_s": round(t_enq, 3), "elapsed_s": round(elapsed, 3),
               "requests_per_s": round(args.requests / elapsed, 1),
               "worker_cpu_ms_per_request": round(1000 * cpu / args.requests, 2),
               "postgres_cpu_ms_per_request": round(1000 * pg_cpu / args.requests, 2),
               "kafka_cpu_ms_per_request": round(1000 * kafka_cpu / args.requests, 2),
               "loadavg_1m": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()}
        msg = ("%d requests, %d workers, %s: %.2fs from enqueue to last result = %.1f "
               "requests/s (enqueue itself %.2fs; polled completion %.2fs)" % (
                   args.requests, args.workers, provider, elapsed, out["requests_per_s"],
                   t_enq, t_poll))
        # where a request's time goes: inside the store (first claim to final row) versus
        # the time each in-flight slot spends per request (W*C/throughput) when all are busy
        life = sc.psql("SELECT round(avg(extract(epoch FROM completed_at - received_at) * 1000)"
                       "::numeric, 1) FROM requests WHERE request_id NOT IN (%s)" % ",".join(
                           "'%s'" % i for i in warm))
        out["claim_to_final_ms"] = float(life or 0)
        out["slot_ms_per_request"] = round(1000 * args.workers * args.inflight /
                                           out["requests_per_s"], 1)
        msg += ("\n  claim to final row %.0f ms per request on average; a busy in-flight slot "
                "spends W*C/throughput = %.0f ms per request" % (out["claim_to_final_ms"],
                                                                 out["slot_ms_per_request"]))
        if fakes:
            fake_cpu = sum(cpu_seconds(f.proc.pid) for f in fakes) - fake0
            # stages a provider served with one call (attempts = 1): their latency as the
            # worker saw it (request sent to validated output), against L
            one_call = sc.psql("SELECT round(avg(latency_ms)::numeric, 1) FROM "
                               "stage_checkpoints WHERE provider <> 'offline' AND attempts = 1")
            bad_stages = sc.count("SELECT count(*) FROM stage_checkpoints WHERE provider = "
                                  "'offline'")
            out["stages_served_offline"] = bad_stages
            calls = sum(f.calls() for f in fakes) - calls0
            k = calls / args.requests
            lat = args.latency_ms / 1000.0
            bound_k = args.workers * args.inflight / (k * lat)
            bound_3 = args.workers * args.inflight / (3 * lat)
            out.update({"latency_ms": args.latency_ms, "provider_calls": calls,
                        "calls_per_request": round(k, 3), "bound_rps": round(bound_k, 1),
                        "bound_rps_3_calls": round(bound_3, 1),
                        "fraction_of_bound": round(out["requests_per_s"] / bound_k, 3),
                        "fake_cpu_ms_per_call": round(1000 * fake_cpu / max(calls, 1), 2),
                        "observed_call_latency_ms": float(one_call or 0)})
            msg += ("\n  fake latency %.0f ms, %.2f calls per request: bound W*C/(k*L) = "
                    "%.1f requests/s, reached %.0f%% (W*C/(3*L) = %.1f)" % (
                        args.latency_ms, k, bound_k, 100 * out["fraction_of_bound"], bound_3))
            msg += ("\n  one provider call as the worker saw it: %.1f ms (L = %.0f ms); fake CPU "
                    "%.2f ms per call" % (out["observed_call_latency_ms"], args.latency_ms,
                                          out["fake_cpu_ms_per_call"]))
        msg += ("\n  CPU per request: workers %.2f ms, PostgreSQL %.2f ms, Kafka broker %.2f ms "
                "(user + system)" % (out["worker_cpu_ms_per_request"],
                                     out["postgres_cpu_ms_per_request"],
                                     out["kafka_cpu_ms_per_request"]))
        msg += "\n  load average %.2f on %d CPUs" % (out["loadavg_1m"], out["cpus"])
        print(msg, file=sys.stderr)
        print(json.dumps(out))
        return 0
    finally:
        st.close()


def model_outputs(S):
    """The three stage outputs a model would write for the sample pair, made from the
    offline analyst's own result so they validate and are realistic in size (the same
    approach as bench/llm_concurrency.c)."""
    import subprocess
    p = subprocess.run([os.environ["IMG_BINARY"], "analyze", "--resume",
                        os.path.join(S.SAMPLES, "resume.txt"), "--job",
                        os.path.join(S.SAMPLES, "job.txt"), "--as-of", "2026-11"],
                       capture_output=True, text=True, check=True)
    r = json.loads(p.stdout)
    di = r["domain_insights"]
    analysis = {"narrative": r["gap_analysis"]["narrative"], "domain": di.get("domain"),
                "candidate_domain": di.get("candidate_domain"),
                "priorities": di.get("priorities", []), "strengths": di.get("strengths", []),
                "gaps": di.get("gaps", []), "recommendations": di.get("gaps", [])}
    suggestions, critiques = [], []
    for i, sg in enumerate(r["suggestions"][:12]):
        suggestions.append({"kind": sg["kind"], "title": sg["title"], "detail": sg["detail"],
                            "closes": sg["closes"], "effort": sg.get("effort") or "1 week",
                            "grounding": sg["grounding"],
                            "source_bullet": (sg.get("source") or {}).get("text")
                            if sg["kind"] == "bullet_rewrite" else None})
        c = sg["critique"]
        critiques.append({"id": "S%d" % (i + 1), "specificity": c["specificity"],
                          "actionability": c["actionability"], "alignment": c["alignment"],
                          "grounding": c["grounding"], "verdict": c["verdict"],
                          "notes": c.get("notes") or "", "revised_title": None,
                          "revised_detail": None})
    return analysis, {"suggestions": suggestions}, {"critiques": critiques}


def scripted_fakes(S, st, args, n):
    """Three fakes, one per stage (analysis: anthropic API, generation: openai, criticism:
    openai-compatible), each with n scripted answers of its stage; returns (fakes, worker
    environment, config file)."""
    outs = model_outputs(S)
    fakes = [st.fake(latency_ms=args.latency_ms) for _ in range(3)]
    for f, api, out in zip(fakes, ("anthropic", "openai", "openai"), outs):
        steps = [{"kind": "ok", "output": out}] * n
        f.script(**{api: steps})
    env = {"ANTHROPIC_BASE_URL": fakes[0].base, "ANTHROPIC_API_KEY": "sk-ant-bench",
           "OPENAI_BASE_URL": fakes[1].base + "/v1", "OPENAI_API_KEY": "sk-bench",
           "IMAGINATOR_COMPAT_BASE_URL": fakes[2].base + "/v1",
           "IMAGINATOR_COMPAT_MODEL": "bench-model", "IMAGINATOR_COMPAT_API_KEY": "sk-compat"}
    conf = os.path.join(st.run, "bench.conf")
    with open(conf, "w") as f:
        f.write("llm.analysis.providers = anthropic\n"
                "llm.generation.providers = openai\n"
                "llm.criticism.providers = openai-compatible\n")
    return fakes, env, conf


def cpu_seconds(pid):
    """User + system CPU seconds of a process so far (0 when it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def kafka_cpu_seconds(st):
    try:
        with open(os.path.join(st.run, "kafka.pid")) as f:
            return cpu_seconds(int(f.read().strip()))
    except (OSError, ValueError):
        return 0.0


def pg_cpu_seconds(st):
    """CPU seconds of the PostgreSQL server: the postmaster and its live children (the
    workers keep their connections, so their backends live through the run)."""
    try:
        with open(os.path.join(st.run, "pg.pid")) as f:
            pm = int(f.read().strip())
    except (OSError, ValueError):
        return 0.0
    total = cpu_seconds(pm)
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) == pm:
                    total += cpu_seconds(int(d))
        except (OSError, ValueError, IndexError):
            pass
    return total


if __name__ == "__main__":
    sys.exit(main())
