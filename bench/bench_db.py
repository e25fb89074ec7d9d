"""What bounded database waits and the pooled-connection check cost on the hot path.

Prints p50/p99 of: `SELECT 1` on a blocking psycopg2 connection (no wait callback), with psycopg2's own
wait_select, with app.db_pool.wait_bounded (with and without a deadline set); one acquire+release from
the pool (the no-ping path: a readability poll), and the ping a connection idle past IDLE_CHECK_S gets.
Run from the repository root: python bench/bench_db.py [--iterations N]
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import measure, throwaway_database  # noqa: E402


def select_one(conn):
    def run():
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=5000)
    args = parser.parse_args()
    import psycopg2
    import psycopg2.extensions
    import psycopg2.extras

    from app import db, db_pool, deadlines

    rows = []
    with throwaway_database() as url:
        psycopg2.extensions.set_wait_callback(None)
        plain = psycopg2.connect(url)
        plain.autocommit = True
        rows.append(("SELECT 1, blocking libpq (no callback)", measure(select_one(plain), args.iterations)))
        psycopg2.extensions.set_wait_callback(psycopg2.extras.wait_select)
        green = psycopg2.connect(url)
        green.autocommit = True
        rows.append(("SELECT 1, psycopg2.extras.wait_select", measure(select_one(green), args.iterations)))
        db_pool._installed = False  # bench only: put ours back after the two baselines
        db_pool.install_wait_callback()
        bounded = db_pool.connect(url)
        bounded.autocommit = True
        rows.append(("SELECT 1, wait_bounded", measure(select_one(bounded), args.iterations)))

        def under_deadline():
            with deadlines.within(2.0):
                select_one(bounded)()
        rows.append(("SELECT 1, wait_bounded under a deadline", measure(under_deadline, args.iterations)))

        def acquire_release():
            db.release(url, db.acquire(url))
        rows.append(("pool acquire+release (no ping)", measure(acquire_release, args.iterations)))
        rows.append(("ping (idle > IDLE_CHECK_S)", measure(lambda: db_pool.ping(bounded), args.iterations)))
        for conn in (plain, green, bounded):
            conn.close()
    print(f"{'':48} {'p50 ms':>8} {'p99 ms':>8}")
    for name, (p50, p99) in rows:
        print(f"{name:48} {p50:8.3f} {p99:8.3f}")


if __name__ == "__main__":
    main()
