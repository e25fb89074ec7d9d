"""/leaderboard and /rank queries at 10,000 and 1,000,000 XP rows across 1,000 guilds.

Targets: p95 <= 10 ms at 1,000,000 rows, and no more than 2x the time at 10,000 rows (the
queries walk the (guild_id, xp DESC, user_id) indexes instead of scanning the table).
Run from the repository root: python bench/bench_social.py [--runs N]
"""
import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import throwaway_database  # noqa: E402

GUILDS = 1000
NOW = datetime(2024, 5, 15, 12, 0, tzinfo=timezone.utc)


def fill(url, rows: int) -> None:
    """`rows` members spread over GUILDS guilds, all-time and this week's XP, then statistics."""
    import psycopg2

    from app.social.xp import week_start

    conn = psycopg2.connect(url)  # not a pooled one: those stop statements after 2.5 s
    with conn.cursor() as cur:
        cur.execute("TRUNCATE user_xp, user_xp_weekly")
        cur.execute("""
            INSERT INTO user_xp (guild_id, user_id, xp, level, message_count)
            SELECT 1000 + i %% %(guilds)s, 5000000000 + i, (random() * 200000)::bigint, 0, 0
            FROM generate_series(1, %(rows)s) AS i""", {"guilds": GUILDS, "rows": rows})
        cur.execute("""
            INSERT INTO user_xp_weekly (guild_id, week_start, user_id, xp)
            SELECT guild_id, %(week)s, user_id, xp / 40 FROM user_xp""", {"week": week_start(NOW)})
    conn.commit()
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE user_xp, user_xp_weekly")
    conn.close()


def p95(samples: list) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95)] * 1000


def measure(conn, runs: int) -> dict:
    from app import db
    from app.social import leaderboard

    members = db_sample(conn, runs)
    cases = {
        "leaderboard all-time p1": lambda g, u: leaderboard.page(conn, g, "all", 1, NOW),
        "leaderboard weekly p1": lambda g, u: leaderboard.page(conn, g, "weekly", 1, NOW),
        "leaderboard all-time p5": lambda g, u: leaderboard.page(conn, g, "all", 5, NOW),
        "rank query (count ahead)": lambda g, u: db.one(conn, "xp.rank", {"guild_id": g, "user_id": u[0], "xp": u[1]}),
        "rank card figures": lambda g, u: leaderboard.standing(conn, g, u[0], NOW),
    }
    results = {}
    for label, run in cases.items():
        for guild, member in members[:50]:  # warm the cache as a running server would be
            run(guild, member)
        samples = []
        for guild, member in members:
            started = time.perf_counter()
            run(guild, member)
            samples.append(time.perf_counter() - started)
        conn.rollback()
        results[label] = p95(samples)
    return results


def db_sample(conn, runs: int) -> list:
    with conn.cursor() as cur:
        cur.execute("SELECT guild_id, user_id, xp FROM user_xp TABLESAMPLE SYSTEM (50) LIMIT 20000")
        rows = cur.fetchall()
    conn.rollback()
    rng = random.Random(5)
    return [(row["guild_id"], (row["user_id"], row["xp"])) for row in rng.sample(rows, min(runs, len(rows)))]


def explain_rank(conn) -> str:
    with conn.cursor() as cur:
        cur.execute("EXPLAIN SELECT count(*) FROM user_xp WHERE guild_id = 1500 AND xp > 1000")
        plan = " / ".join(row["QUERY PLAN"].strip() for row in cur.fetchall())
    conn.rollback()
    return plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1000)
    runs = parser.parse_args().runs
    from app import db

    with throwaway_database() as url:
        conn = db.acquire(url)
        figures = {}
        for rows in (10_000, 1_000_000):
            started = time.perf_counter()
            fill(url, rows)
            print(f"{rows:>9,} rows over {GUILDS:,} guilds generated in {time.perf_counter() - started:.1f} s")
            figures[rows] = measure(conn, runs)
        print(f"rank plan: {explain_rank(conn)}")
        db.release(url, conn)
    print(f"\n{'query':28} {'10k p50':>8} {'10k p95':>8} {'1M p50':>8} {'1M p95':>8} {'ratio':>6}  ({runs} runs, ms)")
    failed = False
    for label in figures[10_000]:
        small, large = figures[10_000][label], figures[1_000_000][label]
        ratio = large[1] / small[1]
        ok = large[1] <= 10 and ratio <= 2
        failed |= not ok
        print(f"{label:28} {small[0]:8.2f} {small[1]:8.2f} {large[0]:8.2f} {large[1]:8.2f} {ratio:6.2f}"
              f"  {'ok' if ok else 'MISSED'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
