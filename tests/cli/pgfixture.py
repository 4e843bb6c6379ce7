"""A throwaway PostgreSQL server for tests (Debian's binaries, standard library only).

    from pgfixture import PgServer, pg_available
    with PgServer() as pg:          # initdb into a temp dir, start on a free port
        env = {"IMAGINATOR_DATABASE_URL": pg.url}
        pg.stop(); pg.start()        # restart tests (same port, same data)
        pg.kill()                    # SIGKILL the postmaster and its backends
    # leaving the block stops the server and removes the directory

As root, initdb and the server run as the `postgres` OS user through runuser,
as scripts/stack.sh does. The socket goes to /tmp, TCP to 127.0.0.1 only, with
fsync off (commits survive kill(), not an OS crash). Set PG_BINDIR to pick the
binaries; pg_available() says whether any were found (tests skip with exit
code 77 otherwise).
"""
import atexit
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time


def pg_bindir():
    """The newest /usr/lib/postgresql/*/bin holding initdb and pg_ctl, or None."""
    if os.environ.get("PG_BINDIR"):
        cands = [os.environ["PG_BINDIR"]]
    else:
        def version(path):
            v = path.split("/")[-2]
            return [int(x) for x in v.split(".") if x.isdigit()]
        cands = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    for d in cands:
        if os.access(os.path.join(d, "initdb"), os.X_OK) and \
                os.access(os.path.join(d, "pg_ctl"), os.X_OK):
            return d
    return None


def _run_as():
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return None
    return ["runuser", "-u", "postgres", "--"]


def pg_available():
    """(True, "") when a server can be started here, else (False, why)."""
    if not pg_bindir():
        return False, "PostgreSQL binaries not found (apt-get install postgresql)"
    if _run_as() is None:
        return False, "running as root without a postgres OS user"
    return True, ""


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """One PostgreSQL cluster in a temporary directory. url is a libpq URL for
    user imaginator, database imaginator (trust authentication on loopback)."""

    def __init__(self, user="imaginator", database="imaginator"):
        self.bindir = pg_bindir()
        if not self.bindir:
            raise RuntimeError(pg_available()[1])
        self.as_user = _run_as() or []
        self.user, self.database = user, database
        self.dir = tempfile.mkdtemp(prefix="img-pg-")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "pg.log")
        self.port = free_port()
        self.url = "postgresql://%s@127.0.0.1:%d/%s" % (user, self.port, database)
        self._initdb = False
        if self.as_user:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        os.chmod(self.dir, 0o700)
        atexit.register(self.destroy)  # no server left behind by a test that died early

    def _bin(self, name, *args, check=True, timeout=120):
        cmd = self.as_user + [os.path.join(self.bindir, name), *args]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if check and p.returncode != 0:
            raise RuntimeError("%s failed (%d): %s %s\n%s" % (
                name, p.returncode, p.stdout, p.stderr, self.tail_log()))
        return p

    def tail_log(self, n=20):
        try:
            with open(self.log, encoding="utf-8", errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def start(self):
        """initdb on first use, then start and wait until it accepts connections."""
        if not self._initdb:
            self._bin("initdb", "-D", self.data, "-U", self.user, "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8", "--no-sync")
            self._initdb = True
            first = True
        else:
            first = False
        opts = ("-p %d -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c full_page_writes=off "
                "-c max_connections=200" % self.port)
        for _ in range(50):
            p = self._bin("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "-o", opts,
                          "start", check=False)
            if p.returncode == 0:
                break
            # after kill(), orphaned backends may hold the shared memory a moment
            time.sleep(0.2)
        else:
            raise RuntimeError("pg_ctl start failed: %s %s\n%s" % (p.stdout, p.stderr,
                                                                  self.tail_log()))
        if first:
            self._bin("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user,
                      self.database)
        return self

    def pid(self):
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                return int(f.readline())
        except (OSError, ValueError):
            return None

    def running(self):
        pid = self.pid()
        if not pid:
            return False
        try:
            os.kill(pid, 0)
            return True
        except ProcessLookupError:
            return False

    def stop(self):
        """A fast shutdown: clients are disconnected, nothing is lost."""
        if self.running():
            self._bin("pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "60", "stop",
                      check=False)

    def kill(self):
        """SIGKILL the postmaster and its backends (a crash; data survives)."""
        pid = self.pid()
        if not pid:
            return
        children = []
        try:
            out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
            children = [int(x) for x in out.stdout.split()]
        except (OSError, ValueError):
            pass
        for p in [pid] + children:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for _ in range(100):
            if not any(_alive(p) for p in [pid] + children):
                break
            time.sleep(0.05)

    def url_of(self, database):
        """The URL of another database on this server."""
        return "postgresql://%s@127.0.0.1:%d/%s" % (self.user, self.port, database)

    def psql(self, sql, database=None):
        """Runs SQL with psql and returns its unaligned, tuples-only output."""
        psql = shutil.which("psql") or os.path.join(self.bindir, "psql")
        url = self.url_of(database) if database else self.url
        p = subprocess.run([psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url,
                            "-c", sql], capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError("psql: %s" % p.stderr.strip())
        return p.stdout.strip()

    def destroy(self):
        """Stops the server and removes its directory; safe to call twice."""
        if not os.path.isdir(self.dir):
            return
        try:
            self.stop()
            if self.running():
                self.kill()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.destroy()


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
