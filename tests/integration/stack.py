"""A real stack for the integration tests (Python standard library only).

    from stack import Stack, skip_unless_available
    skip_unless_available()                # exit 77 when java, mvn or PostgreSQL are missing
    stack = Stack("e2e").start()           # Kafka broker + PostgreSQL, fresh, on free ports
    sc = stack.scope("dup")                # per test: own database, topics, consumer group,
                                           # a migrated schema and an API key (sc.key)
    fake = stack.fake(latency_ms=200)      # tests/fake_llm/fake_llm.py on a free port
    w = sc.worker("w1", providers="openai", fake=fake)   # started, waits for event=ready
    ids = sc.enqueue_pair(count=10)        # imaginator enqueue; returns the request ids
    rows = sc.wait_final(ids, timeout=60)  # polls analysis_results until all are final
    w.kill9(); w.term(); stack.kafka_restart(); stack.pg_restart()
    stack.close()                          # everything down, run directory removed

The broker and PostgreSQL come from scripts/stack.sh (IMAGINATOR_RUN_DIR, KAFKA_PORT,
KAFKA_CONTROLLER_PORT, PG_PORT). Ports are picked below the kernel's ephemeral range so
that no outgoing connection can hold them (a broker that loses its port to a client's
source port fails to start). A watchdog process (double-forked, so a killed test does not
take it along) tears the stack down if the test process dies without doing it: no Java or
postgres process outlives a test run.

Environment: IMG_BINARY (the imaginator binary), IMG_SOURCE_DIR, IMG_TOPIC_DUMP (the
topic_dump tool; default next to the tests' build directory), IMG_INTEG_KEEP=1 keeps the
run directory (logs) after the run.
"""
import glob
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("IMG_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..", "..")))
BINARY = os.environ.get("IMG_BINARY", os.path.join(SOURCE, "build", "imaginator"))
STACK_SH = os.path.join(SOURCE, "scripts", "stack.sh")
FAKE_LLM = os.path.join(SOURCE, "tests", "fake_llm", "fake_llm.py")
SAMPLES = os.path.join(SOURCE, "data", "samples")
JARS = os.environ.get("IMAGINATOR_KAFKA_JARS",
                      os.path.join(os.path.expanduser("~"), ".cache", "imaginator", "kafka-jars"))
sys.path.insert(0, os.path.join(SOURCE, "tests", "cli"))

FINAL = ("succeeded", "failed", "rejected")


def log(msg):
    sys.stderr.write("[stack %s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


# ---------------------------------------------------------------------------------------------
# availability
# ---------------------------------------------------------------------------------------------

def pg_bindir():
    def version(path):
        return [int(x) for x in path.split("/")[-2].split(".") if x.isdigit()]
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True):
        if os.access(os.path.join(d, "initdb"), os.X_OK) and \
                os.access(os.path.join(d, "pg_ctl"), os.X_OK):
            return d
    return None


def missing():
    """The reason the stack cannot run here, or None."""
    if not shutil.which("java"):
        return "java is not installed (apt-get install openjdk-17-jre-headless)"
    if not os.path.isfile(os.path.join(JARS, ".complete")) and not shutil.which("mvn"):
        return "Maven (mvn) is not installed and the Kafka jars are not cached in " + JARS
    if not pg_bindir():
        return "the PostgreSQL server binaries are not installed (apt-get install postgresql)"
    if not shutil.which("psql") and not os.access(os.path.join(pg_bindir(), "psql"), os.X_OK):
        return "psql is not installed (apt-get install postgresql-client)"
    if os.geteuid() == 0:
        try:
            import pwd
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres OS user"
    return None


def skip_unless_available():
    """Exits 77 (ctest's skip) with the reason when the stack cannot run."""
    why = missing()
    if why:
        print("SKIP: " + why)
        sys.exit(77)
    if not os.access(BINARY, os.X_OK):
        print("FAIL: the imaginator binary is missing: " + BINARY)
        sys.exit(1)


def free_port(avoid=()):
    """A free TCP port on 127.0.0.1 below the ephemeral range (20000-32000)."""
    for _ in range(500):
        port = random.randrange(20000, 32000)
        if port in avoid:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port")


def psql_binary():
    return shutil.which("psql") or os.path.join(pg_bindir(), "psql")


def tail(path, n=40):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return "(no %s)\n" % path


# ---------------------------------------------------------------------------------------------
# the watchdog
# ---------------------------------------------------------------------------------------------

_WATCHDOG = r"""
import os, signal, subprocess, sys, time, shutil
parent, run, stack_sh, env_file = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
if os.fork():
    os._exit(0)
os.setsid()
while True:
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        break
    if not os.path.isdir(run):
        sys.exit(0)
    time.sleep(0.5)
if not os.path.isdir(run):
    sys.exit(0)
try:
    with open(os.path.join(run, "pids")) as f:
        for line in f:
            try:
                os.kill(int(line), signal.SIGKILL)
            except (ValueError, OSError):
                pass
except OSError:
    pass
env = dict(os.environ)
with open(env_file) as f:
    for line in f:
        k, _, v = line.rstrip("\n").partition("=")
        env[k] = v
for cmd in ("kafka-kill", "pg-stop", "pg-kill"):
    subprocess.run(["bash", stack_sh, cmd], env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, timeout=120)
if not os.environ.get("IMG_INTEG_KEEP"):
    shutil.rmtree(run, ignore_errors=True)
"""


# ---------------------------------------------------------------------------------------------
# processes
# ---------------------------------------------------------------------------------------------

class Fake:
    """The fake LLM provider (docs/FAKE-LLM.md) on a free port."""

    def __init__(self, stack, latency_ms=0):
        self.stack = stack
        self.port_file = os.path.join(stack.run, "fake-%d.port" % len(stack.fakes))
        self.log = self.port_file.replace(".port", ".log")
        args = [sys.executable, FAKE_LLM, "--port", "0", "--port-file", self.port_file]
        if latency_ms:
            args += ["--latency-ms", str(latency_ms)]
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        stack._track(self.proc.pid)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with open(self.port_file) as f:
                    self.port = int(f.read().strip())
                break
            except (OSError, ValueError):
                if self.proc.poll() is not None:
                    raise RuntimeError("fake LLM exited: " + tail(self.log))
                time.sleep(0.05)
        else:
            raise RuntimeError("fake LLM did not start: " + tail(self.log))
        self.base = "http://127.0.0.1:%d" % self.port

    def env(self):
        """The provider settings that point the worker at this fake."""
        return {"OPENAI_BASE_URL": self.base + "/v1", "OPENAI_API_KEY": "sk-fake-integration",
                "ANTHROPIC_BASE_URL": self.base, "ANTHROPIC_API_KEY": "sk-ant-fake-integration"}

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"null")

    def stats(self):
        """{"openai": N, "anthropic": N} calls received."""
        return self._call("GET", "/_fake/stats")

    def calls(self):
        s = self.stats()
        return s.get("openai", 0) + s.get("anthropic", 0)

    def requests(self):
        return self._call("GET", "/_fake/requests")

    def script(self, openai=(), anthropic=()):
        return self._call("POST", "/_fake/script",
                          {"openai": list(openai), "anthropic": list(anthropic)})

    def reset(self):
        return self._call("POST", "/_fake/reset", {})

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Worker:
    """One `imaginator worker` process; stderr (its log) goes to a file."""

    def __init__(self, scope, name, args, env):
        self.scope, self.name = scope, name
        self.log = os.path.join(scope.stack.run, "worker-%s-%s-%d.log" % (
            scope.name, name, len(scope.workers)))
        self.args, self.env = args, env
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env,
                                         stdin=subprocess.DEVNULL)
        scope.stack._track(self.proc.pid)
        self.pid = self.proc.pid

    def text(self):
        try:
            with open(self.log, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def wait_log(self, pattern, timeout=60):
        """Waits until a log line matches the regex; returns the match."""
        rx = re.compile(pattern)
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = rx.search(self.text())
            if m:
                return m
            if self.proc.poll() is not None:
                m = rx.search(self.text())
                if m:
                    return m
                raise AssertionError("worker %s exited with %s before /%s/:\n%s" % (
                    self.name, self.proc.returncode, pattern, tail(self.log)))
            time.sleep(0.1)
        raise AssertionError("worker %s: no /%s/ within %ss:\n%s" % (
            self.name, pattern, timeout, tail(self.log)))

    def wait_ready(self, timeout=60):
        return self.wait_log(r"\bevent=ready\b", timeout)

    def alive(self):
        return self.proc.poll() is None

    def kill9(self):
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def term(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)

    def wait(self, timeout=60):
        """The exit code; raises when the worker is still running after timeout."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("worker %s still running after %ss:\n%s" % (
                self.name, timeout, tail(self.log)))

    def count(self, pattern):
        return len(re.findall(pattern, self.text()))


# ---------------------------------------------------------------------------------------------
# the stack
# ---------------------------------------------------------------------------------------------

class Stack:
    """One Kafka broker and one PostgreSQL server in a fresh run directory."""

    def __init__(self, name="integ", partitions=6):
        self.name = name
        self.partitions = partitions
        self.run = tempfile.mkdtemp(prefix="img-integ-%s-" % name)
        if os.geteuid() == 0:
            os.chmod(self.run, 0o755)  # the postgres user writes pg/ and pg.log in here
        self.fakes, self.scopes = [], []
        self._pids_lock = threading.Lock()
        self._closed = False
        self.kafka_port = self.controller_port = self.pg_port = None

    # -- environment ------------------------------------------------------------------------

    def stack_env(self):
        e = dict(os.environ)
        e.update({"IMAGINATOR_RUN_DIR": self.run, "KAFKA_PORT": str(self.kafka_port),
                  "KAFKA_CONTROLLER_PORT": str(self.controller_port),
                  "PG_PORT": str(self.pg_port),
                  "IMAGINATOR_TOPIC_PARTITIONS": str(self.partitions),
                  "IMAGINATOR_KAFKA_JARS": JARS})
        return e

    @property
    def brokers(self):
        return "127.0.0.1:%d" % self.kafka_port

    def admin_url(self, db="imaginator"):
        return "postgresql://imaginator@127.0.0.1:%d/%s" % (self.pg_port, db)

    def _track(self, pid):
        with self._pids_lock:
            with open(os.path.join(self.run, "pids"), "a") as f:
                f.write("%d\n" % pid)

    def _sh(self, *cmd, timeout=240, check=True):
        p = subprocess.run(["bash", STACK_SH, *cmd], env=self.stack_env(), capture_output=True,
                           text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if check and p.returncode != 0:
            raise RuntimeError("stack.sh %s failed (%d): %s\n--- kafka.log\n%s--- pg.log\n%s" % (
                " ".join(cmd), p.returncode, p.stderr.strip(),
                tail(os.path.join(self.run, "kafka.log"), 15),
                tail(os.path.join(self.run, "pg.log"), 15)))
        return p

    # -- lifecycle --------------------------------------------------------------------------

    def start(self):
        """Starts PostgreSQL and Kafka (in parallel), waits until Kafka answers metadata."""
        t0 = time.time()
        for attempt in range(3):
            self.kafka_port = free_port()
            self.controller_port = free_port({self.kafka_port})
            self.pg_port = free_port({self.kafka_port, self.controller_port})
            env_file = os.path.join(self.run, "stack.env")
            with open(env_file, "w") as f:
                for k in ("IMAGINATOR_RUN_DIR", "KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "PG_PORT",
                          "IMAGINATOR_KAFKA_JARS"):
                    f.write("%s=%s\n" % (k, self.stack_env()[k]))
            if attempt == 0:
                subprocess.Popen([sys.executable, "-c", _WATCHDOG, str(os.getpid()), self.run,
                                  STACK_SH, env_file], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 close_fds=True).wait()
            errors = []

            def run(cmd):
                try:
                    self._sh(cmd)
                except Exception as e:  # noqa: BLE001 - reported below
                    errors.append(e)
            threads = [threading.Thread(target=run, args=(c,)) for c in ("pg-start",
                                                                          "kafka-start")]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            if not errors:
                break
            log("start attempt %d failed: %s" % (attempt + 1, errors[0]))
            self._sh("kafka-kill", check=False)
            self._sh("pg-stop", check=False)
            for d in ("kafka-data", "pg"):
                shutil.rmtree(os.path.join(self.run, d), ignore_errors=True)
        else:
            raise errors[0]
        self.wait_kafka()
        log("stack up in %.1fs: kafka %s, postgresql %d, run dir %s" % (
            time.time() - t0, self.brokers, self.pg_port, self.run))
        return self

    def wait_kafka(self, timeout=90):
        """Until a metadata request through librdkafka succeeds (topics ensure on a scratch
        topic name set; it creates nothing that matters)."""
        deadline = time.time() + timeout
        last = ""
        while time.time() < deadline:
            p = self.imaginator("topics", "ensure", "--timeout", "10", check=False, env={
                "IMAGINATOR_REQUESTS_TOPIC": "it.probe.requests",
                "IMAGINATOR_RESULTS_TOPIC": "it.probe.results",
                "IMAGINATOR_DLQ_TOPIC": "it.probe.dlq",
                "IMAGINATOR_TOPIC_PARTITIONS": "1"})
            if p.returncode == 0:
                return
            last = p.stderr
            time.sleep(0.5)
        raise RuntimeError("Kafka did not answer within %ss: %s\n%s" % (
            timeout, last, tail(os.path.join(self.run, "kafka.log"))))

    def close(self):
        """Stops every process of the stack and removes the run directory (kept, with a
        note, when IMG_INTEG_KEEP is set)."""
        if self._closed:
            return
        self._closed = True
        for sc in self.scopes:
            for w in sc.workers:
                if w.alive():
                    w.proc.kill()
                    w.proc.wait()
        for f in self.fakes:
            f.stop()
        if self.kafka_port:
            self._sh("kafka-kill", check=False)
            self._sh("pg-stop", check=False)
            self._sh("pg-kill", check=False)
        if os.environ.get("IMG_INTEG_KEEP"):
            log("run directory kept: " + self.run)
        else:
            shutil.rmtree(self.run, ignore_errors=True)

    # -- faults -----------------------------------------------------------------------------

    def kafka_kill(self):
        self._sh("kafka-kill")

    def kafka_start(self):
        self._sh("kafka-start")
        self.wait_kafka()

    def kafka_restart(self, down_s=3.0):
        """kill -9 of the broker, down_s seconds down, then the same broker again."""
        self.kafka_kill()
        time.sleep(down_s)
        self.kafka_start()

    def pg_kill(self):
        """SIGKILL of the postmaster and of its backends (a crash: connections break at
        once, nothing is shut down cleanly); the data directory survives."""
        try:
            with open(os.path.join(self.run, "pg.pid")) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            pid = None
        children = []
        if pid:
            for d in os.listdir("/proc"):
                if d.isdigit():
                    try:
                        with open("/proc/%s/stat" % d) as f:
                            if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                                children.append(int(d))
                    except (OSError, ValueError, IndexError):
                        pass
        self._sh("pg-kill")
        for c in children:
            try:
                os.kill(c, signal.SIGKILL)
            except OSError:
                pass

    def pg_start(self):
        deadline = time.time() + 60
        while True:
            p = self._sh("pg-start", check=False)
            if p.returncode == 0:
                return
            if time.time() > deadline:
                raise RuntimeError("pg-start failed: " + p.stderr + tail(
                    os.path.join(self.run, "pg.log")))
            time.sleep(0.5)  # backends of the killed postmaster may hold shared memory

    def pg_restart(self, down_s=3.0):
        """kill -9 of the postmaster, down_s seconds down, then start it again."""
        self.pg_kill()
        time.sleep(down_s)
        self.pg_start()

    # -- tools ------------------------------------------------------------------------------

    def base_env(self):
        e = dict(os.environ)
        for k in list(e):
            if k.startswith("IMAGINATOR_") or k in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY",
                                                    "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"):
                del e[k]
        e["IMAGINATOR_BROKERS"] = self.brokers
        e["IMAGINATOR_LOG_FORMAT"] = "logfmt"
        return e

    def imaginator(self, *args, env=None, check=True, input=None, timeout=300):
        e = self.base_env()
        e.update(env or {})
        p = subprocess.run([BINARY, *args], env=e, capture_output=True, text=True, input=input,
                           timeout=timeout)
        if check and p.returncode != 0:
            raise AssertionError("imaginator %s: exit %d: %s" % (
                " ".join(args[:2]), p.returncode, p.stderr.strip()))
        return p

    def psql(self, sql, url=None):
        p = subprocess.run([psql_binary(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                            "-d", url or self.admin_url(), "-c", sql],
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError("psql: %s" % p.stderr.strip())
        return p.stdout.strip()

    def fake(self, latency_ms=0):
        f = Fake(self, latency_ms)
        self.fakes.append(f)
        return f

    def scope(self, name, partitions=None):
        sc = Scope(self, name, partitions or self.partitions)
        self.scopes.append(sc)
        return sc


def topic_dump_binary():
    cand = [os.environ.get("IMG_TOPIC_DUMP", ""),
            os.path.join(os.path.dirname(BINARY), "tests", "integ_topic_dump")]
    for c in cand:
        if c and os.access(c, os.X_OK):
            return c
    return None


class Scope:
    """What one test owns: a database (migrated), its three topics, its consumer group,
    a tenant with an API key (self.key). Nothing leaks between tests."""

    def __init__(self, stack, name, partitions):
        self.stack, self.name = stack, name
        self.workers = []
        self.db = "it_" + re.sub(r"[^a-z0-9_]", "_", name.lower())
        stack.psql("CREATE DATABASE %s" % self.db)
        self.url = stack.admin_url(self.db)
        self.topics = {"requests": "it.%s.requests" % name, "results": "it.%s.results" % name,
                       "dlq": "it.%s.dlq" % name}
        self.group = "it-%s" % name
        self.partitions = partitions
        self.stack.imaginator("migrate", env=self.env())
        self.stack.imaginator("topics", "ensure", "--partitions", str(partitions), env=self.env())
        self.key = self.create_key("tenant-" + name)

    def env(self):
        return {"IMAGINATOR_DATABASE_URL": self.url,
                "IMAGINATOR_REQUESTS_TOPIC": self.topics["requests"],
                "IMAGINATOR_RESULTS_TOPIC": self.topics["results"],
                "IMAGINATOR_DLQ_TOPIC": self.topics["dlq"],
                "IMAGINATOR_GROUP": self.group}

    def imaginator(self, *args, env=None, **kw):
        e = self.env()
        e.update(env or {})
        return self.stack.imaginator(*args, env=e, **kw)

    def psql(self, sql):
        return self.stack.psql(sql, self.url)

    # -- keys -------------------------------------------------------------------------------

    def create_key(self, tenant):
        out = self.imaginator("keys", "create", "--tenant", tenant).stdout.strip().splitlines()
        return out[-1].strip()

    def revoke_key(self, key):
        self.imaginator("keys", "revoke", key[:12])

    # -- workers ----------------------------------------------------------------------------

    def worker(self, name, providers="offline", fake=None, max_inflight=None, lease="3s",
               shutdown_timeout="30s", extra_args=(), env=None, ready=True, instance_id=None):
        """Starts `imaginator worker` for this scope and waits for event=ready. The session
        timeout is the broker's minimum (6 s) so a killed worker's partitions move soon, and
        the lease is short so its requests can be taken over."""
        e = self.stack.base_env()
        e.update(self.env())
        e["IMAGINATOR_PROVIDERS"] = providers
        e["IMAGINATOR_LOG_LEVEL"] = "info"
        if fake:
            e.update(fake.env())
        e.update(env or {})
        worker_id = "%s-%s" % (self.name, name)
        args = [BINARY, "worker", "--worker-id", worker_id,
                "--lease", lease, "--shutdown-timeout", shutdown_timeout,
                "-X", "consumer.session.timeout.ms=6000",
                "-X", "consumer.heartbeat.interval.ms=500"]
        if max_inflight:
            args += ["--max-inflight", str(max_inflight)]
        if instance_id:
            args += ["--instance-id", instance_id]
        args += list(extra_args)
        w = Worker(self, name, args, e)
        w.worker_id = worker_id
        self.workers.append(w)
        if ready:
            w.wait_ready()
        return w

    # -- requests ---------------------------------------------------------------------------

    def enqueue(self, *args, key=None, check=True, input=None):
        """Runs imaginator enqueue with this scope's topic; returns the CompletedProcess."""
        extra = ["--key", key] if key else []
        return self.imaginator("enqueue", *args, *extra, check=check, input=input)

    def enqueue_pair(self, count=1, key="scope", request_id=None, resume=None, job=None):
        """count requests of the sample pair (or files); returns their ids."""
        k = self.key if key == "scope" else key
        args = ["--resume", resume or os.path.join(SAMPLES, "resume.txt"),
                "--job", job or os.path.join(SAMPLES, "job.txt"), "--count", str(count)]
        if request_id:
            args += ["--request-id", request_id]
        return self.enqueue(*args, key=k).stdout.split()

    def enqueue_jsonl(self, requests, key="scope"):
        """requests: dicts of request fields; returns the ids in order."""
        path = os.path.join(self.stack.run, "%s-%d.jsonl" % (self.name, random.getrandbits(32)))
        with open(path, "w", encoding="utf-8") as f:
            for r in requests:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        k = self.key if key == "scope" else key
        return self.enqueue("--jsonl", path, key=k).stdout.split()

    def enqueue_raw(self, data, key="scope", request_id=None):
        """Sends bytes as one message value; returns (partition, offset)."""
        path = os.path.join(self.stack.run, "%s-raw-%d.bin" % (self.name,
                                                               random.getrandbits(32)))
        with open(path, "wb") as f:
            f.write(data)
        k = self.key if key == "scope" else key
        args = ["--raw", path] + (["--request-id", request_id] if request_id else [])
        out = self.enqueue(*args, key=k).stdout.split()
        return int(out[1]), int(out[2])

    # -- results ----------------------------------------------------------------------------

    def statuses(self):
        """{request_id: (status, error code or None)} of every row of analysis_results."""
        out = self.psql("SELECT request_id, status, coalesce(error->>'code', '') "
                        "FROM analysis_results")
        rows = {}
        for line in out.splitlines():
            rid, status, code = line.split("|")
            rows[rid] = (status, code or None)
        return rows

    def wait_final(self, ids, timeout=120, poll=0.5):
        """Waits until every id has a final row in analysis_results; returns statuses()."""
        want = set(ids)
        deadline = time.time() + timeout
        last_report = time.time()
        while True:
            rows = self.statuses()
            done = {r for r in want if r in rows and rows[r][0] in FINAL}
            if len(done) == len(want):
                return rows
            if time.time() > deadline:
                logs = "".join("--- %s\n%s" % (w.log, tail(w.log, 25)) for w in self.workers)
                raise AssertionError("%d of %d requests not final after %ss (e.g. %s)\n%s" % (
                    len(want) - len(done), len(want), timeout,
                    sorted(want - done)[:5], logs))
            if time.time() - last_report > 15:
                log("%s: %d/%d final" % (self.name, len(done), len(want)))
                last_report = time.time()
            time.sleep(poll)

    def results(self):
        """{request_id: {"status", "error", "result"}} with the result documents."""
        out = self.psql("SELECT coalesce(json_agg(json_build_object('request_id', request_id, "
                        "'status', status, 'error', error, 'result', result)), '[]') "
                        "FROM analysis_results")
        return {r["request_id"]: r for r in json.loads(out)}

    def count(self, sql):
        return int(self.psql(sql) or 0)

    def checkpoints(self):
        """{(request_id, stage): (created_at, lease_epoch)} of every stage checkpoint."""
        out = {}
        for line in self.psql("SELECT request_id, stage, created_at, lease_epoch "
                              "FROM stage_checkpoints").splitlines():
            rid, stage, at, epoch = line.split("|")
            out[(rid, stage)] = (at, int(epoch))
        return out

    def running(self, worker=None):
        """Request ids in status running (optionally: leased by this Worker)."""
        sql = "SELECT request_id FROM requests WHERE status = 'running'"
        if worker:
            sql += " AND lease_owner = '%s'" % worker.worker_id
        return set(self.psql(sql).split())

    def attempts(self):
        """{request_id: attempts} (how many times each request was claimed)."""
        out = {}
        for line in self.psql("SELECT request_id, attempts FROM requests").splitlines():
            rid, n = line.split("|")
            out[rid] = int(n)
        return out

    def final_count(self):
        return self.count("SELECT count(*) FROM requests WHERE status IN "
                          "('succeeded', 'failed', 'rejected')")

    def wait_until(self, pred, timeout=60, what="condition"):
        deadline = time.time() + timeout
        while not pred():
            if time.time() > deadline:
                logs = "".join("--- %s\n%s" % (w.log, tail(w.log, 15)) for w in self.workers)
                raise AssertionError("%s: not reached within %ss\n%s" % (what, timeout, logs))
            time.sleep(0.1)

    def topic(self, which, timeout=30):
        """Every message of one of this scope's topics ("requests", "results", "dlq") as
        dicts: partition, offset, key, headers (dict), value (bytes)."""
        tool = topic_dump_binary()
        if not tool:
            raise AssertionError("topic_dump is not built (target integ_topic_dump)")
        p = subprocess.run([tool, self.stack.brokers, self.topics[which], str(timeout)],
                           capture_output=True, text=True, timeout=timeout + 30)
        if p.returncode != 0:
            raise AssertionError("topic_dump %s: %s" % (self.topics[which], p.stderr.strip()))
        msgs = []
        for line in p.stdout.splitlines():
            m = json.loads(line)
            m["value"] = bytes.fromhex(m.pop("value_hex"))
            m["headers"] = {h[0]: h[1] for h in m["headers"]}
            msgs.append(m)
        return msgs

    def wait_topic(self, which, pred, timeout=60):
        """Polls a topic until pred(messages) is true; returns the messages."""
        deadline = time.time() + timeout
        while True:
            msgs = self.topic(which)
            if pred(msgs):
                return msgs
            if time.time() > deadline:
                raise AssertionError("topic %s: condition not met after %ss (%d messages)" % (
                    self.topics[which], timeout, len(msgs)))
            time.sleep(0.5)


# ---------------------------------------------------------------------------------------------
# documents
# ---------------------------------------------------------------------------------------------

def sample(name):
    with open(os.path.join(SAMPLES, name), encoding="utf-8") as f:
        return f.read()


def marked_resume(marker):
    """The sample resume with one more (earliest) job at an employer named `marker`, so
    every stage's prompt of this request carries it (the fake's request log then tells
    requests apart)."""
    text = sample("resume.txt")
    job = ("Freelance Developer at %s Labs (2015 - 2016)\n"
           "- Built invoicing scripts in Python for small shops\n\n" % marker)
    if "EDUCATION" in text:
        return text.replace("EDUCATION", job + "EDUCATION", 1)
    return text + "\n" + job


def new_marker():
    """An employer name no document has ("Qx" and 8 random letters): employers reach every
    stage's prompt (the criticism stage sees the employers the resume supports)."""
    return "Qx" + "".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))


def marker_of(record, markers):
    """Which of `markers` (see marked_resume) one of the fake's request records carries, or
    None."""
    text = json.dumps(record.get("body"), ensure_ascii=False)
    for m in re.findall(r"Qx[a-z]{8}", text):
        if m in markers:
            return m
    return None


def stage_of(record):
    """The pipeline stage of a fake's request record, from its structured-output name
    ("imaginator_analysis_v1") or tool name; None when unknown."""
    body = record.get("body") or {}
    names = []
    rf = body.get("response_format") or {}
    names.append((rf.get("json_schema") or {}).get("name") or "")
    for t in body.get("tools") or []:
        names.append(t.get("name") or "")
    for n in names:
        for stage in ("analysis", "generation", "criticism"):
            if stage in n:
                return stage
    return None


def calls_by(fake, markers):
    """{(marker, stage): calls} from the fake's request log; calls carrying none of the
    markers count under (None, stage)."""
    out = {}
    for r in fake.requests():
        k = (marker_of(r, markers), stage_of(r))
        out[k] = out.get(k, 0) + 1
    return out


def marked_requests(prefix, n):
    """n request dicts with ids prefix-000.. and marked resumes; returns (requests,
    {request_id: marker})."""
    reqs, marks = [], {}
    job = sample("job.txt")
    for i in range(n):
        rid, m = "%s-%03d" % (prefix, i), new_marker()
        reqs.append({"request_id": rid, "resume_text": marked_resume(m), "job_ad": job})
        marks[rid] = m
    return reqs, marks


def load_schema(name):
    with open(os.path.join(SOURCE, "schemas", name), encoding="utf-8") as f:
        return json.load(f)


# ---------------------------------------------------------------------------------------------
# unittest glue
# ---------------------------------------------------------------------------------------------

class Module:
    """setUpModule/tearDownModule helpers: one stack per test module."""
    stack = None


def module_setup(name):
    skip_unless_available()
    Module.stack = Stack(name)
    try:
        Module.stack.start()
    except BaseException:
        Module.stack.close()
        raise
    return Module.stack


def module_teardown():
    if Module.stack:
        Module.stack.close()


def run_tests():
    """Skips (77) when the stack cannot run here, else unittest.main; exit 0 or 1."""
    import unittest
    skip_unless_available()
    prog = unittest.main(verbosity=2, exit=False)
    sys.exit(0 if prog.result.wasSuccessful() else 1)
