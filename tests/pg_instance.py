"""A private PostgreSQL server for fault tests: one we may freeze, stop and restart (never the shared one).

    pg = PgInstance.create()        # initdb into a temp dir, start on a free loopback port
    url = pg.create_database("x")   # then db.migrate(url)
    pg.freeze() / pg.thaw()         # SIGSTOP / SIGCONT the postmaster and every backend
    pg.stop() / pg.start() / pg.restart()
    pg.destroy()                    # thaw, stop, remove the directory

As root (CI, containers) the server runs as the `postgres` OS user: initdb refuses to run as root.
Child processes are found through /proc, so nothing beyond Debian's postgresql-15 package is needed.
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
from pathlib import Path

import psycopg2

SERVER_USER = "postgres"


def _bin_dir() -> Path:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "pg_ctl")):
            return Path(candidate)
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    try:  # the embedded server's own binaries (requirements-dev.txt), when no system package is installed
        from pgserver._commands import POSTGRES_BIN_PATH
        return Path(POSTGRES_BIN_PATH)
    except ImportError:
        raise RuntimeError("no PostgreSQL server binaries (pg_ctl) found: install postgresql-15") from None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list:
    """Processes whose parent is `pid` (what `pgrep -P` prints), read from /proc."""
    found = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            text = Path(stat).read_text()
        except OSError:  # the process ended while we looked
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'
        fields = text.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(stat.split("/")[2]))
    return found


class PgInstance:
    def __init__(self, root: Path, port: int):
        self.root, self.port = root, port
        self.data, self.log = root / "data", root / "server.log"
        self.bin = _bin_dir()
        self._as_server_user = os.geteuid() == 0

    # ------------------------------------------------------------ lifecycle

    @classmethod
    def create(cls) -> "PgInstance":
        root = Path(tempfile.mkdtemp(prefix="statussync-pg-"))
        instance = cls(root, _free_port())
        try:
            if instance._as_server_user:
                try:
                    user = pwd.getpwnam(SERVER_USER)
                except KeyError:
                    raise RuntimeError(f"running as root needs an OS user {SERVER_USER!r} for the server "
                                       "(Debian's postgresql package creates it)") from None
                os.chown(root, user.pw_uid, user.pw_gid)
            instance._run("initdb", "-D", str(instance.data), "-U", "postgres", "-A", "trust",
                          "--no-sync", "-E", "UTF8", "--locale=C")
            instance.start()
            atexit.register(instance.destroy)  # even when a session ends without its teardown
        except BaseException:
            instance.destroy()
            raise
        return instance

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "30", "start")

    def stop(self) -> None:
        self.thaw()
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")

    def restart(self) -> None:
        self.thaw()
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "-t", "30", "restart")

    def running(self) -> bool:
        return self.postmaster_pid() is not None

    def destroy(self) -> None:
        """Thaw, stop and remove everything; safe to call in any state, twice."""
        try:
            if self.running():
                self.stop()
        except Exception:  # pg_ctl failed: make sure no server is left behind
            pid = self.postmaster_pid()
            if pid:
                for each in [pid, *_children(pid)]:
                    _signal(each, signal.SIGCONT)
                    _signal(each, signal.SIGKILL)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    # ------------------------------------------------------------ faults

    def postmaster_pid(self):
        try:
            pid = int((self.data / "postmaster.pid").read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return None
        return pid if os.path.exists(f"/proc/{pid}") else None

    def server_pids(self) -> list:
        pid = self.postmaster_pid()
        return [pid, *_children(pid)] if pid else []

    def freeze(self) -> None:
        """SIGSTOP the postmaster first (so it forks no new backend), then every child: a hung server."""
        for pid in self.server_pids():
            _signal(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in reversed(self.server_pids()):
            _signal(pid, signal.SIGCONT)

    # ------------------------------------------------------------ access

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        admin = psycopg2.connect(self.url(), connect_timeout=5)
        try:
            admin.autocommit = True
            with admin.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            admin.close()
        return self.url(name)

    def _run(self, tool: str, *args) -> None:
        command = [str(self.bin / tool), *args]
        if self._as_server_user:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        # The server's own output goes to the log file (-l): pipes it inherited would keep run() waiting.
        done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, timeout=60, cwd="/")
        if done.returncode != 0:
            log = self.log.read_text()[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr.strip()}\n{log}")


def _signal(pid: int, sig) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def wait_until(predicate, timeout: float = 10.0, step: float = 0.05) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()
