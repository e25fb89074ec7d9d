"""Connections that cannot hold a thread: every wait on the server is bounded, stale pooled ones are dropped.

libpq blocks in C where no signal or timeout reaches it, so psycopg2 runs in its "green" mode: it hands
each wait (connect, query, commit) to `wait_bounded`, a poll() loop that gives up after the connection's
own cap or the current deadline (app.deadlines), whichever comes first. psycopg2 closes a connection
whose wait failed, so a timed-out connection is never reused.

A pooled connection is checked before it is handed out: a connection the server wrote to while it sat
idle (a restart's "terminating connection", a closed socket) or one idle for more than IDLE_CHECK_S is
pinged with a bounded `SELECT 1`. When one is dead, the pool drops every idle one: they died together.
"""
import math
import select
import threading
import time
from time import monotonic

from . import deadlines
from .errors import CommitUnknown, DatabaseUnavailable

CONNECT_TIMEOUT_S = 2             # libpq's own, whole seconds: only a fallback, wait_bounded bounds connecting
CONNECT_WAIT_S = 1.5              # connecting (TCP, TLS, authentication)
STATEMENT_TIMEOUT_MS = 2000       # the server cancels a statement after this (slow query, lock wait)
STATEMENT_WAIT_S = STATEMENT_TIMEOUT_MS / 1000 + 0.4   # ...and the client stops waiting for a server that doesn't
PING_WAIT_S = 0.3                 # the liveness check of a pooled connection
IDLE_CHECK_S = 2.0                # a pooled connection idle longer than this is pinged before reuse
MIN_WAIT_S = 0.05                 # a statement already sent gets at least this long to answer (commit outcome)
APPLICATION_NAME = "statussync"

_installed = False
_POLL_OK, _POLL_READ, _POLL_WRITE = 0, 1, 2  # psycopg2.extensions' values, read again at install
_install_lock = threading.Lock()


def wait_bounded(conn) -> None:
    """psycopg2's wait callback: like psycopg2.extras.wait_select, but bounded (raises DatabaseUnavailable)."""
    state = conn.poll()
    if state == _POLL_OK:
        return
    limit, by_deadline = getattr(conn, "wait_cap", None), False
    left = deadlines.remaining()
    if left is not None:
        left = max(left, MIN_WAIT_S)
        if limit is None or left < limit:
            limit, by_deadline = left, True
    until = None if limit is None else monotonic() + limit
    poller = select.poll()
    while state != _POLL_OK:
        if state == _POLL_READ:
            events = select.POLLIN
        elif state == _POLL_WRITE:
            events = select.POLLOUT
        else:
            raise conn.OperationalError(f"bad state from poll: {state}")
        timeout_ms = None
        if until is not None:
            timeout_ms = math.ceil((until - monotonic()) * 1000)
            if timeout_ms <= 0:
                raise _timed_out(conn, limit, by_deadline)
        fd = conn.fileno()  # may change while connecting (libpq tries each address in turn)
        poller.register(fd, events)
        ready = poller.poll(timeout_ms)
        poller.unregister(fd)
        if not ready:
            raise _timed_out(conn, limit, by_deadline)
        state = conn.poll()


def _timed_out(conn, limit: float, by_deadline: bool) -> DatabaseUnavailable:
    if by_deadline and hasattr(conn, "idle_since"):
        conn.cut_by_deadline = True  # the work ran out of time: says nothing about the other connections
    return DatabaseUnavailable(f"the database did not answer within {limit:.2f}s")


def install_wait_callback() -> None:
    """Route every psycopg2 wait in this process through wait_bounded (idempotent)."""
    global _installed
    if _installed:
        return
    with _install_lock:
        if not _installed:
            global _POLL_OK, _POLL_READ, _POLL_WRITE
            import psycopg2.extensions as ext
            _POLL_OK, _POLL_READ, _POLL_WRITE = ext.POLL_OK, ext.POLL_READ, ext.POLL_WRITE
            ext.set_wait_callback(wait_bounded)
            _installed = True


def _classes():
    import psycopg2.extensions
    import psycopg2.extras

    class BoundedCursor(psycopg2.extras.RealDictCursor):
        def execute(self, query, vars=None):
            deadlines.check(0, "a database statement")
            return super().execute(query, vars)

    class BoundedConnection(psycopg2.extensions.connection):
        """A connection whose waits are bounded by `wait_cap` (class default: while connecting)."""
        wait_cap = CONNECT_WAIT_S

        def __init__(self, dsn, *args, **kwargs):
            super().__init__(dsn, *args, **kwargs)
            self.wait_cap = STATEMENT_WAIT_S
            self.idle_since = time.time()

        def commit(self):
            deadlines.check(0, "a database commit")  # not sent: nothing was committed
            try:
                return super().commit()
            except Exception as exc:
                if isinstance(exc, DatabaseUnavailable) or self.closed:  # sent, no answer: the server knows
                    raise CommitUnknown(f"the commit's answer was lost: {type(exc).__name__}") from exc
                raise  # the server answered (a serialization failure, say): nothing was committed

    return BoundedConnection, BoundedCursor


_bounded = None


def connect(dsn: str, *, statement_timeout_ms=STATEMENT_TIMEOUT_MS):
    """A new connection (RealDictCursor rows) whose every wait is bounded; raises psycopg2 errors."""
    global _bounded
    import psycopg2
    install_wait_callback()
    if _bounded is None:
        _bounded = _classes()
    connection_class, cursor_class = _bounded
    options = f"-c statement_timeout={statement_timeout_ms}" if statement_timeout_ms else None
    return psycopg2.connect(dsn, connect_timeout=CONNECT_TIMEOUT_S, options=options,
                            application_name=APPLICATION_NAME,
                            connection_factory=connection_class, cursor_factory=cursor_class)


def _has_unread_input(conn) -> bool:
    """True when the server wrote to an idle connection: a FATAL before it closed, or the close itself."""
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN)
    return bool(poller.poll(0))


def ping(conn, wait: float = PING_WAIT_S) -> bool:
    """A bounded `SELECT 1` outside any transaction; False (and the connection closed) when it fails."""
    import psycopg2.extensions
    cap, conn.wait_cap = conn.wait_cap, wait
    try:
        conn.autocommit = True  # one round trip: no BEGIN/ROLLBACK around the SELECT
        # a plain cursor: Pool.get checked the deadline, and the wait itself is bounded by it
        with conn.cursor(cursor_factory=psycopg2.extensions.cursor) as cur:
            cur.execute("SELECT 1")
        return True
    except (psycopg2.Error, DatabaseUnavailable):
        if not conn.closed:
            conn.close()
        return False
    finally:
        if not conn.closed:
            conn.autocommit = False
            conn.wait_cap = cap


class Pool:
    """Idle connections kept for reuse; a dead one costs the user nothing (the next one is fresh)."""

    def __init__(self, dsn: str, max_idle: int = 8):
        self.dsn, self.max_idle = dsn, max_idle
        self._idle: list = []
        self._lock = threading.Lock()

    def get(self):
        """A live connection; raises DeadlineExceeded before trying when no time is left, psycopg2 errors."""
        deadlines.check(0, "a database connection")
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is not None:
            if self._usable(conn):
                return conn
            self.drop_idle()  # the server dropped one: it dropped the others with it
        return connect(self.dsn)

    @staticmethod
    def _usable(conn) -> bool:
        if conn.closed:
            return False
        # wall-clock time: a paused VM (a Lambda between invocations) may not advance the monotonic clock
        if _has_unread_input(conn) or abs(time.time() - conn.idle_since) > IDLE_CHECK_S:
            return ping(conn)
        return True

    def put(self, conn, broken: bool = False) -> None:
        """Take a connection back; a broken one is closed and, unless only a deadline cut it, the idle ones too."""
        if broken or conn.closed:
            if not conn.closed:
                conn.close()
            if not getattr(conn, "cut_by_deadline", False):
                self.drop_idle()
            return
        conn.idle_since = time.time()
        with self._lock:
            if len(self._idle) < self.max_idle:
                self._idle.append(conn)
                return
        conn.close()

    def drop_idle(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def idle_count(self) -> int:
        return len(self._idle)
