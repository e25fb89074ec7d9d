"""Backups of a 200-channel, 100-role server against the fake Discord: Discord calls made against the
minimum the diff needs, wall time at a per-route rate limit, and the document's size.

    python bench/bench_backups.py [--rate 5/1] [--budget 40]

--rate N/S: every write route's bucket allows N requests per S seconds in the fake (Discord publishes no
figures for guild-structure routes; ~5 per second per route is what its headers commonly show, the fake's
default is 50/1). The restore runs in links of --budget seconds each, as on Lambda (JOB_BUDGET_SECONDS).
Uses DATABASE_URL / TEST_DATABASE_URL (or postgresql://postgres@127.0.0.1:5432/postgres) for a throwaway database.
"""
import argparse
import time
from collections import Counter

from _common import throwaway_database

from app import create_app
from app.backups import document as doc, links, restore, service
from sandbox.discord import FakeDiscord
from tests import interactions as ix

SOURCE, CLONE = ix.GUILD_ID, "810000000000000555"
VIEW, SEND, KICK, ADMIN, MANAGE = 1 << 10, 1 << 11, 1 << 1, 1 << 3, (1 << 4) | (1 << 5) | (1 << 28)
WRITES = ("POST", "PATCH", "PUT", "DELETE")


def big_server(fake, guild_id, roles=100, categories=20, channels=180):
    fake.add_guild(guild_id, ix.OWNER_ID, name="Big")
    fake.add_role(guild_id, "StatusSync", permissions=VIEW | SEND | KICK | MANAGE, position=roles + 5, members=[ix.BOT_ID])
    made = [fake.add_role(guild_id, f"role {n}", permissions=(VIEW | SEND) if n % 3 else 0, position=n + 1,
                          color=n * 1000, hoist=n % 10 == 0) for n in range(roles - 1)]
    cats = [fake.add_guild_channel(guild_id, f"Category {n}", type=4, position=n) for n in range(categories)]
    for n in range(channels):
        overwrites = [{"id": made[n % len(made)]["id"], "type": 0, "allow": str(VIEW | SEND), "deny": "0"},
                      {"id": guild_id, "type": 0, "allow": "0", "deny": str(SEND)}]
        fake.add_guild_channel(guild_id, f"channel-{n}", type=2 if n % 9 == 0 else 0, position=n % 9,
                               parent_id=cats[n % categories]["id"], permission_overwrites=overwrites,
                               topic=None if n % 9 == 0 else f"Topic {n} <@&{made[n % len(made)]['id']}>")
    return made


def writes(fake, since=0):
    return Counter(f"{r.method} {r.path.split('/')[1]}/{'…/' + r.path.split('/')[3] if r.path.count('/') > 2 else ''}"
                   for r in fake.requests[since:] if r.method in WRITES and not r.path.startswith("/webhooks/"))


def restore_all(runtime, guild_id, backup_id, parts="all"):
    """Preview, confirm and run links until done: (Plan, links, seconds, skipped items)."""
    now = runtime.clock()
    with runtime.connection() as conn:
        restore_id, plan = service.preview_restore(conn, runtime.discord, guild_id=guild_id, backup_id=backup_id,
                                                   parts=parts, invoker_id=ix.OWNER_ID, invoker_bits=ADMIN, now=now)
        conn.commit()
        if plan.empty:
            return plan, 0, 0.0, 0
        service.start_restore(conn, runtime.discord, guild_id=guild_id, restore_id=restore_id, invoker_bits=ADMIN,
                              now=now)
        started, link = time.monotonic(), 0
        while True:
            link += 1
            if links.run_link(runtime, conn, guild_id, restore_id, link).state == "done":
                seconds = time.monotonic() - started
                return plan, link, seconds, restore.progress(conn, guild_id, restore_id)["report"]["skipped"]


def minimum(plan) -> int:
    """One call per object to create or change: what any restore of this diff needs (a reorder aside)."""
    return len(plan.create) + len(plan.change)


def report(title, fake, since, plan, links, seconds, skipped):
    made = writes(fake, since)
    reads = sum(1 for r in fake.requests[since:] if r.method == "GET")
    print(f"{title}: {sum(made.values())} writes + {reads} reads in {links} link(s), {seconds:.1f} s; "
          f"the diff's minimum is {minimum(plan)} writes")
    for route, n in sorted(made.items()):
        print(f"    {n:4d}  {route}")
    print(f"    skipped: {len(skipped)}" + "".join(f"\n      {label}: {why}" for label, why in skipped[:5]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", default="5/1", help="requests/seconds per write route bucket")
    parser.add_argument("--budget", default="40", help="seconds per link (JOB_BUDGET_SECONDS)")
    args = parser.parse_args()
    limit, per = (float(x) for x in args.rate.split("/"))
    fake = FakeDiscord(application_id=ix.BOT_ID, bot_token="bench-token").start()
    try:
        with throwaway_database() as url:
            app = create_app({"DATABASE_URL": url, "DISCORD_APPLICATION_ID": ix.BOT_ID, "DISCORD_BOT_TOKEN": "bench-token",
                              "DISCORD_PUBLIC_KEY": "00" * 32, "DISCORD_API_BASE": fake.base_url, "SECRET_KEY": "x",
                              "JOB_BUDGET_SECONDS": args.budget})
            runtime = app.extensions["statussync"]
            run(fake, runtime, limit, per)
    finally:
        fake.stop()


def run(fake, runtime, limit, per):
    made = big_server(fake, SOURCE)
    with runtime.connection() as conn:
        started = time.perf_counter()
        backup_id = service.create(conn, runtime.discord, guild_id=SOURCE, note="bench", author_id=ix.OWNER_ID,
                                   now=runtime.clock())
        conn.commit()
        took = time.perf_counter() - started
        row = service.get(conn, SOURCE, backup_id)
        conn.rollback()
    counts = doc.counts(row["document"])
    print(f"create: {counts['roles']} roles, {counts['categories']} categories, {counts['channels']} channels in "
          f"{took * 1000:.0f} ms, 2 Discord calls; document {row['size_bytes'] / 1000:.1f} KB "
          f"({len(doc.encode(row['document'])) / 1000:.1f} KB as exported)")
    for method in WRITES:
        fake.limits.set_limit(method, r"/(guilds|channels)/.*", limit, per)
    print(f"rate limit: {limit:g} requests per {per:g} s per write route (and per guild / channel)")

    for role in made[:10]:
        fake.remove_role(SOURCE, role["id"])
    gone = [c for c in fake.channels(SOURCE) if c["type"] != 4][:20]
    for channel in gone:
        fake.remove_channel(channel["id"])
    since = len(fake.requests)
    report("partial restore (10 roles, 20 channels deleted)", fake, since, *restore_all(runtime, SOURCE, backup_id))

    since = len(fake.requests)
    plan, links, seconds, calls = restore_all(runtime, SOURCE, backup_id)
    print(f"restore again: {'nothing to do' if plan.empty else 'NOT EMPTY'}, "
          f"{sum(writes(fake, since).values())} writes")

    fake.add_guild(CLONE, ix.OWNER_ID, name="Clone")
    fake.add_role(CLONE, "StatusSync", permissions=VIEW | SEND | KICK | MANAGE, position=1, members=[ix.BOT_ID])
    with runtime.connection() as conn:
        clone_id = service.import_document(conn, guild_id=CLONE, data=service.export(conn, SOURCE, backup_id),
                                           note="clone", author_id=ix.OWNER_ID, now=runtime.clock())
        conn.commit()
    since = len(fake.requests)
    report("clone onto an empty server", fake, since, *restore_all(runtime, CLONE, clone_id))
    print("    (role PATCHes after the creates are by design: permissions once the order is in place)")


if __name__ == "__main__":
    main()
