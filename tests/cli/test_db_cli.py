"""Black-box tests of the database subcommands against a throwaway PostgreSQL:
`imaginator migrate` (idempotent, recorded), `keys create|list|revoke` (the key
is shown once, as the last stdout line; listings and the database hold only
its prefix and hash), `status` / `result` of a missing id, and the errors
when the database is absent or unreachable (exit code, one line, no key)."""
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import unittest

from clitest import BINARY, SOURCE, main, run
from pgfixture import PgServer, free_port, pg_available

EX_USAGE, EX_NOINPUT, EX_UNAVAILABLE, EX_CONFIG = 64, 66, 69, 78
KEY_RE = re.compile(r"^img_[0-9A-Za-z]{40}$")


def one_line(test, err, cmd):
    test.assertEqual(err.count("\n"), 1, err)
    test.assertTrue(err.startswith("imaginator %s: " % cmd), err)


class Database(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = PgServer().start()
        cls.env = {"IMAGINATOR_DATABASE_URL": cls.pg.url}

    @classmethod
    def tearDownClass(cls):
        cls.pg.destroy()

    def db(self, *args, stdin=None):
        rc, out, err = run(*args, env=self.env, stdin=stdin)
        return rc, out.decode("utf-8"), err

    def migrate(self):
        rc, out, err = self.db("migrate")
        self.assertEqual(rc, 0, err)
        return out

    def create_key(self, tenant, *extra):
        rc, out, err = self.db("keys", "create", "--tenant", tenant, *extra)
        self.assertEqual(rc, 0, err)
        key = out.rstrip("\n").split("\n")[-1]
        self.assertRegex(key, KEY_RE)
        return key, out, err

    def test_1_migrate_is_idempotent(self):
        out = self.migrate()
        self.assertRegex(out, r"(applied \d+ migrations?|up to date)")
        out2 = self.migrate()
        self.assertIn("schema up to date", out2)
        versions = self.pg.psql("SELECT version FROM schema_migrations ORDER BY version")
        self.assertEqual(versions.split("\n")[0], "1")
        sql_files = [f for f in os.listdir(os.path.join(SOURCE, "migrations"))
                     if f.endswith(".sql")]
        self.assertEqual(len(versions.split("\n")), len(sql_files))
        cols = self.pg.psql("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) "
                            "FROM information_schema.columns WHERE table_name = 'analysis_results'")
        self.assertEqual(cols, "request_id,tenant,status,result,error,received_at,completed_at")

    def test_2_keys_create_list_revoke(self):
        self.migrate()
        key, out, err = self.create_key("acme", "--budget-usd", "12.5")
        self.assertNotIn(key, err)
        self.assertEqual(out.count(key), 1)
        prefix = key[:12]
        self.assertIn(prefix, out)
        # only the hash and the prefix are stored
        row = self.pg.psql("SELECT k.prefix || ' ' || encode(k.key_hash, 'hex') || ' ' || "
                           "t.budget_usd FROM api_keys k JOIN tenants t USING (tenant_id) "
                           "WHERE k.prefix = '%s'" % prefix)
        self.assertEqual(row, "%s %s 12.5" % (prefix, hashlib.sha256(key.encode()).hexdigest()))
        dump = self.pg.psql("SELECT string_agg(t::text, ' ') FROM api_keys t")
        self.assertNotIn(key, dump)
        # a second key for the same tenant keeps its budget
        key2, _, _ = self.create_key("acme")
        self.assertNotEqual(key, key2)
        self.assertEqual(self.pg.psql("SELECT budget_usd FROM tenants WHERE name = 'acme'"), "12.5")

        rc, listing, err = self.db("keys", "list")
        self.assertEqual(rc, 0, err)
        self.assertNotIn(key, listing)
        self.assertNotIn(key2, listing)
        line = [ln for ln in listing.splitlines() if ln.startswith(prefix + " ")]
        self.assertEqual(len(line), 1, listing)
        self.assertRegex(line[0], r"^%s acme \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ active$" % prefix)

        rc, out, err = self.db("keys", "revoke", prefix)
        self.assertEqual(rc, 0, err)
        self.assertIn(prefix, out)
        rc, listing, _ = self.db("keys", "list")
        line = [ln for ln in listing.splitlines() if ln.startswith(prefix + " ")][0]
        self.assertRegex(line, r" \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertTrue([ln for ln in listing.splitlines()
                         if ln.startswith(key2[:12] + " ") and ln.endswith(" active")])
        # revoking by the whole key, read from stdin: the key is never echoed
        rc, out, err = self.db("keys", "revoke", "-", stdin=(key2 + "\n").encode())
        self.assertEqual(rc, 0, err)
        self.assertNotIn(key2, out + err)
        self.assertEqual(self.pg.psql("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL "
                                      "AND prefix = '%s'" % key2[:12]), "0")

    def test_3_keys_errors(self):
        self.migrate()
        rc, out, err = self.db("keys", "revoke", "img_00000000")
        self.assertEqual(rc, EX_NOINPUT)
        one_line(self, err, "keys")
        rc, out, err = self.db("keys", "revoke", "nonsense")
        self.assertEqual(rc, EX_USAGE)
        one_line(self, err, "keys")
        rc, out, err = self.db("keys", "create")
        self.assertEqual(rc, EX_USAGE)
        one_line(self, err, "keys")
        rc, out, err = self.db("keys", "create", "--tenant", "acme", "--budget-usd", "-3")
        self.assertEqual(rc, EX_USAGE)
        one_line(self, err, "keys")
        rc, out, err = self.db("keys", "create", "--tenant", "bad name")
        self.assertEqual(rc, 65)
        one_line(self, err, "keys")
        self.assertEqual(out, "")
        rc, out, err = self.db("keys", "frobnicate")
        self.assertEqual(rc, EX_USAGE)
        one_line(self, err, "keys")

    def test_4_status_and_result_of_missing_id(self):
        self.migrate()
        for cmd in ("status", "result"):
            rc, out, err = self.db(cmd, "no-such-request")
            self.assertEqual(rc, EX_NOINPUT, err)
            self.assertEqual(out, "")
            one_line(self, err, cmd)
            self.assertIn("no-such-request", err)
            rc, out, err = self.db(cmd)
            self.assertEqual(rc, EX_USAGE)
            one_line(self, err, cmd)

    def test_5_status_and_result_of_stored_requests(self):
        self.migrate()
        self.pg.psql(
            "INSERT INTO requests (request_id, status, result, error_code, error_message, "
            "completed_at) VALUES ('cli-rej', 'rejected', "
            "'{\"schema\":\"imaginator.result.v1\",\"request_id\":\"cli-rej\",\"status\":"
            "\"rejected\",\"error\":{\"code\":\"unauthorized\",\"message\":\"no key\"}}', "
            "'unauthorized', 'no key', now()) ON CONFLICT DO NOTHING;"
            "INSERT INTO requests (request_id, status) VALUES ('cli-run', 'running') "
            "ON CONFLICT DO NOTHING")
        rc, out, err = self.db("status", "cli-rej")
        self.assertEqual((rc, out), (0, "rejected unauthorized\n"), err)
        rc, out, err = self.db("result", "cli-rej")
        self.assertEqual(rc, 0, err)
        self.assertIn('"code":"unauthorized"', out)
        rc, out, err = self.db("status", "cli-run")
        self.assertEqual((rc, out), (0, "running\n"), err)
        rc, out, err = self.db("result", "cli-run")
        self.assertEqual(rc, 75)
        self.assertEqual(out, "")
        one_line(self, err, "result")

    def test_7_concurrent_migrations(self):
        # four migrators on a fresh database at once: the advisory lock
        # serialises them, exactly one applies each migration
        self.pg.psql("CREATE DATABASE race")
        url = self.pg.url_of("race")
        procs = [subprocess.Popen([BINARY, "migrate", "--database-url", url],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(4)]
        outs = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
        for out, err, rc in outs:
            self.assertEqual(rc, 0, err)
        applied = [out for out, _, _ in outs if out.startswith("applied")]
        self.assertEqual(len(applied), 1, outs)

    def test_8_migrate_from_a_folder(self):
        self.pg.psql("CREATE DATABASE fromdir")
        url = self.pg.url_of("fromdir")
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "001_one.sql"), "w") as f:
                f.write("CREATE TABLE one (x int);\n")
            with open(os.path.join(d, "002_two.sql"), "w") as f:
                f.write("CREATE TABLE two (x int);\nINSERT INTO two VALUES (2);\n")
            with open(os.path.join(d, "README"), "w") as f:
                f.write("not a migration")
            rc, out, err = self.db("migrate", "--dir", d, "--database-url", url)
            self.assertEqual(rc, 0, err)
            self.assertIn("applied 2 migrations", out)
            with open(os.path.join(d, "003_bad.sql"), "w") as f:
                f.write("CREATE TABLE three (x int);\nSELECT nonsense FROM nowhere;\n")
            rc, out, err = self.db("migrate", "--dir", d, "--database-url", url)
            self.assertEqual(rc, 70)
            one_line(self, err, "migrate")
            self.assertIn("003_bad", err)
        rows = self.pg.psql("SELECT string_agg(version || ':' || name, ',' ORDER BY version) "
                            "FROM schema_migrations", database="fromdir")
        self.assertEqual(rows, "1:one,2:two")
        # the failed migration left nothing behind
        self.assertEqual(self.pg.psql("SELECT to_regclass('three') IS NULL",
                                      database="fromdir"), "t")

    def test_6_usage_errors(self):
        rc, out, err = self.db("status", "x", "--pretty")
        self.assertEqual(rc, EX_USAGE)
        one_line(self, err, "status")
        rc, out, err = self.db("migrate", "--bogus")
        self.assertEqual(rc, EX_USAGE)
        one_line(self, err, "migrate")
        for cmd in ("migrate", "keys", "status", "result"):
            rc, out, err = self.db(cmd, "--help")
            self.assertEqual(rc, 0)
            self.assertTrue(out.startswith("usage: imaginator %s" % cmd), out)


class NoDatabase(unittest.TestCase):
    def test_no_url(self):
        for args in (("migrate",), ("keys", "list"), ("status", "x")):
            rc, out, err = run(*args, env={"IMAGINATOR_DATABASE_URL": ""})
            self.assertEqual(rc, EX_CONFIG, err)
            one_line(self, err, args[0])
            self.assertIn("IMAGINATOR_DATABASE_URL", err)

    def test_unreachable(self):
        url = "postgresql://imaginator@127.0.0.1:%d/imaginator" % free_port()
        for args in (("migrate",), ("keys", "list"), ("status", "x"), ("result", "x")):
            rc, out, err = run(*args, "--database-url", url)
            self.assertEqual(rc, EX_UNAVAILABLE, err)
            self.assertEqual(out, b"")
            one_line(self, err, args[0])

    def test_password_not_echoed(self):
        url = "postgresql://imaginator:s3cretpw@127.0.0.1:%d/imaginator" % free_port()
        rc, out, err = run("status", "x", "--database-url", url)
        self.assertEqual(rc, EX_UNAVAILABLE)
        self.assertNotIn("s3cretpw", err)


if __name__ == "__main__":
    ok, why = pg_available()
    if not ok:
        print("skipped: " + why, file=sys.stderr)
        sys.exit(77)
    main()
