#!/usr/bin/env python3
"""What the workers refuse: poison messages (dead-letter topic and table) and requests
without a valid API key. One stack for the module; each test has its own database, topics
and consumer group."""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stack as S  # noqa: E402


def setUpModule():
    S.module_setup("rejects")


def tearDownModule():
    S.module_teardown()


def by_key(msgs):
    out = {}
    for m in msgs:
        out.setdefault(m["key"], []).append(m)
    return out


def request(rid, resume=None, job=None):
    return json.dumps({"request_id": rid, "resume_text": resume or S.sample("resume.txt"),
                       "job_ad": job or S.sample("job.txt")}).encode()


class Poison(unittest.TestCase):
    def test_poison_goes_to_the_dead_letter_topic_and_the_worker_keeps_going(self):
        """Invariant: a message that is not a request (not JSON, empty, a schema violation,
        a document over the size limit, invalid UTF-8) is dead-lettered exactly once: its
        original bytes on the DLQ topic with the reason in headers, a dead_letters row with
        the same reason at its partition and offset, and, when it carries a valid
        request_id, a `rejected` row with that reason. No provider is called for it, the
        worker stays up, and a good request sent after the poison succeeds."""
        st = S.Module.stack
        sc = st.scope("poison")
        fake = st.fake()
        w = sc.worker("w1", providers="openai", fake=fake)
        big = "x" * (300 * 1024)  # over the default engine.max_document_bytes (256K)
        poison = [
            # (label, bytes, reason code, request_id or None)
            ("not-json", b"this is not JSON {", "invalid_json", None),
            ("empty", b"", "invalid_json", None),
            ("schema", json.dumps({"request_id": "poison-schema-1",
                                   "resume_text": "Only a resume"}).encode(),
             "schema_violation", "poison-schema-1"),
            ("schema-type", json.dumps({"request_id": "poison-schema-2", "resume_text": 5,
                                        "job_ad": "x"}).encode(),
             "schema_violation", "poison-schema-2"),
            ("oversize", request("poison-big-1", resume=big), "oversize", "poison-big-1"),
            ("utf8", b'{"request_id":"poison-utf8-1","resume_text":"caf\xe9 \xff",'
                     b'"job_ad":"Backend engineer"}', "invalid_utf8", "poison-utf8-1"),
        ]
        sent = {}
        for label, data, reason, rid in poison:
            sent[label] = sc.enqueue_raw(data)
        good = sc.enqueue_pair(count=1)
        rows = sc.wait_final(good, timeout=90)
        self.assertEqual(rows[good[0]][0], "succeeded", rows[good[0]])
        self.assertTrue(w.alive(), "the worker died on poison:\n" + S.tail(w.log))

        ids = [rid for _, _, _, rid in poison if rid]
        rows = sc.wait_final(ids, timeout=30)
        for label, data, reason, rid in poison:
            if rid:
                self.assertEqual(rows[rid], ("rejected", reason), label)

        dl = sc.psql("SELECT kafka_partition, kafka_offset, reason_code, value_size "
                     "FROM dead_letters ORDER BY dead_letter_id")
        dead = {}
        for line in dl.splitlines():
            p, o, code, size = line.split("|")
            dead[(int(p), int(o))] = (code, int(size))
        self.assertEqual(len(dead), len(poison), dl)
        for label, data, reason, rid in poison:
            self.assertEqual(dead.get(sent[label]), (reason, len(data)), label)

        dlq = sc.wait_topic("dlq", lambda m: len(m) >= len(poison), timeout=30)
        self.assertEqual(len(dlq), len(poison), "each poison message dead-lettered once")
        at = {(int(m["headers"].get("x-imaginator-source-partition", -1)),
               int(m["headers"].get("x-imaginator-source-offset", -1))): m for m in dlq}
        for label, data, reason, rid in poison:
            m = at.get(sent[label])
            self.assertIsNotNone(m, label)
            self.assertEqual(m["value"], data, "%s: the DLQ holds other bytes" % label)
            self.assertEqual(m["headers"].get("x-imaginator-reason"), reason, label)
            self.assertTrue(m["headers"].get("x-imaginator-error"), label)
            self.assertNotIn("authorization", m["headers"], "credentials copied to the DLQ")

        # the rejected ids are answered on the results topic too
        res = by_key(sc.wait_topic("results", lambda m: set(ids) <= {x["key"] for x in m}))
        for rid in ids:
            doc = json.loads(res[rid][0]["value"])
            self.assertEqual((doc["request_id"], doc["status"]), (rid, "rejected"))
        # only the good request reached the provider
        self.assertEqual(sc.count("SELECT count(*) FROM usage_events WHERE request_id <> '%s'"
                                  % good[0]), 0)


class Keys(unittest.TestCase):
    def test_missing_unknown_and_revoked_keys_are_rejected_before_any_provider_call(self):
        """Invariant: a request without a key, with an unknown key or with a revoked key is
        rejected as `unauthorized` (a row and a result message), a tenant over its budget as
        `budget_exceeded`, and none of them reaches the provider: the fake's call count
        stays zero. A valid key works before revocation and stops working right after.
        The key itself appears in no log line and no stored row."""
        st = S.Module.stack
        sc = st.scope("keys")
        fake = st.fake()
        w = sc.worker("w1", providers="openai", fake=fake)
        doomed = sc.create_key("tenant-doomed")
        broke = sc.imaginator("keys", "create", "--tenant", "tenant-broke", "--budget-usd",
                              "0").stdout.strip().splitlines()[-1]
        # a valid key works first (and tells us the worker is serving)
        first = sc.enqueue_pair(key=doomed)
        rows = sc.wait_final(first, timeout=90)
        self.assertEqual(rows[first[0]][0], "succeeded", rows[first[0]])
        fake.reset()
        sc.revoke_key(doomed)

        unknown = "img_" + "A" * 40
        malformed_prefix = doomed[:12] + "tampered0000000000000000000000"
        cases = {
            "missing": sc.enqueue_pair(key=None),
            "unknown": sc.enqueue_pair(key=unknown),
            "tampered": sc.enqueue_pair(key=malformed_prefix),
            "not-img": sc.enqueue_pair(key="sk-live-0123456789"),
            "revoked": sc.enqueue_pair(key=doomed),
            "budget": sc.enqueue_pair(key=broke),
        }
        ids = [i for v in cases.values() for i in v]
        rows = sc.wait_final(ids, timeout=60)
        for label, (rid,) in cases.items():
            want = "budget_exceeded" if label == "budget" else "unauthorized"
            self.assertEqual(rows[rid], ("rejected", want), label)
        self.assertEqual(fake.calls(), 0, "a rejected request reached the provider")
        self.assertEqual(sc.count("SELECT count(*) FROM usage_events WHERE request_id IN (%s)"
                                  % ",".join("'%s'" % i for i in ids)), 0)
        self.assertEqual(sc.count("SELECT count(*) FROM stage_checkpoints WHERE request_id IN "
                                  "(%s)" % ",".join("'%s'" % i for i in ids)), 0)
        res = by_key(sc.wait_topic("results", lambda m: set(ids) <= {x["key"] for x in m}))
        for rid in ids:
            doc = json.loads(res[rid][0]["value"])
            self.assertEqual(doc["status"], "rejected", rid)
            self.assertIn(doc["error"]["code"], ("unauthorized", "budget_exceeded"))

        # a good key still works after all that, and nobody stored or logged a key
        good = sc.enqueue_pair()
        rows = sc.wait_final(good, timeout=90)
        self.assertEqual(rows[good[0]][0], "succeeded")
        self.assertGreater(fake.calls(), 0)
        time.sleep(0.5)
        text = w.text()
        stored = sc.psql("SELECT coalesce(string_agg(coalesce(input::text, '') || "
                         "coalesce(result::text, '') || coalesce(error_message, ''), ''), '') "
                         "FROM requests")
        for k in (sc.key, doomed, broke, unknown, malformed_prefix, "sk-live-0123456789"):
            secret = k[12:] if k.startswith("img_") else k  # the prefix is public
            self.assertNotIn(secret, text, "a key in the worker's log")
            self.assertNotIn(secret, stored, "a key stored")


if __name__ == "__main__":
    S.run_tests()
