"""Discord calls per scan for a simulated guild of 200 channels, against the fake Discord.

An idle guild should cost 1 call (the channel list); k active channels 1 + k (+ extra pages).
Run: python bench/bench_scan.py
"""
import time
from datetime import datetime, timezone

from _common import throwaway_database

from app.automod.store import save_rule
from app.jobs.scan import scan
from app.runtime import Runtime
from sandbox.discord import FakeDiscord

GUILD, OWNER, MEMBER = "810000000000000001", "830000000000000003", "850000000000000005"
CHANNELS = [str(880000000000000000 + n) for n in range(200)]


def guild_calls(fake):
    return len([r for r in fake.requests if r.path != "/users/@me/guilds"])


def run_scan(runtime, fake):
    fake.reset()
    started = time.perf_counter()
    scan(runtime)
    return guild_calls(fake), (time.perf_counter() - started) * 1000


def main():
    with throwaway_database() as url, FakeDiscord() as fake:
        runtime = Runtime({"DATABASE_URL": url, "DISCORD_API_BASE": fake.base_url, "DISCORD_BOT_TOKEN": fake.bot_token,
                           "DISCORD_APPLICATION_ID": fake.application_id, "SCAN_CONSUMERS": []})
        fake.add_guild(GUILD, OWNER)
        for channel in CHANNELS:
            fake.add_channel(GUILD, channel)
            fake.add_message(channel, fake.next_snowflake(), MEMBER, "before the bot watched")
        with runtime.transaction() as conn:
            save_rule(conn, GUILD, {"type": "caps"}, datetime.now(timezone.utc))
        rows = [("first scan (cursors start at now)", *run_scan(runtime, fake), 1),
                ("idle guild", *run_scan(runtime, fake), 1)]
        for k in (1, 10, 50):
            for channel in CHANNELS[:k]:
                fake.add_message(channel, fake.next_snowflake(), MEMBER, "a quiet message")
            rows.append((f"{k} active channel(s)", *run_scan(runtime, fake), 1 + k))
        for _ in range(250):
            fake.add_message(CHANNELS[0], fake.next_snowflake(), MEMBER, "busy")
        rows.append(("1 channel with 250 new messages", *run_scan(runtime, fake), 1 + 3))
        print(f"Discord calls per scan, guild of {len(CHANNELS)} text channels (plus 1 call per run to list guilds)")
        print(f"{'case':38} {'calls':>6} {'target':>7} {'ms':>8}")
        for name, calls, ms, target in rows:
            print(f"{name:38} {calls:6d} {target:7d} {ms:8.1f}")


if __name__ == "__main__":
    main()
