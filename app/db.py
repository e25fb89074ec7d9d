"""PostgreSQL: pooled connections, named queries from sql/queries, ordered migrations from sql/migrations."""
import re
import threading
from contextlib import contextmanager
from pathlib import Path

from .db_pool import CONNECT_TIMEOUT_S, STATEMENT_TIMEOUT_MS, Pool  # noqa: F401  (re-exported)
from .errors import DatabaseUnavailable  # noqa: F401  (re-exported for callers)

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
MIGRATIONS_DIR = SQL_DIR / "migrations"
QUERIES_DIR = SQL_DIR / "queries"
MIGRATION_LOCK_ID = 7_143_201

_pools: dict = {}
_pools_lock = threading.Lock()
_queries: dict = {}

# ---------------------------------------------------------------- connections
# psycopg2 is imported inside the functions that use it: a cold start answering PING never needs it.
# Every wait on the server is bounded (app/db_pool.py): a hung server raises DatabaseUnavailable in time.


def _pool(dsn: str) -> Pool:
    pool = _pools.get(dsn)
    if pool is None:
        with _pools_lock:
            pool = _pools.setdefault(dsn, Pool(dsn))
    return pool


def _unavailable(exc) -> DatabaseUnavailable:
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreachable"
    return DatabaseUnavailable(first_line)


def acquire(dsn: str):
    """A live pooled connection; raises DatabaseUnavailable instead of psycopg2 errors.

    Raises DeadlineExceeded (app.deadlines) when the current deadline has already passed.
    """
    import psycopg2
    try:
        return _pool(dsn).get()
    except psycopg2.OperationalError as exc:
        raise _unavailable(exc) from exc


def release(dsn: str, conn) -> None:
    """Give a connection back: rolled back if a transaction is open, dropped (with the idle ones) if dead."""
    import psycopg2
    import psycopg2.extensions
    broken = bool(conn.closed)
    if not broken:
        try:
            if conn.status != psycopg2.extensions.STATUS_READY:
                conn.rollback()
        except (psycopg2.Error, DatabaseUnavailable):
            broken = True
    _pool(dsn).put(conn, broken=broken)


@contextmanager
def connection(dsn: str):
    """A pooled connection for the block; the caller commits."""
    import psycopg2
    conn = acquire(dsn)
    try:
        yield conn
    except psycopg2.OperationalError as exc:
        raise _unavailable(exc) from exc
    finally:
        release(dsn, conn)


@contextmanager
def transaction(dsn: str):
    """A pooled connection inside one transaction: committed on success, rolled back on error."""
    with connection(dsn) as conn:
        try:
            yield conn
            conn.commit()
        except BaseException:
            if not conn.closed:
                conn.rollback()
            raise


def close_pools() -> None:
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.drop_idle()


# ---------------------------------------------------------------- named queries

_NAME_LINE = re.compile(r"^--\s*name:\s*([\w-]+)\s*$", re.MULTILINE)


def _load_query_file(path: Path) -> dict:
    text = path.read_text()
    parts = _NAME_LINE.split(text)
    return {name.replace("-", "_"): body.strip() for name, body in zip(parts[1::2], parts[2::2])}


def sql(name: str) -> str:
    """The text of `file.query` from sql/queries/file.sql (a `-- name: query` block)."""
    text = _queries.get(name)
    if text is None:
        file, _, query = name.partition(".")
        for key, body in _load_query_file(QUERIES_DIR / f"{file}.sql").items():
            _queries[f"{file}.{key}"] = body
        text = _queries.get(name)
        if text is None:
            raise KeyError(f"no query {query!r} in sql/queries/{file}.sql")
    return text


def one(conn, name: str, params=None):
    with conn.cursor() as cur:
        cur.execute(sql(name), params or {})
        return cur.fetchone()


def all_rows(conn, name: str, params=None) -> list:
    with conn.cursor() as cur:
        cur.execute(sql(name), params or {})
        return cur.fetchall()


def run(conn, name: str, params=None) -> int:
    with conn.cursor() as cur:
        cur.execute(sql(name), params or {})
        return cur.rowcount


# ---------------------------------------------------------------- migrations

def migration_files() -> list:
    return sorted(p for p in MIGRATIONS_DIR.glob("*.sql") if re.match(r"^\d{3}_", p.name))


def applied_migrations(conn) -> set:
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('schema_migrations') AS t")
        if cur.fetchone()["t"] is None:
            return set()
        cur.execute("SELECT version FROM schema_migrations")
        return {row["version"] for row in cur.fetchall()}


def migrate(dsn: str, log=print) -> list:
    """Apply pending migrations in order, each in its own transaction; returns the versions applied."""
    from . import db_pool
    applied_now = []
    conn = db_pool.connect(dsn, statement_timeout_ms=None)
    conn.wait_cap = None  # connecting is bounded; a migration's statements may take as long as they take
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_ID,))
            cur.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                        " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
        conn.commit()
        done = applied_migrations(conn)
        for path in migration_files():
            version = path.stem
            if version in done:
                continue
            with conn.cursor() as cur:
                cur.execute(path.read_text())
                cur.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (version,))
            conn.commit()
            applied_now.append(version)
            log(f"applied migration {version}")
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_ID,))
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.close()
    return applied_now


def pending_migrations(conn) -> list:
    done = applied_migrations(conn)
    return [p.stem for p in migration_files() if p.stem not in done]
