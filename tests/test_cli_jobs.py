"""Every scheduled job, run as cron runs it: `python -m app job NAME` in a fresh process, with work waiting.

A fresh process has imported nothing but what the job entry point loads, so a settings section, job or
scan consumer that only exists once some other module was imported shows up here (it used to: `job
levelups` with a pending level-up died with KeyError: 'xp').
"""
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg2
import pytest

from app import create_app, db, guild_settings
from app.automod.store import save_rule
from tests import interactions as ix

ROOT = Path(__file__).resolve().parents[1]
G = "811000000000000001"
CHANNEL, ALICE, BOB = "821000000000000002", "861000000000000006", "871000000000000007"
REWARD_ROLE, BOT_ROLE = "911000000000000001", "911000000000000020"


@pytest.fixture
def fake_discord(own_discord):
    own_discord.forget_guilds()
    own_discord.add_guild(G, ix.OWNER_ID, roles=[{"id": REWARD_ROLE, "name": "Level 1", "position": 1},
                                                 {"id": BOT_ROLE, "name": "bot", "position": 20}])
    own_discord.add_member(G, ix.BOT_ID, roles=[BOT_ROLE], bot=True)
    own_discord.add_channel(G, CHANNEL, name="general")
    for user in (ALICE, BOB):
        own_discord.add_member(G, user)
    return own_discord


def run_job(settings, name) -> str:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    for key in ("DATABASE_URL", "DISCORD_APPLICATION_ID", "DISCORD_PUBLIC_KEY", "DISCORD_BOT_TOKEN",
                "DISCORD_API_BASE", "DISCORD_CDN_BASE", "SECRET_KEY"):
        env[key] = settings[key]
    done = subprocess.run([sys.executable, "-m", "app", "job", name], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def rows(database_url, sql, *params):
    conn = psycopg2.connect(database_url)
    with conn, conn.cursor() as cur:
        cur.execute(sql, params)
        found = cur.fetchall()
    conn.close()
    return found


def message(number, author, at):
    return {"id": str(951000000000000000 + number), "channel_id": CHANNEL, "content": f"hello {number}",
            "timestamp": at.isoformat(), "author": {"id": author, "username": "someone"}}


def feed_xp(runtime, messages, now):
    from app.social import scan_consumer
    with runtime.transaction() as conn:
        scan_consumer.consume(runtime, conn, G, CHANNEL, messages, now)


def test_levelups_grants_the_pending_reward_role(settings, runtime, fake_discord):
    now = datetime.now(timezone.utc)
    with runtime.transaction() as conn:
        guild_settings.update(conn, G, "xp", {"level_roles": [{"level": 1, "role_id": REWARD_ROLE}]}, now)
    feed_xp(runtime, [message(n, ALICE, now - timedelta(hours=1) + timedelta(seconds=61 * n)) for n in range(7)], now)
    assert REWARD_ROLE not in fake_discord.member(G, ALICE)["roles"]
    assert run_job(settings, "levelups") == "1 level-up(s) delivered"
    assert REWARD_ROLE in fake_discord.member(G, ALICE)["roles"]


LAMBDA_LEVELUPS = "from app import lambda_jobs; print(lambda_jobs.levelups({'source': 'aws.events'}, None))"


def test_the_lambda_handler_of_a_job_loads_the_registry_too(settings, runtime, fake_discord):
    now = datetime.now(timezone.utc)
    with runtime.transaction() as conn:
        guild_settings.update(conn, G, "xp", {"level_roles": [{"level": 1, "role_id": REWARD_ROLE}]}, now)
    feed_xp(runtime, [message(n, BOB, now - timedelta(hours=1) + timedelta(seconds=61 * n)) for n in range(7)], now)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **{key: settings[key] for key in (
        "DATABASE_URL", "DISCORD_APPLICATION_ID", "DISCORD_PUBLIC_KEY", "DISCORD_BOT_TOKEN", "DISCORD_API_BASE",
        "SECRET_KEY")}}
    done = subprocess.run([sys.executable, "-c", LAMBDA_LEVELUPS], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "1 level-up(s) delivered"
    assert REWARD_ROLE in fake_discord.member(G, BOB)["roles"]


def test_weekly_announces_last_weeks_winners(settings, runtime, fake_discord):
    now = datetime.now(timezone.utc)
    with runtime.transaction() as conn:
        guild_settings.update(conn, G, "xp", {"weekly_channel_id": CHANNEL}, now)
    feed_xp(runtime, [message(1, BOB, now - timedelta(days=7))], now)
    assert run_job(settings, "weekly") == "closed 1 week(s), announced 1"
    (post,) = fake_discord.find("POST", rf"/channels/{CHANNEL}/messages")
    assert "Weekly XP leaderboard" in post.json["content"] and BOB in post.json["content"]


def test_scan_judges_new_messages_and_deletes_a_bad_one(settings, runtime, fake_discord):
    now = datetime.now(timezone.utc)
    with runtime.transaction() as conn:
        save_rule(conn, G, {"type": "bad_words", "config": {"words": ["badword"]}}, now)
        db.run(conn, "automod.start_cursor", {"guild_id": int(G), "channel_id": int(CHANNEL),
                                              "last_message_id": 0, "now": now})
    fine = fake_discord.add_message(CHANNEL, fake_discord.next_snowflake(), ALICE, "hello there")["id"]
    bad = fake_discord.add_message(CHANNEL, fake_discord.next_snowflake(), BOB, "a badword here")["id"]
    summary = run_job(settings, "scan")
    assert "2 new message(s); 1 flagged" in summary
    assert [m["id"] for m in fake_discord.channel_messages(CHANNEL)] == [fine]
    assert bad not in [m["id"] for m in fake_discord.channel_messages(CHANNEL)]


def test_audit_records_a_ban_made_outside_the_bot(settings, runtime, fake_discord, clean_db):
    from app.jobs import run_job as run_in_process
    run_in_process(runtime, "audit")  # the first sync sets the guild's cursor
    fake_discord.add_audit_log_entry(G, {"action_type": 22, "user_id": ix.OWNER_ID, "target_id": BOB,
                                         "reason": "raid"})
    assert run_job(settings, "audit") == "1 case(s) recorded from audit logs"
    assert [(a, str(u), r) for a, u, r in rows(clean_db, "SELECT action, user_id, reason FROM mod_cases")] == \
        [("ban", BOB, "raid")]


def test_outbox_posts_a_mod_log_message_that_is_waiting(settings, runtime, fake_discord):
    from app import outbox
    with runtime.transaction() as conn:
        outbox.enqueue(conn, guild_id=G, channel_id=CHANNEL, body={"content": "Case #7 · Ban"},
                       now=datetime.now(timezone.utc), key="cli-test")
    assert run_job(settings, "outbox") == "1 outbox message(s) sent"
    assert [m["content"] for m in fake_discord.channel_messages(CHANNEL)] == ["Case #7 · Ban"]
    assert run_job(settings, "outbox") == "0 outbox message(s) sent"  # sent once


def test_expire_lifts_a_temporary_ban_that_is_due(settings, fake_discord, signing_key, clean_db):
    past = datetime.now(timezone.utc) - timedelta(days=8)
    app = create_app({**settings, "CLOCK": lambda: past})
    side = ix.DiscordSide(app.test_client(), signing_key, fake_discord)
    target = {"users": {ALICE: fake_discord.add_user(ALICE)},
              "members": {ALICE: {"roles": [], "joined_at": "2024-01-01T00:00:00+00:00"}}}
    answer = side.send(ix.command("ban", [ix.opt("user", ALICE, 6), ix.opt("duration", "7d")], guild_id=G,
                                  user_id=ix.OWNER_ID, resolved=target), timestamp=int(past.timestamp()))
    assert "for 7 days" in str(answer)
    assert ALICE in fake_discord.guild_bans(G)
    assert run_job(settings, "expire") == "1 temporary ban(s) lifted"
    assert ALICE not in fake_discord.guild_bans(G)


def test_premium_ends_a_lapsed_tier(settings, runtime, clean_db):
    from app.jobs.premium import grant
    from app.runtime import Runtime
    past = datetime.now(timezone.utc) - timedelta(days=3)
    grant(Runtime({**settings, "CLOCK": lambda: past}), G, "pro", days=1)
    assert run_job(settings, "premium").endswith("; 1 premium subscription(s) expired")
    assert rows(clean_db, "SELECT status FROM premium_subscriptions WHERE guild_id = %s", int(G)) == [("expired",)]


def test_prune_forgets_interaction_ids_older_than_two_days(settings, runtime, discord, clean_db):
    discord.command("help")
    with runtime.transaction() as conn, conn.cursor() as cur:
        cur.execute("UPDATE processed_interactions SET received_at = now() - interval '3 days'")
    assert run_job(settings, "prune") == "forgot 1 processed interaction id(s)"
    assert rows(clean_db, "SELECT count(*) FROM processed_interactions") == [(0,)]


def test_an_unknown_job_is_named_with_the_known_ones(settings):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": settings["DATABASE_URL"]}
    done = subprocess.run([sys.executable, "-m", "app", "job", "nosuch"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip() == ("statussync: unknown job 'nosuch'; jobs: audit, backups, cc_sync, expire, "
                                   "levelups, outbox, premium, prune, scan, weekly")
