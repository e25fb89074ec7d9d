"""Shared bench helpers: a throwaway database, signing, percentiles."""
import os
import statistics
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SERVER_URL = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or \
    "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def throwaway_database():
    """A migrated database that is dropped afterwards."""
    import psycopg2

    from app import db
    name = f"statussync_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(SERVER_URL)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(SERVER_URL)._replace(path=f"/{name}"))
    try:
        db.migrate(url, log=lambda line: None)
        yield url
    finally:
        db.close_pools()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def signed_headers(signing_key, body: bytes) -> dict:
    timestamp = str(int(time.time()))
    return {"Content-Type": "application/json", "X-Signature-Timestamp": timestamp,
            "X-Signature-Ed25519": signing_key.sign(timestamp.encode() + body).signature.hex()}


def percentiles(samples_s: list) -> tuple:
    ordered = sorted(samples_s)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return p50 * 1000, p99 * 1000


def measure(fn, iterations: int, warmup: int = 200) -> tuple:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return percentiles(samples)
