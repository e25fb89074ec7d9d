"""/warn end to end, in-process: signed request → app.test_client() → case row → mod-log post at a fake
Discord on loopback. Prints p50 and p99; the target is p50 ≤ 5 ms.

    python bench/bench_moderation.py [--runs 300]

Uses DATABASE_URL / TEST_DATABASE_URL (or postgresql://postgres@127.0.0.1:5432/postgres) to create and drop
its own throwaway database.
"""
import argparse
import json
import time
from datetime import datetime, timezone

from _common import percentiles, throwaway_database
from nacl.signing import SigningKey

from app import create_app, db, guild_settings
from tests import interactions as ix
from sandbox.discord import FakeDiscord

MODLOG, MOD_ROLE, LOW_ROLE, BOT_ROLE = "860000000000000006", "700000000000000005", "700000000000000001", "700000000000000020"


def fake_guild(fake):
    roles = [{"id": LOW_ROLE, "name": "low", "position": 1}, {"id": MOD_ROLE, "name": "mod", "position": 5},
             {"id": BOT_ROLE, "name": "bot", "position": 20}]
    fake.add_guild(ix.GUILD_ID, ix.OWNER_ID, roles=roles)
    fake.add_member(ix.GUILD_ID, ix.BOT_ID, roles=[BOT_ROLE], bot=True)
    fake.add_member(ix.GUILD_ID, ix.MOD_ID, roles=[MOD_ROLE])
    member = fake.add_member(ix.GUILD_ID, ix.MEMBER_ID, roles=[LOW_ROLE])
    fake.add_channel(ix.GUILD_ID, MODLOG, name="mod-log")
    return member


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    fake = FakeDiscord(application_id=ix.BOT_ID, bot_token="bench-token").start()
    try:
        with throwaway_database() as url:
            measure_warn(fake, url, args.runs)
    finally:
        fake.stop()


def moderation_app(fake, url):
    """(app, Discord's side, `resolved` for the member): the app on the fake guild, mod log configured."""
    member = fake_guild(fake)
    key = SigningKey.generate()
    app = create_app({"DATABASE_URL": url, "DISCORD_APPLICATION_ID": ix.BOT_ID, "DISCORD_BOT_TOKEN": "bench-token",
                      "DISCORD_PUBLIC_KEY": key.verify_key.encode().hex(), "DISCORD_API_BASE": fake.base_url,
                      "DISCORD_CDN_BASE": fake.cdn_url, "SECRET_KEY": "bench"})
    with db.transaction(url) as conn:
        guild_settings.update(conn, ix.GUILD_ID, "modlog", {"channel_id": MODLOG}, datetime.now(timezone.utc))
    resolved = {"users": {ix.MEMBER_ID: member["user"]},
                "members": {ix.MEMBER_ID: {k: v for k, v in member.items() if k != "user"}}}
    return app, ix.DiscordSide(app.test_client(), key, fake), resolved


def measure_warn(fake, url, runs):
    app, side, resolved = moderation_app(fake, url)
    timings = []
    for i in range(runs + 20):
        body = json.dumps(ix.command("warn", [ix.opt("user", ix.MEMBER_ID, 6), ix.opt("reason", f"bench {i}")],
                                     permissions=1 << 40, roles=[MOD_ROLE], resolved=resolved)).encode()
        started = time.perf_counter()
        response = side.post(body)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200 and "Warned" in response.get_data(as_text=True), response.get_data()
        if i >= 20:  # warm-up: connection pool, imports, query cache
            timings.append(elapsed * 1000)
    with db.connection(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) AS n FROM mod_cases")
        recorded = cur.fetchone()["n"]
    posts = len(fake.find("POST", rf"/channels/{MODLOG}/messages"))
    timings.sort()
    p50, p99 = percentiles([t / 1000 for t in timings])
    print(f"/warn end to end: {len(timings)} runs, p50 {p50:.2f} ms, p99 {p99:.2f} ms "
          f"(target p50 ≤ 5 ms: {'met' if p50 <= 5 else 'missed'}); {recorded} cases, {posts} mod-log posts")


if __name__ == "__main__":
    main()
