"""XP from scanned messages, level-up rewards at the fake Discord, and the weekly rollover job."""
import random
from urllib.parse import unquote
from datetime import date, datetime, timedelta, timezone

import psycopg2
import pytest

from app import create_app, guild_settings
from app.jobs import JOBS, load_jobs
from app.social import scan_consumer
from tests import interactions as ix
from tests import spec

SEED = 20240515
WEDNESDAY = datetime(2024, 5, 15, 12, 0, tzinfo=timezone.utc)
ALICE, BOB, BOT_USER = "860000000000000006", "870000000000000007", "890000000000000009"
REWARD_ROLE, LEVEL_CHANNEL = "910000000000000001", "920000000000000002"


class Clock:
    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


@pytest.fixture
def clock():
    return Clock(WEDNESDAY)


@pytest.fixture
def app(settings, clock):
    settings["RNG"] = random.Random(SEED)
    settings["CLOCK"] = clock
    return create_app(settings)


def message(number, author, at, bot=False):
    return {"id": str(950000000000000000 + number), "channel_id": ix.CHANNEL_ID, "content": f"hello {number}",
            "timestamp": at.isoformat(), "author": {"id": author, "username": "someone", "bot": bot}}


def consume(runtime, messages, now=WEDNESDAY):
    with runtime.transaction() as conn:
        scan_consumer.consume(runtime, conn, ix.GUILD_ID, ix.CHANNEL_ID, messages, now)


def xp_rows(database_url):
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT user_id, xp, level, message_count FROM user_xp ORDER BY user_id")
        members = {str(row[0]): row[1:] for row in cur.fetchall()}
        cur.execute("SELECT user_id, week_start, xp FROM user_xp_weekly ORDER BY week_start, user_id")
        weekly = [(str(row[0]), row[1], row[2]) for row in cur.fetchall()]
    conn.close()
    return members, weekly


def test_one_award_per_member_per_60_seconds_of_message_time(runtime, clean_db):
    at = WEDNESDAY - timedelta(hours=1)
    messages = [message(1, ALICE, at), message(2, BOB, at + timedelta(seconds=5)),
                message(3, ALICE, at + timedelta(seconds=30)), message(4, BOB, at + timedelta(seconds=60)),
                message(5, ALICE, at + timedelta(seconds=61)), message(6, BOB, at + timedelta(seconds=65)),
                message(7, ALICE, at + timedelta(seconds=90)), message(8, ALICE, at + timedelta(seconds=125))]
    consume(runtime, messages)
    draws = random.Random(SEED)
    # Awarded: Alice 0 s, Bob 5 s, Alice 61 s, Bob 65 s, Alice 125 s (Bob's 60 s is only 55 s after 5 s).
    alice_1, bob_1, alice_2, bob_2, alice_3 = (draws.randint(15, 25) for _ in range(5))
    members, weekly = xp_rows(clean_db)
    assert members[ALICE] == (alice_1 + alice_2 + alice_3, 1 if alice_1 + alice_2 + alice_3 >= 100 else 0, 5)
    assert members[BOB] == (bob_1 + bob_2, 0, 3)
    assert all(15 <= draw <= 25 for draw in (alice_1, bob_1, alice_2, bob_2, alice_3))
    assert {(user, xp) for user, _, xp in weekly} == {(ALICE, members[ALICE][0]), (BOB, members[BOB][0])}


def test_the_window_carries_over_to_the_next_scan(runtime, clean_db):
    at = WEDNESDAY - timedelta(minutes=10)
    consume(runtime, [message(1, ALICE, at)])
    first = xp_rows(clean_db)[0][ALICE][0]
    consume(runtime, [message(2, ALICE, at + timedelta(seconds=59))])
    assert xp_rows(clean_db)[0][ALICE][:1] == (first,)
    consume(runtime, [message(3, ALICE, at + timedelta(seconds=60))])
    assert xp_rows(clean_db)[0][ALICE][0] > first


def test_bots_and_messages_without_a_timestamp_earn_nothing(runtime, clean_db):
    broken = message(2, BOB, WEDNESDAY)
    broken["timestamp"] = "yesterday"
    consume(runtime, [message(1, BOT_USER, WEDNESDAY, bot=True), broken])
    assert xp_rows(clean_db) == ({}, [])


def test_weekly_xp_is_bucketed_by_iso_week_starting_monday_utc(runtime, clean_db):
    sunday_night = datetime(2024, 5, 19, 23, 59, 30, tzinfo=timezone.utc)
    monday_morning = sunday_night + timedelta(seconds=70)
    consume(runtime, [message(1, ALICE, sunday_night), message(2, ALICE, monday_morning)])
    members, weekly = xp_rows(clean_db)
    assert [(week, xp > 0) for _, week, xp in weekly] == [(date(2024, 5, 13), True), (date(2024, 5, 20), True)]
    assert sum(xp for _, _, xp in weekly) == members[ALICE][0]


def test_wants_guild_follows_the_xp_setting(runtime, clean_db):
    with runtime.transaction() as conn:
        assert scan_consumer.wants_guild(conn, ix.GUILD_ID) is True
        guild_settings.update(conn, ix.GUILD_ID, "xp", {"enabled": False}, WEDNESDAY)
        assert scan_consumer.wants_guild(conn, ix.GUILD_ID) is False


def _level_up_guild(fake_discord, runtime, announce):
    fake_discord.add_guild(ix.GUILD_ID, ix.OWNER_ID, roles=[{"id": REWARD_ROLE, "name": "Level 1", "position": 1}])
    fake_discord.add_member(ix.GUILD_ID, ALICE)
    fake_discord.add_channel(ix.GUILD_ID, LEVEL_CHANNEL, name="levels")
    with runtime.transaction() as conn:
        guild_settings.update(conn, ix.GUILD_ID, "xp", {
            "level_roles": [{"level": 1, "role_id": REWARD_ROLE}], "announce_level_ups": announce,
            "announce_channel_id": LEVEL_CHANNEL}, WEDNESDAY)


def _enough_for_level_one():
    # Seven awards a minute apart: at least 7 x 15 = 105 XP, past level 1's 100.
    start = WEDNESDAY - timedelta(hours=1)
    return [message(n, ALICE, start + timedelta(seconds=61 * n)) for n in range(7)]


def test_level_up_gives_the_reward_role_once_after_commit(runtime, fake_discord, clean_db):
    _level_up_guild(fake_discord, runtime, announce=True)
    consume(runtime, _enough_for_level_one())
    role_path = rf"/guilds/{ix.GUILD_ID}/members/{ALICE}/roles/{REWARD_ROLE}"
    assert fake_discord.find("PUT", role_path) == []  # nothing happens inside the scan's transaction

    scan_consumer.after_commit(runtime, ix.GUILD_ID)
    scan_consumer.after_commit(runtime, ix.GUILD_ID)
    load_jobs()
    assert JOBS["levelups"](runtime) == "0 level-up(s) delivered"

    grants = fake_discord.find("PUT", role_path)
    assert len(grants) == 1 and spec.spec_covers("PUT", grants[0].path)
    spec.validate_recorded(grants[0])
    assert "level 1" in unquote(grants[0].headers["X-Audit-Log-Reason"])
    assert REWARD_ROLE in fake_discord.member(ix.GUILD_ID, ALICE)["roles"]
    posts = fake_discord.find("POST", rf"/channels/{LEVEL_CHANNEL}/messages")
    assert len(posts) == 1 and "level 1" in posts[0].json["content"]
    assert posts[0].json["allowed_mentions"] == {"parse": [], "users": [ALICE]}
    spec.validate_recorded(posts[0])


def test_a_reward_role_discord_refuses_is_recorded_not_retried_forever(runtime, fake_discord, clean_db):
    _level_up_guild(fake_discord, runtime, announce=False)
    fake_discord.queue("PUT", rf"/guilds/{ix.GUILD_ID}/members/{ALICE}/roles/{REWARD_ROLE}", 403,
                       {"message": "Missing Permissions", "code": 50013})
    consume(runtime, _enough_for_level_one())
    scan_consumer.after_commit(runtime)
    scan_consumer.after_commit(runtime)
    assert len(fake_discord.find("PUT", r"/guilds/.*/roles/.*")) == 1
    with psycopg2.connect(clean_db) as conn, conn.cursor() as cur:
        cur.execute("SELECT delivered_at IS NOT NULL, last_error FROM xp_level_ups")
        delivered, error = cur.fetchone()
    conn.close()
    assert delivered and "50013" in error


def test_weekly_job_closes_last_week_once_and_announces_the_winners(runtime, fake_discord, clock, clean_db):
    fake_discord.add_guild(ix.GUILD_ID, ix.OWNER_ID)
    fake_discord.add_channel(ix.GUILD_ID, LEVEL_CHANNEL, name="weekly")
    with runtime.transaction() as conn:
        guild_settings.update(conn, ix.GUILD_ID, "xp", {"weekly_channel_id": LEVEL_CHANNEL}, WEDNESDAY)
    last_week = WEDNESDAY - timedelta(days=7)
    consume(runtime, [message(1, ALICE, last_week), message(2, BOB, last_week),
                      message(3, BOB, last_week + timedelta(minutes=2)), message(4, ALICE, WEDNESDAY)])
    load_jobs()

    assert JOBS["weekly"](runtime) == "closed 1 week(s), announced 1"
    assert JOBS["weekly"](runtime) == "closed 0 week(s), announced 0"

    with psycopg2.connect(clean_db) as conn, conn.cursor() as cur:
        cur.execute("SELECT week_start, members FROM xp_weeks_closed")
        assert cur.fetchall() == [(date(2024, 5, 6), 2)]
        cur.execute("SELECT place, user_id FROM xp_weekly_winners ORDER BY place")
        assert [(place, str(user)) for place, user in cur.fetchall()] == [(1, BOB), (2, ALICE)]
    conn.close()
    posts = fake_discord.find("POST", rf"/channels/{LEVEL_CHANNEL}/messages")
    assert len(posts) == 1
    assert posts[0].json["content"].index(BOB) < posts[0].json["content"].index(ALICE)
    spec.validate_recorded(posts[0])


def test_the_scan_job_feeds_xp_and_delivers_the_reward_after_its_commit(runtime, fake_discord, clean_db):
    from app.jobs.scan import scan

    _level_up_guild(fake_discord, runtime, announce=False)
    fake_discord.add_message(LEVEL_CHANNEL, fake_discord.next_snowflake(), ALICE, "before")
    scan(runtime)  # the first scan only sets the channel's cursor
    start = datetime.now(timezone.utc) - timedelta(minutes=10)
    for n in range(7):
        fake_discord.add_message(LEVEL_CHANNEL, fake_discord.next_snowflake(), ALICE, f"hello {n}",
                                 timestamp=(start + timedelta(seconds=61 * n)).isoformat())
    scan(runtime)
    scan(runtime)
    members, _ = xp_rows(clean_db)
    assert members[ALICE][1:] == (1, 7)
    assert len(fake_discord.find("PUT", rf"/guilds/{ix.GUILD_ID}/members/{ALICE}/roles/{REWARD_ROLE}")) == 1
