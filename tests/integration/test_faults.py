#!/usr/bin/env python3
"""Faults under load: a worker killed with SIGKILL mid-stage, a broker restart and a
PostgreSQL restart mid-run, a worker stopped with SIGTERM. The provider is the fake, slowed
down so that stages are in flight when the fault hits; every request carries a unique
employer name (stack.marked_resume), so each provider call is attributed to its request and
stage from the fake's request log. One stack for the module; each test has its own database,
topics and consumer group."""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stack as S  # noqa: E402

STAGES = ("analysis", "generation", "criticism")


def setUpModule():
    S.module_setup("faults")


def tearDownModule():
    S.module_teardown()


def stage_cost(sc, fake, name):
    """Provider calls of one uninterrupted run of a marked request, per stage (the fake's
    default outputs make some stages retry; the count is deterministic)."""
    reqs, marks = S.marked_requests(name, 1)
    ids = sc.enqueue_jsonl(reqs)
    rows = sc.wait_final(ids, timeout=90)
    assert rows[ids[0]][0] == "succeeded", rows[ids[0]]
    calls = S.calls_by(fake, set(marks.values()))
    cost = {s: calls.get((marks[ids[0]], s), 0) for s in STAGES}
    assert all(cost[s] >= 1 for s in STAGES), cost
    return cost, marks[ids[0]]


class Faults(unittest.TestCase):
    def check_all_succeeded_once(self, sc, ids):
        results = sc.results()
        missing = set(ids) - set(results)
        self.assertEqual(missing, set(), "requests lost")
        bad = {i: (results[i]["status"], results[i]["error"]) for i in ids
               if results[i]["status"] != "succeeded"}
        self.assertEqual(bad, {}, "requests that did not succeed")
        self.assertEqual(sc.count("SELECT count(*) FROM (SELECT request_id FROM "
                                  "stage_checkpoints GROUP BY request_id HAVING count(*) <> 3) x"),
                         0, "a request without exactly three checkpoints")
        for i in ids:
            self.assertEqual(results[i]["result"]["request_id"], i)
        msgs = sc.wait_topic("results", lambda m: set(ids) <= {x["key"] for x in m}, timeout=90)
        for m in msgs:
            if m["key"] in set(ids):
                self.assertEqual(json.loads(m["value"])["status"], "succeeded", m["key"])
        return results

    # -------------------------------------------------------------------------------------

    def test_kill9_mid_stage_loses_nothing_and_pays_no_finished_stage_twice(self):
        """Invariant: after SIGKILL of a worker while its requests are between stages, every
        request still succeeds exactly once (one row, three checkpoints, a result message),
        and no stage that had finished is paid for again: for each request and stage, the
        provider calls equal one uninterrupted run of that stage, except the stages that
        were in flight on the killed worker, which may be paid at most twice. The killed
        worker's checkpoints are kept as they were (not rewritten)."""
        st = S.Module.stack
        sc = st.scope("kill")
        fake = st.fake(latency_ms=250)
        a = sc.worker("a", providers="openai", fake=fake, max_inflight=8)
        b = sc.worker("b", providers="openai", fake=fake, max_inflight=8)
        cost, base = stage_cost(sc, fake, "kill-base")
        reqs, marks = S.marked_requests("kill", 60)
        ids = sc.enqueue_jsonl(reqs)

        def a_between_stages():
            run = sc.running(a)
            ck = sc.checkpoints()
            return sum(1 for r in run if any((r, s) in ck for s in STAGES)) >= 2
        sc.wait_until(a_between_stages, 90, "worker a running requests with finished stages")
        a.kill9()
        inflight = sc.running(a)  # a's rows stay as they were until taken over
        at_kill = sc.checkpoints()
        resumed = {r for r in inflight if any((r, s) in at_kill for s in STAGES)}
        S.log("kill: %d requests in flight on the killed worker, %d of them with finished "
              "stages; %d checkpoints at the kill" % (len(inflight), len(resumed),
                                                     len(at_kill)))
        self.assertTrue(resumed, "the kill did not hit a request between stages")
        sc.worker("c", providers="openai", fake=fake, max_inflight=8)
        sc.wait_final(ids, timeout=180)
        self.check_all_succeeded_once(sc, ids)
        self.assertTrue(b.alive(), S.tail(b.log))

        after = sc.checkpoints()
        for k, v in at_kill.items():
            self.assertEqual(after.get(k), v, "checkpoint %s rewritten" % (k,))
        attempts = sc.attempts()
        for r in inflight:
            self.assertGreaterEqual(attempts[r], 2, "%s was not taken over" % r)

        calls = S.calls_by(fake, set(marks.values()) | {base})
        self.assertEqual({k: n for k, n in calls.items() if k[0] is None}, {},
                         "provider calls of no known request")
        extra = 0
        for r in ids:
            for s in STAGES:
                n = calls.get((marks[r], s), 0)
                if (r, s) in at_kill:
                    self.assertEqual(n, cost[s], "%s %s finished before the kill, paid %d "
                                     "times the cost %d" % (r, s, n, cost[s]))
                elif r in inflight:
                    self.assertTrue(cost[s] <= n <= 2 * cost[s], "%s %s: %d calls" % (r, s, n))
                else:
                    self.assertEqual(n, cost[s], "%s %s (not on the killed worker): %d calls, "
                                     "one run costs %d" % (r, s, n, cost[s]))
                extra += n - cost[s]
        S.log("kill: %d provider calls for %d requests; %d beyond one run each (the killed "
              "worker's in-flight stages)" % (sum(calls.values()), len(ids) + 1, extra))
        self.assertLessEqual(extra, len(inflight) * max(cost.values()))

    # -------------------------------------------------------------------------------------

    def test_broker_and_database_restart_mid_run_lose_nothing(self):
        """Invariant: a broker restart (SIGKILL, then the same broker on the same log) and a
        PostgreSQL restart (SIGKILL of the server and its backends, then start) in the middle
        of a run lose nothing: every request succeeds exactly once (one row, three
        checkpoints, a result message), nothing is dead-lettered or failed for an
        infrastructure outage, the workers ride both outages out without exiting, and a
        request that was claimed only once was paid exactly one run."""
        st = S.Module.stack
        sc = st.scope("restart")
        fake = st.fake(latency_ms=200)
        workers = [sc.worker(n, providers="openai", fake=fake, max_inflight=8)
                   for n in ("a", "b")]
        cost, base = stage_cost(sc, fake, "restart-base")
        n = 160
        reqs, marks = S.marked_requests("restart", n)
        ids = sc.enqueue_jsonl(reqs)

        sc.wait_until(lambda: sc.final_count() >= 1 + n // 8, 120, "first results")
        before = sc.final_count()
        t0 = time.time()
        st.kafka_restart(down_s=3)
        S.log("restart: broker back after %.1fs, %d final before" % (time.time() - t0, before))
        mark = sc.final_count()
        sc.wait_until(lambda: sc.final_count() >= mark + 10, 180, "progress after the broker")
        mid = sc.final_count()
        if mid >= n + 1:
            self.fail("the run finished before the PostgreSQL restart; raise n")
        t0 = time.time()
        st.pg_restart(down_s=3)
        S.log("restart: PostgreSQL back after %.1fs, %d final before" % (time.time() - t0, mid))
        sc.wait_final(ids, timeout=300)
        self.check_all_succeeded_once(sc, ids)
        for w in workers:
            self.assertTrue(w.alive(), "worker %s exited:\n%s" % (w.name, S.tail(w.log)))
        self.assertEqual(sc.count("SELECT count(*) FROM dead_letters"), 0)
        self.assertEqual(sc.topic("dlq"), [], "an outage was dead-lettered")

        calls = S.calls_by(fake, set(marks.values()) | {base})
        attempts = sc.attempts()
        once = [r for r in ids if attempts[r] == 1]
        for r in once:
            for s in STAGES:
                self.assertEqual(calls.get((marks[r], s), 0), cost[s], "%s %s" % (r, s))
        S.log("restart: %d of %d requests claimed once; %d provider calls" % (
            len(once), len(ids), sum(calls.values())))

    # -------------------------------------------------------------------------------------

    def test_sigterm_drains_and_a_new_worker_finishes(self):
        """Invariant: SIGTERM under load makes the worker stop taking work, finish every
        request it had in flight, log event=drained and exit 0 within its shutdown timeout;
        a worker started afterwards finishes the rest. Every request succeeds exactly once,
        each claimed once, and a graceful stop wastes nothing: every stage of every request
        is paid exactly one run."""
        st = S.Module.stack
        sc = st.scope("term")
        fake = st.fake(latency_ms=300)
        a = sc.worker("a", providers="openai", fake=fake, max_inflight=16)
        cost, base = stage_cost(sc, fake, "term-base")
        reqs, marks = S.marked_requests("term", 48)
        ids = sc.enqueue_jsonl(reqs)
        sc.wait_until(lambda: sc.final_count() >= 5 and len(sc.running(a)) >= 4, 90,
                      "worker a under load")
        a.term()
        inflight = sc.running(a)
        t0 = time.time()
        self.assertEqual(a.wait(45), 0, "exit code after SIGTERM:\n" + S.tail(a.log))
        S.log("term: drained %d requests in flight in %.1fs" % (len(inflight),
                                                               time.time() - t0))
        a.wait_log(r"\bevent=drained\b", 1)
        self.assertEqual(sc.running(a), set(), "requests left running by the drained worker")
        rows = sc.statuses()
        for r in inflight:
            self.assertEqual(rows.get(r, ("missing",))[0], "succeeded",
                             "%s was in flight at SIGTERM" % r)
        sc.worker("b", providers="openai", fake=fake, max_inflight=16)
        sc.wait_final(ids, timeout=180)
        self.check_all_succeeded_once(sc, ids)
        attempts = sc.attempts()
        self.assertEqual({r: attempts[r] for r in ids if attempts[r] != 1}, {},
                         "requests claimed more than once")
        calls = S.calls_by(fake, set(marks.values()) | {base})
        for r in ids:
            for s in STAGES:
                self.assertEqual(calls.get((marks[r], s), 0), cost[s], "%s %s" % (r, s))


if __name__ == "__main__":
    S.run_tests()
