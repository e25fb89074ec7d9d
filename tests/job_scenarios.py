"""The work each scheduled job finds, where it is killed, and how to tell it was all done once
(tests/test_faults_jobs.py kills and reruns; a new job in the registry needs a scenario here)."""
from datetime import datetime, timedelta, timezone

import psycopg2

from app import create_app, db, guild_settings, outbox
from app.jobs import run_job as run_in_process
from tests import interactions as ix
from tests.faults import resolved_member

GUILDS = ["812000000000000001", "812000000000000002", "812000000000000003"]
CHANNELS = ["822000000000000001", "822000000000000002", "822000000000000003"]
MEMBERS = ["862000000000000001", "862000000000000002", "862000000000000003"]
REWARD_ROLE, BOT_ROLE = "912000000000000001", "912000000000000020"
HOLD_S = 1.0  # how long the fake holds the answer of the request the kill waits for


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


class Scenario:
    """reached: the kill point; rerun: what the schedule does next; check: everything done, once."""

    def __init__(self, reached, check, rerun=None, held="", lock=None):
        self.reached, self.check, self.held, self.lock = reached, check, held, lock
        self.rerun = rerun or (lambda: None)

    def release(self) -> None:
        """The lock a database-only job waited on, released once the job is dead."""
        if self.lock is not None:
            self.lock.rollback()
            self.lock.close()


def later(runtime, by: timedelta, name: str) -> str:
    """A run of the job `by` from now, as the schedule's next run would be (its clock moved, in process)."""
    real = runtime.clock
    runtime.clock = lambda: real() + by
    try:
        return run_in_process(runtime, name)
    finally:
        runtime.clock = real


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
        later(runtime, outbox.LEASE + timedelta(minutes=1), "outbox")

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
    return Scenario(waiting_on_lock(url), check, held="every lapsed tier expired", lock=lock)


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
    return Scenario(waiting_on_lock(url), check, held="every old interaction id forgotten, the recent kept", lock=lock)


def backups(settings, runtime, fake, url, signing_key):
    now = datetime.now(timezone.utc)
    with runtime.transaction() as conn:
        for guild in GUILDS:  # a weekly schedule (the free tier's shortest), none made yet: due now
            guild_settings.update(conn, guild, "backups", {"interval_hours": 168}, now)

    def check():
        made = rows(url, "SELECT guild_id::text, count(*) FROM backups WHERE origin = 'scheduled' GROUP BY 1 ORDER BY 1")
        assert made == [(guild, 1) for guild in GUILDS], made
    return Scenario(nth_request(fake, "GET", r"/guilds/\d+/channels", 2), check,
                    held="every due guild backed up, exactly one scheduled backup each")


def cc_sync(settings, runtime, fake, url, signing_key):
    side = ix.DiscordSide(create_app(settings).test_client(), signing_key, fake)
    for guild in GUILDS:  # Discord fails each registration: left pending for the job
        fake.queue("POST", rf"/applications/{ix.BOT_ID}/guilds/{guild}/commands", 502,
                   {"message": "Bad Gateway", "code": 0})
        side.send(ix.command("cc", [ix.sub("add", ix.opt("name", "faq"), ix.opt("response", "Read the pins."))],
                             guild_id=guild))
    with runtime.transaction() as conn, conn.cursor() as cur:  # past the grace an answer in flight gets
        cur.execute("UPDATE custom_commands SET attempted_at = now() - interval '10 minutes', "
                    "updated_at = now() - interval '10 minutes'")
    assert rows(url, "SELECT count(*) FROM custom_commands WHERE state = 'pending'") == [(3,)]
    route = rf"/applications/{ix.BOT_ID}/guilds/\d+/commands"

    def check():
        assert all([c["name"] for c in fake.commands(guild)] == ["faq"] for guild in GUILDS), \
            [fake.commands(guild) for guild in GUILDS]
        assert rows(url, "SELECT state, count(*) FROM custom_commands GROUP BY 1") == [("registered", 3)]
    def after_the_grace():  # the one in flight when killed is the next run's once its answer can't still come
        from app.custom import pending
        later(runtime, pending.GRACE + timedelta(minutes=1), "cc_sync")

    return Scenario(nth_request(fake, "POST", route, 3 + 2), check, rerun=after_the_grace,  # 3 failed adds first
                    held="every unconfirmed custom command registered on Discord exactly once (the one in flight "
                         "adopted from Discord's list)")


SCENARIOS = {"backups": backups, "cc_sync": cc_sync, "expire": expire, "outbox": outbox_job, "audit": audit, "scan": scan, "levelups": levelups,
             "weekly": weekly, "premium": premium, "prune": prune}
