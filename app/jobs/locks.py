"""One run of a job (or of one shard of it) at a time: a PostgreSQL advisory lock on a short connection.

    with job_lock(runtime, "scan", shard=(0, 4)) as held:
        if not held:
            return "scan shard 1/4: still running from an earlier start; this run did nothing"

The lock lives on its own connection (not the pool's), opened for the run and closed at its end; a process
that dies (a Lambda timeout) drops the connection and PostgreSQL frees the lock at once. The connection sits
idle, outside any transaction, so it holds nothing else. Session locks need a session: behind PgBouncer
in transaction mode, point DATABASE_LOCK_URL at PostgreSQL itself (docs/scaling.md).
"""
import logging
import zlib
from contextlib import contextmanager

from ..db_pool import CONNECT_TIMEOUT_S
from ..errors import DatabaseUnavailable

log = logging.getLogger(__name__)

JOB_LOCK_SPACE = 7_143_202  # first key of every job lock (the migrations' lock is a one-key lock: no overlap)


def lock_key(job: str, shard=None) -> int:
    """The second key: a signed 32-bit digest of the job's name (and shard, shard count)."""
    name = job if shard is None else f"{job}/{shard[0]}/{shard[1]}"
    digest = zlib.crc32(name.encode())
    return digest - (1 << 32) if digest >= 1 << 31 else digest


@contextmanager
def job_lock(runtime, job: str, shard=None):
    """Yields True when this run holds the job's lock (for the block), False when another run holds it."""
    import psycopg2
    dsn = runtime.settings.get("DATABASE_LOCK_URL") or runtime.dsn
    try:
        conn = psycopg2.connect(dsn, connect_timeout=CONNECT_TIMEOUT_S, application_name=f"statussync lock {job}")
    except psycopg2.OperationalError as exc:
        raise DatabaseUnavailable(str(exc).strip().splitlines()[0] if str(exc).strip() else "unreachable") from exc
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(%s, %s)", (JOB_LOCK_SPACE, lock_key(job, shard)))
            held = bool(cur.fetchone()[0])
        if not held:
            log.info("%s job%s: an earlier run still holds its lock; nothing done", job, _shard_text(shard))
        yield held
    finally:
        _release(conn, job, shard)


def _release(conn, job, shard) -> None:
    """Unlock before closing: the server ends a closed session's backend a moment later, and a run that
    starts within that moment would find the lock still held."""
    import psycopg2
    try:
        if not conn.closed:
            with conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock_all()")
    except psycopg2.Error:  # the connection died; closing it frees the lock all the same
        log.debug("%s job%s: unlock failed; closing frees it", job, _shard_text(shard))
    finally:
        conn.close()


def _shard_text(shard) -> str:
    return "" if shard is None else f" shard {shard[0] + 1}/{shard[1]}"
