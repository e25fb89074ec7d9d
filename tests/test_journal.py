"""Record-then-act: every moderation action ends acted-and-recorded or not-acted-and-not-recorded,
whatever Discord, the database or the process does in between; side effects go through the outbox."""
import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg2
import pytest

from app import guild_settings
from app.automod.store import save_rule
from app.jobs import JOBS, load_jobs
from app.jobs.scan import scan
from app.moderation.audit_sync import sync_all
from tests import interactions as ix
from tests.conftest import BOT_TOKEN
from tests.interactions import DiscordSide
from tests.test_moderation import (BAN, BOT, GUILD, LOW_ROLE, MEMBER, MOD, MOD_BITS, MOD_ROLE, MODLOG,  # noqa: F401
                                   cases, guild, resolved, run,
                                   set_modlog, text)

ROOT = Path(__file__).resolve().parent.parent
SPAMMER, SHOUTER, OTHER = "851000000000000011", "851000000000000012", "851000000000000013"
SECOND_CHANNEL = "820000000000000099"


def rows(database_url, sql, *params):
    conn = psycopg2.connect(database_url)
    with conn, conn.cursor() as cur:
        cur.execute(sql, params)
        found = cur.fetchall()
    conn.close()
    return found


def set_rule(runtime, **rule):
    with runtime.transaction() as conn:
        save_rule(conn, GUILD, rule, datetime.now(timezone.utc))


def set_escalation(runtime, *steps):
    with runtime.transaction() as conn:
        guild_settings.update(conn, GUILD, "moderation", {"escalation": list(steps)}, datetime.now(timezone.utc))


def post(fake, channel, author, content):
    return fake.add_message(channel, fake.next_snowflake(), author, content)["id"]


def wait_for(condition, seconds=15.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def modlog_titles(fake):
    return [m["embeds"][0]["title"] for m in fake.channel_messages(MODLOG) if m.get("embeds")]


@pytest.fixture
def scanning(guild, runtime):
    """The moderation guild, with members to judge and scans feeding no other consumer."""
    runtime.settings["SCAN_CONSUMERS"] = []
    for user_id in (SPAMMER, SHOUTER, OTHER):
        guild.add_member(GUILD, user_id, roles=[LOW_ROLE])
    return guild


# ------------------------------------------------------------------ refused before anything is done

@pytest.mark.parametrize("command", ["ban", "kick", "warn"])
@pytest.mark.parametrize("reason", ["spam\x00links", "broken \ud800 text"])
def test_a_reason_the_database_cannot_store_is_refused_before_anything_is_done(discord, guild, clean_db, command,
                                                                                reason):
    answer = run(discord, guild, command, MEMBER, ix.opt("reason", reason))
    assert answer["data"]["flags"] == 64 and "reason" in answer["data"]["content"]
    assert MEMBER not in guild.guild_bans(GUILD) and guild.member(GUILD, MEMBER) is not None
    assert guild.find("PUT", r"/guilds/.*") == guild.find("DELETE", r"/guilds/.*") == []
    assert guild.find("POST", r"/users/@me/channels") == []  # not even the DM
    assert cases(clean_db) == []


# ------------------------------------------------------------------ no lock held while Discord works

def test_a_ban_during_a_scan_acting_in_the_same_guild_gets_its_case_promptly(discord, scanning, runtime, clean_db):
    set_rule(runtime, type="bad_words", action="warn", config={"words": ["badword"]})
    set_rule(runtime, type="caps", action="timeout", duration=300)
    scan(runtime)
    post(scanning, ix.CHANNEL_ID, SPAMMER, "you badword")  # a warning: the scan takes a case number
    post(scanning, ix.CHANNEL_ID, SHOUTER, "WHY IS EVERYONE SO QUIET")  # then a timeout Discord is slow to give
    scanning.slow("PATCH", rf"/guilds/{GUILD}/members/{SHOUTER}", 2.5)
    worker = threading.Thread(target=scan, args=(runtime,))
    worker.start()
    wait_for(lambda: scanning.find("PATCH", rf"/guilds/{GUILD}/members/{SHOUTER}"))
    started = time.monotonic()
    answer = run(discord, scanning, "ban", MEMBER, ix.opt("reason", "raid"))
    elapsed = time.monotonic() - started
    worker.join()
    assert "Banned" in text(answer) and "case #2" in text(answer), text(answer)
    assert elapsed < 1.5  # not waiting on the scan's locks until statement_timeout
    assert [(c[0], c[1], c[2]) for c in cases(clean_db)] == [(1, "warn", SPAMMER), (2, "ban", MEMBER),
                                                             (3, "timeout", SHOUTER)]


# ------------------------------------------------------------------ Discord's answer never came

def run_confirmation_lost(side, fake, name, target, *options):
    """The command whose Discord call went unanswered; its deferred confirmation never runs (a crashed or
    lost Lambda invocation), so only the audit-log sync can settle the record."""
    interaction = ix.command(name, [ix.opt("user", target, 6), *options], resolved=resolved(fake, target),
                             permissions=MOD_BITS, roles=[MOD_ROLE])
    return side.send(interaction, deliver=False)


@pytest.fixture
def impatient(settings, signing_key, fake_discord):
    """The app with a REST client that gives up after 0.5 s (Discord may still act)."""
    from app import create_app
    from app.discord.rest import DiscordClient
    client = DiscordClient(fake_discord.base_url, BOT_TOKEN, BOT, timeout=0.5)
    app = create_app({**settings, "DISCORD_CLIENT": client})
    return app.extensions["statussync"], DiscordSide(app.test_client(), signing_key)


def test_discord_slower_than_the_client_ends_with_one_case_for_the_ban_that_landed_none_for_the_other(
        impatient, guild, clean_db):
    runtime, side = impatient
    set_modlog(side)
    guild.add_member(GUILD, OTHER, roles=[LOW_ROLE])
    guild.slow("PUT", rf"/guilds/{GUILD}/bans/{MEMBER}", 1.5)  # bans, then answers too late
    landed = run_confirmation_lost(side, guild, "ban", MEMBER, ix.opt("reason", "raid"))
    guild.queue("PUT", rf"/guilds/{GUILD}/bans/{OTHER}", 403, {"message": "Missing Permissions", "code": 50013})
    guild.slow("PUT", rf"/guilds/{GUILD}/bans/{OTHER}", 1.5)  # refuses, and that answer is too late too
    refused = run_confirmation_lost(side, guild, "ban", OTHER, ix.opt("reason", "raid"))
    for answer in (landed, refused):
        assert answer == {"type": 5, "data": {"flags": 64}}  # "thinking…": the confirmation continues deferred
    assert MEMBER in guild.guild_bans(GUILD) and OTHER not in guild.guild_bans(GUILD)
    assert cases(clean_db) == []  # nothing recorded on a guess

    assert sync_all(runtime, runtime.clock()) == (1, 0, 0)
    assert cases(clean_db) == [(1, "ban", MEMBER, "raid", "command")]
    assert rows(clean_db, "SELECT moderator_id::text FROM mod_cases") == [(MOD,)]  # the journal's moderator
    later = runtime.clock() + timedelta(minutes=6)
    assert sync_all(runtime, later) == (0, 0, 0)
    assert sync_all(runtime, later) == (0, 0, 0)
    assert cases(clean_db) == [(1, "ban", MEMBER, "raid", "command")]
    states = dict(rows(clean_db, "SELECT user_id::text, state FROM mod_actions"))
    assert states == {MEMBER: "done", OTHER: "cancelled"}
    assert modlog_titles(guild) == ["Case #1 · Ban"]


def test_the_same_interaction_handled_twice_acts_and_records_once(runtime, guild, clean_db):
    from app.moderation.actions import take_action
    outcomes = []
    for _ in range(2):  # Discord redelivering, or a rerun of the handler
        with runtime.connection() as conn:
            outcomes.append(take_action(runtime.discord, conn, action="ban", guild_id=GUILD, user_id=MEMBER,
                                        moderator_id=MOD, reason="raid", now=runtime.clock(),
                                        interaction_id="1300000000000000001", dm=True))
            conn.commit()
    assert outcomes[0].case["case_number"] == outcomes[1].case["case_number"] == 1
    assert "already done" in outcomes[1].notes[0]
    assert len(guild.find("PUT", rf"/guilds/{GUILD}/bans/{MEMBER}")) == 1
    assert len(guild.find("POST", r"/users/@me/channels")) == 1
    assert [c[1] for c in cases(clean_db)] == ["ban"]


# ------------------------------------------------------------------ escalation exactly once

def test_four_concurrent_warns_reaching_a_three_warning_step_escalate_exactly_once(app, signing_key, runtime,
                                                                                   guild, clean_db):
    set_escalation(runtime, {"warnings": 3, "within_days": 30, "action": "timeout", "duration": "1h"})
    for round_ in range(20):
        member = f"85200000000000{round_:04d}"
        guild.add_member(GUILD, member, roles=[LOW_ROLE])
        answers, barrier = [], threading.Barrier(4)

        def warn(i):
            side = DiscordSide(app.test_client(), signing_key)
            barrier.wait()
            answers.append(run(side, guild, "warn", member, ix.opt("reason", f"warning {i}")))

        threads = [threading.Thread(target=warn, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(answers) == 4 and all("Warned" in text(a) for a in answers)
        assert sum("Escalated" in text(a) for a in answers) == 1, [text(a) for a in answers]
        assert len(guild.find("PATCH", rf"/guilds/{GUILD}/members/{member}")) == 1
        escalations = rows(clean_db, "SELECT count(*) FROM mod_cases WHERE user_id = %s AND source = 'escalation'",
                           int(member))
        assert escalations == [(1,)]
    numbers = [c[0] for c in cases(clean_db)]
    assert numbers == list(range(1, 20 * 5 + 1))  # 4 warnings and 1 timeout a round, gap-free


# ------------------------------------------------------------------ the outbox

@pytest.mark.parametrize("status, code", [(403, 50001), (500, 0)])
def test_a_failed_mod_log_post_keeps_the_case_and_the_outbox_job_sends_it_once(discord, guild, runtime, clean_db,
                                                                               status, code):
    set_modlog(discord)
    guild.queue("POST", rf"/channels/{MODLOG}/messages", status, {"message": "no", "code": code})
    answer = run(discord, guild, "warn", MEMBER, ix.opt("reason", "off topic"))
    assert "couldn't post it to the mod log" in text(answer) and "retry" in text(answer)
    assert cases(clean_db) == [(1, "warn", MEMBER, "off topic", "command")]
    assert modlog_titles(guild) == []
    load_jobs()
    assert JOBS["outbox"](runtime) == "0 outbox message(s) sent"  # backing off
    later = runtime.clock() + timedelta(minutes=1)
    runtime.clock = lambda: later
    assert JOBS["outbox"](runtime) == "1 outbox message(s) sent"
    assert JOBS["outbox"](runtime) == "0 outbox message(s) sent"
    assert modlog_titles(guild) == ["Case #1 · Warning"]


def test_an_outbox_row_that_keeps_failing_is_given_up_after_the_cap(guild, runtime, clean_db):
    from app import outbox
    with runtime.transaction() as conn:
        row_id = outbox.enqueue(conn, guild_id=GUILD, channel_id=MODLOG, body={"content": "hello"},
                                now=runtime.clock())
    guild.queue("POST", rf"/channels/{MODLOG}/messages", 500, {"message": "down", "code": 0}, times=100)
    moment = runtime.clock()
    for _ in range(outbox.MAX_ATTEMPTS + 3):
        with runtime.connection() as conn:
            outbox.deliver(runtime.discord, conn, moment)
        moment += outbox.MAX_BACKOFF
    assert len(guild.find("POST", rf"/channels/{MODLOG}/messages")) == outbox.MAX_ATTEMPTS
    assert rows(runtime.dsn, "SELECT attempts, gave_up_at IS NOT NULL, sent_at FROM outbox WHERE id = %s",
                row_id) == [(outbox.MAX_ATTEMPTS, True, None)]


def test_automod_deletions_appear_in_one_compact_mod_log_message_per_run(discord, scanning, runtime, clean_db):
    set_modlog(discord)
    scanning.add_channel(GUILD, SECOND_CHANNEL, name="second")
    set_rule(runtime, type="bad_words", config={"words": ["badword"]})
    scan(runtime)
    post(scanning, ix.CHANNEL_ID, SPAMMER, "badword one")
    post(scanning, ix.CHANNEL_ID, SHOUTER, "badword two")
    post(scanning, SECOND_CHANNEL, SPAMMER, "badword three")
    scan(runtime)
    (summary,) = scanning.channel_messages(MODLOG)
    shown = summary["embeds"][0]
    assert shown["title"] == "AutoMod deleted 3 messages"
    assert shown["description"].count(f"<#{ix.CHANNEL_ID}>") == 2 and f"<#{SECOND_CHANNEL}>" in shown["description"]
    assert f"<@{SHOUTER}>" in shown["description"] and "bad_words" in shown["description"]
    scan(runtime)
    assert len(scanning.channel_messages(MODLOG)) == 1  # nothing new, nothing reposted
    assert cases(clean_db) == []  # a deletion is reported, not a case


# ------------------------------------------------------------------ a scan that dies half-way

def _scan_in_a_process_killed_at(settings, fake, method, path_regex):
    """`python -m app job scan` in its own process, killed once Discord has received `method path`."""
    env = {**os.environ, "DATABASE_URL": settings["DATABASE_URL"], "DISCORD_API_BASE": settings["DISCORD_API_BASE"],
           "DISCORD_CDN_BASE": settings["DISCORD_CDN_BASE"], "DISCORD_BOT_TOKEN": BOT_TOKEN,
           "DISCORD_APPLICATION_ID": BOT, "DISCORD_PUBLIC_KEY": settings["DISCORD_PUBLIC_KEY"],
           "SECRET_KEY": "test-secret-key"}
    process = subprocess.Popen([sys.executable, "-m", "app", "job", "scan"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: fake.find(method, path_regex) or process.poll() is not None, seconds=30)
        assert process.poll() is None, process.communicate()
    finally:
        process.kill()
        process.wait()


def test_a_scan_killed_after_its_commit_never_repeats_a_timeout(settings, discord, scanning, runtime, clean_db):
    set_modlog(discord)
    set_rule(runtime, type="caps", action="timeout", duration=300)
    scan(runtime)
    shouting = post(scanning, ix.CHANNEL_ID, SHOUTER, "WHY IS EVERYONE SO QUIET")
    scanning.slow("DELETE", rf"/channels/{ix.CHANNEL_ID}/messages/{shouting}", 5)
    _scan_in_a_process_killed_at(settings, scanning, "DELETE", rf"/channels/{ix.CHANNEL_ID}/messages/{shouting}")
    assert scanning.find("PATCH", rf"/guilds/{GUILD}/members/{SHOUTER}") == []  # died before the timeout
    scan(runtime)  # the rerun carries out what was journaled and never tried...
    scan(runtime)  # ...once
    assert len(scanning.find("PATCH", rf"/guilds/{GUILD}/members/{SHOUTER}")) == 1
    assert scanning.member(GUILD, SHOUTER)["communication_disabled_until"] is not None
    assert [(c[1], c[2], c[4]) for c in cases(clean_db)] == [("timeout", SHOUTER, "automod")]
    assert shouting not in {m["id"] for m in scanning.channel_messages(ix.CHANNEL_ID)}
    # the deletion the killed run made is still reported, once, with the timeout's case
    assert sorted(modlog_titles(scanning)) == ["AutoMod deleted 1 message", "Case #1 · Timeout"]


def test_a_scan_killed_while_an_escalation_dm_was_on_its_way_never_repeats_it(settings, scanning, runtime, clean_db):
    set_rule(runtime, type="bad_words", action="warn", config={"words": ["badword"]})
    set_escalation(runtime, {"warnings": 1, "within_days": 30, "action": "ban"})
    scan(runtime)
    post(scanning, ix.CHANNEL_ID, SPAMMER, "you badword")
    scanning.slow("POST", r"/users/@me/channels", 5)
    _scan_in_a_process_killed_at(settings, scanning, "POST", r"/users/@me/channels")
    scan(runtime)
    scan(runtime)
    assert len(scanning.find("POST", r"/users/@me/channels")) == 1  # the DM was attempted once, never again
    assert scanning.find("PUT", rf"/guilds/{GUILD}/bans/{SPAMMER}") == []
    assert sync_all(runtime, runtime.clock() + timedelta(minutes=6)) == (0, 0, 0)  # Discord's log: no ban
    assert [(c[1], c[2]) for c in cases(clean_db)] == [("warn", SPAMMER)]  # not acted, not recorded
    assert rows(clean_db, "SELECT state, dm_state FROM mod_actions") == [("cancelled", "attempted")]


# ------------------------------------------------------------------ the audit-log sync

def test_the_first_audit_sync_of_a_guild_imports_nothing_old(discord, guild, runtime, clean_db):
    set_modlog(discord)
    for n in range(30):
        guild.add_audit_log_entry(GUILD, {"action_type": 22, "user_id": ix.OWNER_ID, "target_id": f"8530000000000{n:05d}"})
    time.sleep(0.005)  # snowflakes count milliseconds
    assert sync_all(runtime, runtime.clock()) == (0, 0, 0)
    assert cases(clean_db) == [] and modlog_titles(guild) == []
    guild.add_audit_log_entry(GUILD, {"action_type": 20, "user_id": MOD, "target_id": MEMBER, "reason": "by hand"})
    assert sync_all(runtime, runtime.clock()) == (1, 0, 0)
    assert cases(clean_db) == [(1, "kick", MEMBER, "by hand", "audit")]
    assert modlog_titles(guild) == ["Case #1 · Kick"]


def test_the_bots_own_actions_confirmed_by_the_audit_log_get_no_second_case(discord, guild, runtime, clean_db):
    sync_all(runtime, runtime.clock())
    run(discord, guild, "ban", MEMBER, ix.opt("reason", "raid"), permissions=BAN)
    run(discord, guild, "unban", MEMBER, permissions=BAN, member=False)
    assert sync_all(runtime, runtime.clock()) == (0, 0, 0)
    assert [c[1] for c in cases(clean_db)] == ["ban", "unban"]
    assert rows(clean_db, "SELECT count(*) FROM mod_cases WHERE audit_entry_id IS NOT NULL") == [(2,)]


def test_a_refused_attempt_may_be_tried_again_by_the_same_request_without_a_second_dm(runtime, guild, clean_db):
    from app.discord.errors import DiscordError
    from app.moderation.actions import take_action

    def ban():
        with runtime.connection() as conn:
            return take_action(runtime.discord, conn, action="ban", guild_id=GUILD, user_id=MEMBER, moderator_id=MOD,
                               reason="raid", now=runtime.clock(), interaction_id="1300000000000000002", dm=True)

    guild.queue("PUT", rf"/guilds/{GUILD}/bans/{MEMBER}", 403, {"message": "Missing Permissions", "code": 50013})
    with pytest.raises(DiscordError):
        ban()
    assert cases(clean_db) == [] and MEMBER not in guild.guild_bans(GUILD)
    outcome = ban()  # e.g. the work handed to deferred after the first try ran out of time
    assert outcome.case["case_number"] == 1 and MEMBER in guild.guild_bans(GUILD)
    assert len(guild.find("POST", r"/users/@me/channels")) == 1  # the member was told once
    assert [c[1] for c in cases(clean_db)] == ["ban"]


def test_a_case_reason_with_a_nul_is_refused_and_the_old_reason_kept(discord, guild, clean_db):
    run(discord, guild, "warn", MEMBER, ix.opt("reason", "first wording"))
    answer = discord.command("case", [ix.sub("reason", ix.opt("number", 1, 4), ix.opt("text", "new\x00wording"))],
                             permissions=1 << 40)
    assert answer["data"]["flags"] == 64 and "NUL" in answer["data"]["content"]
    assert cases(clean_db) == [(1, "warn", MEMBER, "first wording", "command")]


def test_a_request_short_of_time_leaves_its_mod_log_post_to_the_outbox_job(discord, guild, runtime, clean_db):
    from app import deadlines
    from app.moderation.actions import warn
    set_modlog(discord)
    with deadlines.within(0.3), runtime.connection() as conn:  # less left than a send needs
        outcome = warn(runtime.discord, conn, guild_id=GUILD, user_id=MEMBER, moderator_id=MOD, reason="spam",
                       now=runtime.clock())
    assert outcome.case["case_number"] == 1 and outcome.notes == []
    assert modlog_titles(guild) == [] and guild.find("POST", r"/users/@me/channels") == []
    load_jobs()
    assert JOBS["outbox"](runtime) == "2 outbox message(s) sent"  # the mod-log post and the member's DM
    assert modlog_titles(guild) == ["Case #1 · Warning"]


def test_the_same_warn_interaction_twice_records_one_warning(runtime, guild, clean_db):
    from app.moderation.actions import warn
    outcomes = []
    for _ in range(2):
        with runtime.connection() as conn:
            outcomes.append(warn(runtime.discord, conn, guild_id=GUILD, user_id=MEMBER, moderator_id=MOD,
                                 reason="spam", now=runtime.clock(), interaction_id="1300000000000000003"))
    assert [o.case["case_number"] for o in outcomes] == [1, 1] and "already done" in outcomes[1].notes[0]
    assert [c[1] for c in cases(clean_db)] == ["warn"]


def test_two_timeouts_in_a_row_pair_with_their_own_audit_entries(impatient, guild, clean_db):
    runtime, side = impatient
    sync_all(runtime, runtime.clock())
    first = run(side, guild, "timeout", MEMBER, ix.opt("duration", "10m"))
    assert "case #1" in text(first)
    guild.queue("PATCH", rf"/guilds/{GUILD}/members/{MEMBER}", 403, {"message": "Missing Permissions", "code": 50013})
    guild.slow("PATCH", rf"/guilds/{GUILD}/members/{MEMBER}", 1.5)  # refused, and the answer comes too late
    second = run_confirmation_lost(side, guild, "timeout", MEMBER, ix.opt("duration", "1h"))
    assert second["type"] == 5
    assert sync_all(runtime, runtime.clock() + timedelta(minutes=6)) == (0, 0, 0)
    assert [c[1] for c in cases(clean_db)] == ["timeout"]  # the first entry confirmed the first timeout only
    assert [r[0] for r in rows(clean_db, "SELECT state FROM mod_actions ORDER BY id")] == ["done", "cancelled"]


def test_a_warned_member_is_told_by_dm_once_and_closed_dms_are_not_retried(discord, guild, runtime, clean_db):
    run(discord, guild, "warn", MEMBER, ix.opt("reason", "off topic"))
    (dm,) = [r for r in guild.find("POST", r"/channels/\d+/messages") if "warned" in (r.json.get("content") or "")]
    assert "off topic" in dm.json["content"] and "Test Guild" in dm.json["content"]
    guild.close_dms(MEMBER)
    answer = run(discord, guild, "warn", MEMBER, ix.opt("reason", "again"))
    assert "Warned" in text(answer) and "couldn't DM them" in text(answer)
    load_jobs()
    runtime.clock = lambda: datetime.now(timezone.utc) + timedelta(hours=2)
    assert JOBS["outbox"](runtime) == "0 outbox message(s) sent"  # given up at once: DMs are closed
    assert [c[1] for c in cases(clean_db)] == ["warn", "warn"]


def test_a_deletion_discord_refuses_is_reported_too(discord, scanning, runtime, clean_db):
    set_modlog(discord)
    set_rule(runtime, type="bad_words", config={"words": ["badword"]})
    scan(runtime)
    kept = post(scanning, ix.CHANNEL_ID, SPAMMER, "badword here")
    scanning.queue("DELETE", rf"/channels/{ix.CHANNEL_ID}/messages/{kept}", 403,
                   {"message": "Missing Permissions", "code": 50013})
    scan(runtime)
    scan(runtime)
    (summary,) = scanning.channel_messages(MODLOG)
    assert summary["embeds"][0]["title"] == "AutoMod couldn't delete 1 message"
    assert "Manage Messages" in summary["embeds"][0]["description"]
    assert kept in {m["id"] for m in scanning.channel_messages(ix.CHANNEL_ID)}


def test_an_expiry_unban_without_an_answer_is_settled_by_the_audit_log(impatient, guild, clean_db):
    from app.jobs.expire import lift_expired_bans
    runtime, side = impatient
    sync_all(runtime, runtime.clock())
    guild.add_member(GUILD, OTHER, roles=[LOW_ROLE])
    for user_id in (MEMBER, OTHER):
        assert "Banned" in text(run(side, guild, "ban", user_id, ix.opt("duration", "1m")))
    due = runtime.clock() + timedelta(seconds=61)
    guild.slow("DELETE", rf"/guilds/{GUILD}/bans/{MEMBER}", 1.5)  # lifted, answered too late
    guild.queue("DELETE", rf"/guilds/{GUILD}/bans/{OTHER}", 500, {"message": "oops", "code": 0})
    guild.slow("DELETE", rf"/guilds/{GUILD}/bans/{OTHER}", 1.5)  # not lifted, and that answer is too late as well
    assert lift_expired_bans(runtime, due) == (0, 0, 0)  # neither confirmed
    assert MEMBER not in guild.guild_bans(GUILD) and OTHER in guild.guild_bans(GUILD)
    assert sync_all(runtime, due + timedelta(minutes=6)) == (1, 0, 0)  # the lifted one, from its audit entry
    assert [(c[1], c[2], c[4]) for c in cases(clean_db)] == [("ban", MEMBER, "command"), ("ban", OTHER, "command"),
                                                             ("unban", MEMBER, "expiry")]
    # the unban that didn't happen is due again, and the next run lifts it
    assert lift_expired_bans(runtime, due + timedelta(minutes=7)) == (1, 0, 0)
    assert OTHER not in guild.guild_bans(GUILD)
    assert [c[1] for c in cases(clean_db)].count("unban") == 2
