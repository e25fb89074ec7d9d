"""Every scheduled job killed midway (SIGKILL, a real process: `python -m app job NAME`) and run again.

The kill comes at a point the job has really reached: the fake Discord has seen its Nth request of the
job's kind (held there for a moment, after acting, so the job dies waiting for the answer: the hardest
spot), or, for jobs that only touch the database, the job's statement waits on a lock this test holds.
Then the job runs again as the schedule would run it, and each scenario checks that all its work is
done, none of it twice. A job added to the registry without a scenario here fails the coverage test.
"""
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg2
import pytest

from app import create_app, db, features, guild_settings, outbox
from app.jobs import run_job as run_in_process
from tests import interactions as ix
from tests.faults import resolved_member

ROOT = Path(__file__).resolve().parents[1]
GUILDS = ["812000000000000001", "812000000000000002", "812000000000000003"]
CHANNELS = ["822000000000000001", "822000000000000002", "822000000000000003"]
MEMBERS = ["862000000000000001", "862000000000000002", "862000000000000003"]
REWARD_ROLE, BOT_ROLE = "912000000000000001", "912000000000000020"
HOLD_S = 1.0  # how long the fake holds the answer of the request the kill waits for


@pytest.fixture
def fake_discord(own_discord):
    own_discord.forget_guilds()
    for guild, channel in zip(GUILDS, CHANNELS):
        own_discord.add_guild(guild, ix.OWNER_ID, roles=[{"id": REWARD_ROLE, "name": "Level 1", "position": 1},
                                                         {"id": BOT_ROLE, "name": "bot", "position": 20}])
        own_discord.add_member(guild, ix.BOT_ID, roles=[BOT_ROLE], bot=True)
        own_discord.add_channel(guild, channel, name="general")
        for member in MEMBERS:
            own_discord.add_member(guild, member)
    return own_discord


def job_env(settings) -> dict:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    env.update({key: settings[key] for key in ("DATABASE_URL", "DISCORD_APPLICATION_ID", "DISCORD_PUBLIC_KEY",
                                               "DISCORD_BOT_TOKEN", "DISCORD_API_BASE", "DISCORD_CDN_BASE",
                                               "SECRET_KEY")})
    return env


def kill_when(settings, name, reached, timeout=60.0) -> None:
    """Start `python -m app job NAME`; SIGKILL it the moment `reached()` is true; it must not finish first."""
    process = subprocess.Popen([sys.executable, "-m", "app", "job", name], cwd=ROOT, env=job_env(settings),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + timeout
    while not reached():
        assert process.poll() is None, f"{name} finished before the kill point: {process.communicate()}"
        assert time.monotonic() < end, f"{name} never reached the kill point"
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def run_to_end(settings, name) -> str:
    done = subprocess.run([sys.executable, "-m", "app", "job", name], cwd=ROOT, env=job_env(settings),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def nth_request(fake, method, path, n):
    """Kill point: the fake has seen the nth matching request (it holds the answers of the first n)."""
    fake.slow(method, path, HOLD_S, times=n)
    return lambda: len(fake.find(method, path)) >= n


def waiting_on_lock(url):
    """Kill point for database-only jobs: a backend of the app waits on a lock."""
    def reached():
        conn = psycopg2.connect(url)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'statussync' "
                            "AND wait_event_type = 'Lock'")
                return cur.fetchone()[0] > 0
        finally:
            conn.close()
    return reached


def rows(url, sql, *params):
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute(sql, params)
        found = cur.fetchall()
    conn.close()
    return found


def chat(n, author, at, channel):
    return {"id": str(952000000000000000 + n), "channel_id": channel, "content": f"hello {n}",
            "timestamp": at.isoformat(), "author": {"id": author, "username": "someone"}}


def no_job_running(url) -> None:
    """The killed run's server side is gone (its job lock with it): PostgreSQL ends a backend whose client
    died when it next reads from it, which for one blocked on a lock is once the lock is granted."""
    end = time.monotonic() + 15
    while rows(url, "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                    "WHERE l.locktype = 'advisory' AND d.datname = current_database()")[0][0]:
        assert time.monotonic() < end, "the killed job's lock was never released"
        time.sleep(0.05)


class Scenario:
    """reached: the kill point; rerun: what the schedule does next; check: everything done, once."""

    def __init__(self, reached, check, rerun=None, held=""):
        self.reached, self.check, self.held = reached, check, held
        self.rerun = rerun or (lambda: None)


def feed_xp(runtime, guild, channel, messages, now):
    from app.social import scan_consumer
    with runtime.transaction() as conn:
        scan_consumer.consume(runtime, conn, guild, channel, messages, now)


def expire(settings, runtime, fake, url, signing_key):
    past = datetime.now(timezone.utc) - timedelta(days=8)
    side = ix.DiscordSide(create_app({**settings, "CLOCK": lambda: past}).test_client(), signing_key, fake)
    for member in MEMBERS:
        side.send(ix.command("ban", [ix.opt("user", member, 6), ix.opt("duration", "7d")], guild_id=GUILDS[0],
                             user_id=ix.OWNER_ID, resolved=resolved_member(member)), timestamp=int(past.timestamp()))
    assert set(MEMBERS) <= set(fake.guild_bans(GUILDS[0]))

    def check():
        assert not set(MEMBERS) & set(fake.guild_bans(GUILDS[0]))
        unbans = rows(url, "SELECT user_id::text, count(*) FROM mod_cases WHERE action = 'unban' GROUP BY user_id")
        assert sorted(unbans) == [(member, 1) for member in sorted(MEMBERS)], unbans
    return Scenario(nth_request(fake, "DELETE", rf"/guilds/{GUILDS[0]}/bans/\d+", 2), check,
                    rerun=lambda: run_in_process(runtime, "audit"),
                    held="every due ban lifted, one unban case each (the one in flight settled by the audit job)")


def outbox_job(settings, runtime, fake, url, signing_key):
    bodies = [f"Case #{n} · Warn" for n in range(1, 6)]
    with runtime.transaction() as conn:
        for body in bodies:
            outbox.enqueue(conn, guild_id=GUILDS[0], channel_id=CHANNELS[0], body={"content": body},
                           now=datetime.now(timezone.utc), key=body)

    def after_the_lease():  # the killed run's claimed rows are the next run's once their lease is over
        real = runtime.clock
        runtime.clock = lambda: real() + outbox.LEASE + timedelta(minutes=1)
        try:
            run_in_process(runtime, "outbox")
        finally:
            runtime.clock = real

    def check():
        posted = [m["content"] for m in fake.channel_messages(CHANNELS[0])]
        assert sorted(posted) == sorted(bodies), posted
    return Scenario(nth_request(fake, "POST", rf"/channels/{CHANNELS[0]}/messages", 3), check, rerun=after_the_lease,
                    held="every waiting message posted exactly once (the one in flight kept by its nonce)")


def audit(settings, runtime, fake, url, signing_key):
    run_in_process(runtime, "audit")  # the first sync of a guild sets its cursor
    for guild, member in zip(GUILDS, MEMBERS):
        fake.add_audit_log_entry(guild, {"action_type": 22, "user_id": ix.OWNER_ID, "target_id": member,
                                         "reason": "raid"})

    def check():
        found = rows(url, "SELECT guild_id::text, user_id::text FROM mod_cases WHERE action = 'ban' ORDER BY 1")
        assert found == list(zip(GUILDS, MEMBERS)), found
    return Scenario(nth_request(fake, "GET", r"/guilds/\d+/audit-logs", 2), check,
                    held="every outside ban recorded, one case each")


def scan(settings, runtime, fake, url, signing_key):
    now = datetime.now(timezone.utc)
    with runtime.transaction() as conn:
        for guild, channel in zip(GUILDS, CHANNELS):
            db.run(conn, "automod.start_cursor", {"guild_id": int(guild), "channel_id": int(channel),
                                                  "last_message_id": 0, "now": now})
    for guild, channel in zip(GUILDS, CHANNELS):
        for member in MEMBERS:
            fake.add_message(channel, fake.next_snowflake(), member, f"hello from {member}")

    def check():
        counted = rows(url, "SELECT guild_id::text, user_id::text, message_count FROM user_xp ORDER BY 1, 2")
        assert counted == [(g, m, 1) for g in GUILDS for m in sorted(MEMBERS)], counted
    return Scenario(nth_request(fake, "GET", r"/channels/\d+/messages", 2), check,
                    held="every new message counted for XP exactly once")


def levelups(settings, runtime, fake, url, signing_key):
    now = datetime.now(timezone.utc)
    with runtime.transaction() as conn:
        guild_settings.update(conn, GUILDS[0], "xp", {"level_roles": [{"level": 1, "role_id": REWARD_ROLE}]}, now)
    for member in MEMBERS:
        feed_xp(runtime, GUILDS[0], CHANNELS[0], [chat(n + 10 * MEMBERS.index(member), member,
                                                       now - timedelta(hours=1) + timedelta(seconds=61 * n),
                                                       CHANNELS[0]) for n in range(7)], now)
    route = rf"/guilds/{GUILDS[0]}/members/\d+/roles/{REWARD_ROLE}"

    def check():
        assert all(REWARD_ROLE in fake.member(GUILDS[0], member)["roles"] for member in MEMBERS)
        grants = [r.path for r in fake.find("PUT", route)]
        assert sorted(set(grants)) == sorted(grants) or len(grants) <= len(MEMBERS) + 1  # one repeat at most
    return Scenario(nth_request(fake, "PUT", route, 2), check,
                    held="every reward role given (a repeated PUT is Discord-idempotent)")


def weekly(settings, runtime, fake, url, signing_key):
    now = datetime.now(timezone.utc)
    for guild, channel in zip(GUILDS, CHANNELS):
        with runtime.transaction() as conn:
            guild_settings.update(conn, guild, "xp", {"weekly_channel_id": channel}, now)
        feed_xp(runtime, guild, channel, [chat(GUILDS.index(guild), MEMBERS[0], now - timedelta(days=7), channel)], now)

    def check():
        for channel in CHANNELS:
            posts = [m for m in fake.channel_messages(channel) if "Weekly XP leaderboard" in m["content"]]
            assert len(posts) == 1, (channel, posts)
    return Scenario(nth_request(fake, "POST", r"/channels/\d+/messages", 2), check,
                    held="every guild's finished week closed and announced exactly once")


def _locked(url, table):
    """A transaction of the test's holding `table`: the job's statement on it waits."""
    conn = psycopg2.connect(url)
    with conn.cursor() as cur:
        cur.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    return conn


def premium(settings, runtime, fake, url, signing_key):
    from app.jobs.premium import grant
    from app.runtime import Runtime
    past = Runtime({**settings, "CLOCK": lambda: datetime.now(timezone.utc) - timedelta(days=3)})
    for guild in GUILDS:
        grant(past, guild, "pro", days=1)
    lock = _locked(url, "premium_subscriptions")

    def check():
        assert rows(url, "SELECT guild_id::text, status FROM premium_subscriptions ORDER BY 1") == \
            [(guild, "expired") for guild in GUILDS]
    return Scenario(waiting_on_lock(url), check, held="every lapsed tier expired", rerun=None), lock


def prune(settings, runtime, fake, url, signing_key):
    with runtime.transaction() as conn, conn.cursor() as cur:
        for n in range(5):
            cur.execute("INSERT INTO processed_interactions (interaction_id, received_at) "
                        "VALUES (%s, now() - interval '3 days')", (int(ix.snowflake()) + n,))
        cur.execute("INSERT INTO processed_interactions (interaction_id, received_at) VALUES (%s, now())",
                    (int(ix.snowflake()) + 99,))
    lock = _locked(url, "processed_interactions")

    def check():
        assert rows(url, "SELECT count(*) FROM processed_interactions") == [(1,)]  # the recent one kept
    return Scenario(waiting_on_lock(url), check, held="every old interaction id forgotten, the recent kept"), lock


SCENARIOS = {"expire": expire, "outbox": outbox_job, "audit": audit, "scan": scan, "levelups": levelups,
             "weekly": weekly, "premium": premium, "prune": prune}


def test_every_registered_job_has_a_kill_scenario():
    assert set(features.jobs()) == set(SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_job_killed_midway_then_run_again_does_all_its_work_once(name, settings, runtime, fake_discord,
                                                                   clean_db, signing_key, reliability):
    scenario = SCENARIOS[name](settings, runtime, fake_discord, clean_db, signing_key)
    scenario, lock = scenario if isinstance(scenario, tuple) else (scenario, None)
    try:
        kill_when(settings, name, scenario.reached)
    finally:
        if lock is not None:
            lock.rollback()
            lock.close()
    no_job_running(clean_db)
    with pytest.raises(AssertionError):  # killed midway: its work is not all done yet
        scenario.check()
    run_to_end(settings, name)
    scenario.rerun()
    scenario.check()
    reliability.record("Faults", f"job `{name}` SIGKILLed midway, run again", 1, scenario.held, unit="kill")
