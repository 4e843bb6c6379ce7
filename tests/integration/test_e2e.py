#!/usr/bin/env python3
"""End to end through a real Kafka broker and PostgreSQL: bulk requests and duplicate
delivery. One stack for the module; each test has its own database, topics and group."""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stack as S  # noqa: E402
import jschema  # noqa: E402  (tests/cli, put on the path by stack)


def setUpModule():
    S.module_setup("e2e")


def tearDownModule():
    S.module_teardown()


def by_key(msgs):
    out = {}
    for m in msgs:
        out.setdefault(m["key"], []).append(m)
    return out


class Bulk(unittest.TestCase):
    N = 300

    def test_bulk_exactly_once(self):
        """Invariant: N requests enqueued once each through Kafka, served by two workers with
        the offline provider, each reach `succeeded` exactly once: one analysis_results row per
        request and no other row, three stage checkpoints each, a schema-valid result document
        (schemas/result.v1.json) naming its request, and at least one result message per
        request on the results topic whose document is schema-valid too."""
        sc = S.Module.stack.scope("bulk")
        sc.worker("w1", max_inflight=64)
        sc.worker("w2", max_inflight=64)
        t0 = time.time()
        ids = sc.enqueue_pair(count=self.N)
        self.assertEqual(len(ids), self.N)
        self.assertEqual(len(set(ids)), self.N, "enqueue printed duplicate ids")
        sc.wait_final(ids, timeout=240)
        elapsed = time.time() - t0
        S.log("bulk: %d requests in %.1fs (%.1f requests/s, 2 workers, offline)" % (
            self.N, elapsed, self.N / elapsed))

        results = sc.results()
        self.assertEqual(set(results), set(ids), "rows other than the enqueued requests")
        not_ok = {i: (r["status"], r["error"]) for i, r in results.items()
                  if r["status"] != "succeeded"}
        self.assertEqual(not_ok, {}, "requests that did not succeed")
        self.assertEqual(sc.count("SELECT count(*) FROM stage_checkpoints"), 3 * self.N)
        self.assertEqual(sc.count("SELECT count(*) FROM (SELECT request_id FROM stage_checkpoints"
                                  " GROUP BY request_id HAVING count(*) <> 3) x"), 0)

        schema = S.load_schema("result.v1.json")
        for rid, row in results.items():
            doc = row["result"]
            self.assertIsInstance(doc, dict, rid)
            self.assertEqual(doc.get("request_id"), rid)
            self.assertEqual(doc.get("status"), "succeeded", rid)
            errs = jschema.errors(schema, doc)
            self.assertEqual(errs, [], "%s: %s" % (rid, errs[:5]))

        msgs = sc.wait_topic("results", lambda m: set(ids) <= {x["key"] for x in m},
                             timeout=60)
        keyed = by_key(msgs)
        self.assertEqual(set(keyed), set(ids), "result messages for unknown request ids")
        dups = sum(len(v) - 1 for v in keyed.values())
        S.log("bulk: %d result messages, %d re-publications" % (len(msgs), dups))
        for rid, ms in keyed.items():
            for m in ms:
                doc = json.loads(m["value"])
                self.assertEqual(doc["request_id"], rid)
                self.assertEqual(doc["status"], "succeeded")
                self.assertEqual(jschema.errors(schema, doc), [], rid)


class Duplicates(unittest.TestCase):
    def test_redelivered_finished_request_is_republished_not_recomputed(self):
        """Invariant: a message delivered again after its request finished yields no second
        computation: still one analysis_results row, the stage checkpoints are not rewritten,
        the provider is not called again (the fake's call count does not grow), and the
        stored result is published again under the same key."""
        st = S.Module.stack
        sc = st.scope("dup")
        fake = st.fake()
        sc.worker("w1", providers="openai", fake=fake)
        rid = "dup-once-1"
        self.assertEqual(sc.enqueue_pair(request_id=rid), [rid])
        rows = sc.wait_final([rid], timeout=90)
        self.assertEqual(rows[rid][0], "succeeded", rows[rid])
        calls = fake.calls()
        self.assertGreaterEqual(calls, 3, "at least one provider call per stage")
        ckpt = sc.psql("SELECT stage, created_at, lease_epoch FROM stage_checkpoints "
                       "WHERE request_id = '%s' ORDER BY stage" % rid)
        self.assertEqual(len(ckpt.splitlines()), 3)
        before = sc.psql("SELECT completed_at, result::text FROM requests "
                         "WHERE request_id = '%s'" % rid)
        first = sc.wait_topic("results", lambda m: len(by_key(m).get(rid, [])) >= 1)

        # the very same message again (same bytes: same documents, id and key)
        self.assertEqual(sc.enqueue_pair(request_id=rid), [rid])
        msgs = sc.wait_topic("results", lambda m: len(by_key(m).get(rid, [])) >= 2, timeout=60)
        time.sleep(1.0)  # anything late would show now
        self.assertEqual(fake.calls(), calls, "the provider was called again")
        self.assertEqual(sc.psql("SELECT stage, created_at, lease_epoch FROM stage_checkpoints "
                                 "WHERE request_id = '%s' ORDER BY stage" % rid), ckpt,
                         "checkpoints were rewritten")
        self.assertEqual(sc.psql("SELECT completed_at, result::text FROM requests "
                                 "WHERE request_id = '%s'" % rid), before)
        self.assertEqual(sc.count("SELECT count(*) FROM analysis_results"), 1)
        pubs = by_key(msgs)[rid]
        self.assertEqual(len(pubs), 2)
        docs = [json.loads(m["value"]) for m in pubs]
        self.assertEqual(docs[1], docs[0], "the re-published result differs from the first")
        self.assertEqual(json.loads(first[0]["value"])["request_id"], rid)

    def test_concurrent_duplicates_compute_once(self):
        """Invariant: the same message delivered twice back to back (both in flight at once on
        one worker) is computed once: the provider calls of one computation (measured on a
        baseline request with the same documents), one row, one set of checkpoints, and each
        delivery answered with a result message."""
        st = S.Module.stack
        sc = st.scope("dup2")
        fake = st.fake(latency_ms=300)
        sc.worker("w1", providers="openai", fake=fake)
        # what one computation of this pair costs at the fake (its default outputs make
        # some stages retry; the count is deterministic for the same documents)
        base = "dup-baseline-1"
        sc.enqueue_pair(request_id=base)
        sc.wait_final([base], timeout=90)
        cost = fake.calls()
        self.assertGreaterEqual(cost, 3)
        rid = "dup-twice-1"
        ids = sc.enqueue_pair(request_id=rid, count=2)
        self.assertEqual(ids, [rid, rid])
        rows = sc.wait_final([rid], timeout=90)
        self.assertEqual(rows[rid][0], "succeeded", rows[rid])
        msgs = sc.wait_topic("results", lambda m: len(by_key(m).get(rid, [])) >= 2, timeout=60)
        time.sleep(1.0)
        self.assertEqual(fake.calls() - cost, cost, "computed more than once")
        self.assertEqual(sc.count("SELECT count(*) FROM stage_checkpoints "
                                  "WHERE request_id = '%s'" % rid), 3)
        self.assertEqual(sc.count("SELECT count(*) FROM analysis_results"), 2)
        docs = [json.loads(m["value"]) for m in by_key(msgs)[rid]]
        self.assertEqual(docs[0], docs[1])

    def test_same_id_other_payload_is_a_conflict(self):
        """Invariant: a second message with a finished request's id but other content never
        overwrites the first result: the stored row keeps its result and the provider is not
        called for the impostor."""
        st = S.Module.stack
        sc = st.scope("conflict")
        fake = st.fake()
        sc.worker("w1", providers="openai", fake=fake)
        rid = "conflict-1"
        sc.enqueue_pair(request_id=rid)
        sc.wait_final([rid], timeout=90)
        before = sc.psql("SELECT status, result::text FROM requests WHERE request_id = '%s'"
                         % rid)
        calls = fake.calls()
        other = os.path.join(st.run, "other-job.txt")
        with open(other, "w", encoding="utf-8") as f:
            f.write(S.sample("job.txt") + "\nAlso: Kubernetes experience is a must.\n")
        sc.enqueue_pair(request_id=rid, job=other)
        msgs = sc.wait_topic("results", lambda m: len(by_key(m).get(rid, [])) >= 2, timeout=60)
        self.assertEqual(sc.psql("SELECT status, result::text FROM requests "
                                 "WHERE request_id = '%s'" % rid), before)
        self.assertEqual(fake.calls(), calls)
        answer = json.loads(by_key(msgs)[rid][1]["value"])
        self.assertEqual(answer["request_id"], rid)
        self.assertIn(answer["status"], ("rejected", "failed"), answer.get("error"))


class Enqueue(unittest.TestCase):
    def test_enqueue_contract(self):
        """Invariant: `imaginator enqueue` prints exactly the delivered request ids, one per
        line in input order, and the topic then holds exactly those messages: key =
        request_id, header `authorization: Bearer <key>`, a --jsonl line's own bytes when it
        names its request_id (else the line with a generated req-<16 hex> id spliced in);
        --count N with --request-id sends N copies of one id. An invalid line sends nothing
        and names FILE:LINE; an unreachable broker exits 69 with one line; the key is never
        printed; stderr reports progress every 1000 messages."""
        st = S.Module.stack
        sc = st.scope("enqueue")
        resume, job = S.sample("resume.txt"), S.sample("job.txt")
        path = os.path.join(st.run, "contract.jsonl")
        own = json.dumps({"job_ad": job, "request_id": "own-id-1", "resume_text": resume},
                         ensure_ascii=False)
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps({"resume_text": resume, "job_ad": job}) + "\n\n")
            f.write("  " + own + "  \r\n")
            f.write(json.dumps({"resume_text": resume, "job_ad": job,
                                "options": {"as_of": "2025-06"}}) + "\n")
        p = sc.enqueue("--jsonl", path, key=sc.key)
        ids = p.stdout.split()
        self.assertEqual(len(ids), 3, p.stdout)
        self.assertEqual(ids[1], "own-id-1")
        for i in (0, 2):
            self.assertRegex(ids[i], r"^req-[0-9a-f]{16}$")
        self.assertNotIn(sc.key, p.stdout + p.stderr)
        msgs = sc.topic("requests")
        self.assertEqual(sorted(m["key"] for m in msgs), sorted(ids))
        got = {m["key"]: m for m in msgs}
        for m in msgs:
            self.assertEqual(m["headers"].get("authorization"), "Bearer " + sc.key)
        self.assertEqual(got["own-id-1"]["value"], own.encode("utf-8"), "line not sent as is")
        first = json.loads(got[ids[0]]["value"])
        self.assertEqual(first, {"request_id": ids[0], "resume_text": resume, "job_ad": job})
        self.assertEqual(json.loads(got[ids[2]]["value"])["options"], {"as_of": "2025-06"})

        # duplicates on purpose
        self.assertEqual(sc.enqueue_pair(count=3, request_id="same-1"), ["same-1"] * 3)
        self.assertEqual(len(sc.topic("requests")), 6)

        # a bad line: nothing is sent
        bad = os.path.join(st.run, "bad.jsonl")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(json.dumps({"resume_text": resume, "job_ad": job}) + "\n")
            f.write(json.dumps({"resume_text": resume}) + "\n")
        p = sc.enqueue("--jsonl", bad, key=sc.key, check=False)
        self.assertEqual(p.returncode, 65)
        self.assertEqual(p.stdout, "")
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn(bad + ":2:", p.stderr)
        self.assertEqual(len(sc.topic("requests")), 6, "a message of a bad file was sent")

        # no broker: one line, exit 69, nothing claimed as delivered
        p = sc.imaginator("enqueue", "--resume", os.path.join(S.SAMPLES, "resume.txt"),
                          "--job", os.path.join(S.SAMPLES, "job.txt"), "--key", sc.key,
                          "--brokers", "127.0.0.1:%d" % S.free_port(), "--timeout", "2",
                          check=False)
        self.assertEqual(p.returncode, 69, p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn("not delivered", p.stderr)
        self.assertNotIn(sc.key, p.stderr)

        # progress every 1000 on a large file
        big = os.path.join(st.run, "big.jsonl")
        with open(big, "w", encoding="utf-8") as f:
            for i in range(2100):
                f.write('{"resume_text":"Python developer %d","job_ad":"Python"}\n' % i)
        p = sc.enqueue("--jsonl", big, key=sc.key)
        self.assertEqual(len(p.stdout.split()), 2100)
        self.assertEqual(len(set(p.stdout.split())), 2100)
        self.assertIn("1000 sent", p.stderr)
        self.assertIn("2000 sent", p.stderr)
        self.assertEqual(len(sc.topic("requests")), 2106)


if __name__ == "__main__":
    S.run_tests()
