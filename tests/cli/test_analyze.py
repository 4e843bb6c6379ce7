"""Black-box tests of `imaginator analyze`: the result document, its schema and
spans, determinism, upstream inputs, and every bad-input path (exit code,
nothing on stdout, one line on stderr)."""
import json
import os
import re
import tempfile
import unittest

from clitest import ORIGINAL, SAMPLES, have_shared, jschema, load_schema, main, run

RESUME = os.path.join(SAMPLES, "resume.txt")
JOB = os.path.join(SAMPLES, "job.txt")
EX_USAGE, EX_DATAERR, EX_NOINPUT = 64, 65, 66


def read(path):
    with open(path, "rb") as f:
        return f.read()


class Tmp:
    """Temporary files that vanish with the test."""

    def __init__(self):
        self.dir = tempfile.TemporaryDirectory()

    def file(self, name, data):
        path = os.path.join(self.dir.name, name)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path


def analyze(*extra, resume=RESUME, job=JOB, stdin=None):
    rc, out, err = run("analyze", "--resume", resume, "--job", job, "--as-of", "2026-11", *extra,
                       stdin=stdin)
    return rc, out, err


class ResultDocument(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        rc, out, err = analyze()
        assert rc == 0, err
        cls.raw = out
        cls.doc = json.loads(out)
        cls.resume = read(RESUME)
        cls.job = read(JOB)

    def test_schema_valid(self):
        errs = jschema.errors(load_schema("result.v1.json"), self.doc)
        self.assertEqual(errs, [], "\n".join(errs[:20]))

    def test_header(self):
        self.assertEqual(self.doc["schema"], "imaginator.result.v1")
        self.assertEqual(self.doc["status"], "succeeded")
        self.assertIsNone(self.doc["error"])
        self.assertEqual(self.doc["as_of"], "2026-11")

    def test_every_span_is_its_slice(self):
        d = self.doc
        n = 0
        for s in d["skills"]:
            for e in s["evidence"]:
                self.assertEqual(self.resume[e["start"]:e["end"]].decode(), e["text"])
                n += 1
        for x in d["experiences"]:
            for b in x["bullets"]:
                self.assertEqual(self.resume[b["start"]:b["end"]].decode(), b["text"])
                n += 1
        for r in d["job"]["requirements"]:
            self.assertEqual(self.job[r["start"]:r["end"]].decode(), r["text"])
            n += 1
        for s in d["job"]["skills"]:
            for e in s["evidence"]:
                self.assertEqual(self.job[e["start"]:e["end"]].decode(), e["text"])
        for r in d["gap_analysis"]["requirements"]:
            for e in r["evidence"]:
                self.assertEqual(self.resume[e["start"]:e["end"]].decode(), e["text"])
        for s in d["suggestions"]:
            if "source" in s:
                src = s["source"]
                self.assertEqual(self.resume[src["start"]:src["end"]].decode(), src["text"])
        self.assertGreater(n, 20, "the sample should produce many spans")

    def test_experiences(self):
        xs = self.doc["experiences"]
        self.assertEqual([x["company"] for x in xs], ["Finlytics", "Parcelbird", "Quanta Labs"])
        self.assertEqual(xs[0]["title"], "Senior Backend Engineer")
        self.assertTrue(xs[0]["current"])
        self.assertEqual(xs[0]["start"], "2021-03")
        self.assertEqual(xs[0]["months"], 69)  # 2021-03 .. 2026-11 inclusive
        self.assertEqual((xs[1]["start"], xs[1]["end"]), ("2018", "2021"))
        self.assertEqual((xs[2]["start"], xs[2]["end"]), ("2016-06", "2018-02"))
        self.assertEqual(len(xs[0]["bullets"]), 4)

    def test_skills_and_confidence(self):
        by = {s["name"]: s for s in self.doc["skills"]}
        for name in ("Python", "Go", "PostgreSQL", "Docker", "Apache Airflow", "React"):
            self.assertIn(name, by, f"{name} missing from {sorted(by)}")
        self.assertEqual(by["Python"]["confidence"], "high")
        self.assertNotIn("Kubernetes", by, "Kubernetes is not on the resume")
        levels = self.doc["skills_by_confidence"]
        self.assertIn("Python", levels["high"])

    def test_gap_analysis(self):
        gap = self.doc["gap_analysis"]
        self.assertTrue(0 <= gap["match_score"] <= 100)
        self.assertIn("Kubernetes", gap["missing_must"])
        reqs = {r["id"]: r for r in self.doc["job"]["requirements"]}
        kinds = [r["kind"] for r in reqs.values()]
        self.assertIn("must", kinds)
        self.assertIn("nice", kinds)
        texts = " ".join(r["text"] for r in reqs.values())
        self.assertNotIn("Health insurance", texts, "benefits are not requirements")
        self.assertNotIn("equal opportunity", texts)
        status = {r["id"]: r["status"] for r in gap["requirements"]}
        cloud = [i for i, r in reqs.items() if "AWS" in r["text"]][0]
        self.assertEqual(status[cloud], "missing", "no cloud platform on the resume")
        python = [i for i, r in reqs.items() if "Python or Go" in r["text"]][0]
        self.assertEqual(status[python], "met")
        self.assertEqual(self.doc["job"]["years_required"], 5)

    def test_suggestions_are_truthful(self):
        sugg = self.doc["suggestions"]
        self.assertGreater(len(sugg), 0)
        text = self.resume.decode()
        kinds = {s["kind"] for s in sugg}
        self.assertIn("project", kinds)
        for s in sugg:
            if s["grounding"] != "grounded" or s["critique"]["verdict"] == "drop":
                continue
            for num in re.findall(r"\d+(?:[.,]\d+)?%?", s["title"] + " " + s["detail"]):
                self.assertIn(num, text, f"{s['id']} invents the number {num}")
        for s in sugg:
            if s["kind"] in ("project", "certification", "course"):
                self.assertEqual(s["grounding"], "plan")

    def test_usage_offline(self):
        u = self.doc["usage"]
        self.assertEqual([s["stage"] for s in u["stages"]], ["analysis", "generation", "criticism"])
        for s in u["stages"]:
            self.assertEqual(s["provider"], "offline")
            self.assertEqual(s["cost_usd"], 0)
            self.assertIsNone(s["latency_ms"], "deterministic output reports no wall time")
        self.assertEqual(u["total_tokens"], 0)

    def test_byte_identical_with_as_of(self):
        rc, out, err = analyze()
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, self.raw)

    def test_repeat_prints_once(self):
        rc, out, err = analyze("--repeat", "3")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, self.raw)

    def test_stdin(self):
        rc, out, err = analyze(resume="-", stdin=self.resume)
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["experiences"], self.doc["experiences"])

    def test_pretty_is_same_document(self):
        rc, out, err = analyze("--pretty")
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out), self.doc)
        self.assertIn(b"\n  ", out)

    def test_latency_reported_without_as_of(self):
        rc, out, err = run("analyze", "--resume", RESUME, "--job", JOB)
        self.assertEqual(rc, 0, err)
        for s in json.loads(out)["usage"]["stages"]:
            self.assertIsInstance(s["latency_ms"], (int, float))


class UpstreamInputs(unittest.TestCase):
    def test_skills_json_merges_with_threshold(self):
        skills = os.path.join(SAMPLES, "skills.json")
        rc, out, err = analyze("--skills-json", skills)
        self.assertEqual(rc, 0, err)
        doc = json.loads(out)
        self.assertEqual(jschema.errors(load_schema("result.v1.json"), doc), [])
        by = {s["name"]: s for s in doc["skills"]}
        k8s = by["Kubernetes"]
        self.assertEqual(k8s["source"], "input")
        self.assertEqual(k8s["confidence"], "medium")  # 0.55: >= 0.5, < 0.7
        self.assertEqual(k8s["evidence"], [])
        self.assertEqual(by["Apache Kafka"]["confidence"], "low")  # 0.4
        self.assertEqual(by["Python"]["source"], "resume+input")
        # A stricter threshold moves 0.84 (Go) down to medium unless the resume says more.
        rc, out, _ = analyze("--skills-json", skills, "--confidence-threshold", "0.9")
        by9 = {s["name"]: s for s in json.loads(out)["skills"]}
        self.assertEqual(by9["Kubernetes"]["confidence"], "medium")
        self.assertEqual(by9["Python"]["confidence"], "high")

    def test_insights_json(self):
        rc, out, err = analyze("--insights-json", os.path.join(SAMPLES, "insights.json"))
        self.assertEqual(rc, 0, err)
        ins = json.loads(out)["domain_insights"]
        self.assertEqual(ins["source"], "input")
        self.assertEqual(ins["domain"], "tech")
        self.assertEqual(ins["market_alignment"], 0.71)
        self.assertIn("Workflow orchestration with Airflow", ins["strengths"])

    @unittest.skipUnless(have_shared(), "../shared is absent")
    def test_original_formats(self):
        rc, out, err = run("analyze", "--resume", os.path.join(ORIGINAL, "sample_resume.txt"),
                           "--job", os.path.join(ORIGINAL, "sample_job_ad.txt"),
                           "--skills-json", os.path.join(ORIGINAL, "sample_skills.json"),
                           "--insights-json", os.path.join(ORIGINAL, "sample_insights.json"),
                           "--as-of", "2026-11")
        self.assertEqual(rc, 0, err)
        doc = json.loads(out)
        self.assertEqual(jschema.errors(load_schema("result.v1.json"), doc), [])
        self.assertEqual(len(doc["experiences"]), 3)
        self.assertEqual(doc["domain_insights"]["source"], "input")


class BadInput(unittest.TestCase):
    def setUp(self):
        self.tmp = Tmp()

    def assertRejected(self, rc, out, err, code, *needles):
        self.assertEqual(rc, code, err)
        self.assertEqual(out, b"", "nothing on stdout")
        lines = err.strip("\n").split("\n")
        self.assertEqual(len(lines), 1, f"one line on stderr, got {err!r}")
        for n in needles:
            self.assertIn(n, lines[0])

    def test_empty_resume(self):
        self.assertRejected(*analyze(resume=self.tmp.file("r.txt", b"")), EX_DATAERR,
                            "resume", "empty")

    def test_whitespace_job(self):
        self.assertRejected(*analyze(job=self.tmp.file("j.txt", " \n\t\r\n  \n")), EX_DATAERR,
                            "job ad", "empty")

    def test_invalid_utf8_names_offset(self):
        bad = self.tmp.file("r.txt", b"Engineer at Acme\n\xc3\x28 oops")
        self.assertRejected(*analyze(resume=bad), EX_DATAERR, "invalid UTF-8", "byte 17")

    def test_oversize_default(self):
        big = self.tmp.file("r.txt", b"Python developer. " * 20000)  # 360 KB
        self.assertRejected(*analyze(resume=big), EX_DATAERR, "resume", "262144")

    def test_oversize_configurable(self):
        self.assertRejected(*analyze("--max-document-bytes", "1K"), EX_DATAERR, "1024")
        cfg = self.tmp.file("c.conf", "engine.max_document_bytes = 512\n")
        self.assertRejected(*analyze("--config", cfg), EX_DATAERR, "512")

    def test_malformed_skills_json_line_and_column(self):
        bad = self.tmp.file("s.json", '{\n  "skills": [\n    {"skill": "python", }\n  ]\n}\n')
        rc, out, err = analyze("--skills-json", bad)
        self.assertRejected(rc, out, err, EX_DATAERR, "malformed JSON", "line 3", "column")

    def test_skills_json_wrong_shape(self):
        bad = self.tmp.file("s.json", '{"skills": [{"confidence": 0.9}]}')
        self.assertRejected(*analyze("--skills-json", bad), EX_DATAERR, "skills[0]")
        bad = self.tmp.file("s2.json", '{"skills": [{"skill": "x", "confidence": 7}]}')
        self.assertRejected(*analyze("--skills-json", bad), EX_DATAERR, "outside [0, 1]")

    def test_missing_file(self):
        self.assertRejected(*analyze(resume="/nonexistent/resume.txt"), EX_NOINPUT,
                            "/nonexistent/resume.txt")

    def test_unreadable_directory(self):
        self.assertRejected(*analyze(job=self.tmp.dir.name), EX_NOINPUT, "--job")

    def test_missing_job(self):
        self.assertRejected(*run("analyze", "--resume", RESUME), EX_USAGE, "--job")

    def test_unknown_option(self):
        self.assertRejected(*analyze("--frobnicate"), EX_USAGE, "--frobnicate")

    def test_bad_as_of_and_threshold(self):
        self.assertRejected(*run("analyze", "--resume", RESUME, "--job", JOB, "--as-of", "2026-13"),
                            EX_USAGE, "--as-of")
        self.assertRejected(*analyze("--confidence-threshold", "1.5"), EX_USAGE,
                            "--confidence-threshold")

    def test_bad_config_names_line(self):
        cfg = self.tmp.file("c.conf", "# comment\nengine.nope = 1\n")
        self.assertRejected(*analyze("--config", cfg), 78, "c.conf:2", "unknown key")


@unittest.skipUnless(have_shared(), "../shared is absent")
class OriginalGoldenCases(unittest.TestCase):
    """The original Imaginator's test cases (their expected outputs are hints)."""

    def case(self, name):
        with open(os.path.join(ORIGINAL, "test_data", name), encoding="utf-8") as f:
            inp = json.load(f)["input"]
        tmp = Tmp()
        self.addCleanup(tmp.dir.cleanup)
        r = tmp.file("r.txt", inp["resume_text"])
        j = tmp.file("j.txt", inp["job_ad"])
        return run("analyze", "--resume", r, "--job", j, "--as-of", "2026-11")

    def test_basic_success_case(self):
        rc, out, err = self.case("basic_success_case.json")
        self.assertEqual(rc, 0, err)
        doc = json.loads(out)
        self.assertEqual(jschema.errors(load_schema("result.v1.json"), doc), [])
        self.assertEqual([x["company"] for x in doc["experiences"]], ["TechCorp", "StartupXYZ"])
        reqs = {r["id"]: r["text"] for r in doc["job"]["requirements"]}
        status = {r["id"]: r for r in doc["gap_analysis"]["requirements"]}
        def status_of(word):
            return [status[i]["status"] for i, t in reqs.items() if word in t][0]
        self.assertEqual(status_of("Python and JavaScript"), "met")
        self.assertEqual(status_of("React"), "met")
        self.assertEqual(status_of("AWS"), "met")
        self.assertIn(status_of("Kubernetes"), ("partial", "missing"))
        self.assertIn("Kubernetes", doc["gap_analysis"]["missing_must"])
        self.assertNotIn("Docker", doc["gap_analysis"]["missing_must"])

    def test_perfect_beats_missing(self):
        scores = {}
        for name in ("perfect_match_case.json", "missing_skills_case.json"):
            rc, out, err = self.case(name)
            self.assertEqual(rc, 0, err)
            scores[name] = json.loads(out)["gap_analysis"]["match_score"]
        self.assertGreater(scores["perfect_match_case.json"], scores["missing_skills_case.json"])

    def test_invalid_input_case_is_rejected(self):
        with open(os.path.join(ORIGINAL, "test_data", "invalid_input_case.json")) as f:
            inp = json.load(f)["input"]
        tmp = Tmp()
        self.addCleanup(tmp.dir.cleanup)
        r = tmp.file("r.txt", inp.get("resume_text", ""))
        j = tmp.file("j.txt", inp.get("job_ad", "") or "")
        rc, out, err = run("analyze", "--resume", r, "--job", j)
        self.assertEqual(rc, EX_DATAERR, err)
        self.assertEqual(out, b"")


if __name__ == "__main__":
    main()
