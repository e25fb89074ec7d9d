"""PostgreSQL restarted, and frozen, in the middle of a stream of interactions to a real server.

Every request is answered within Discord's 3 s; after the fault the app serves normally again without
anyone touching it; and the database holds exactly what members were told: one case per acknowledged
/warn, one rep per acknowledged /rep give, nothing for an answer that said "temporarily unavailable" or
"nothing was saved" (a commit whose answer the freeze swallowed ends in one of the two, as the database says).
"""
import time
from datetime import datetime, timezone

import psycopg2
import pytest

from app import create_app, db, guild_settings
from app.interactions.handoff import NOT_SAVED
from tests import interactions as ix
from tests.faults import INTERACTION_BOUND_S, final_text, resolved_member, stream
from tests.hostile import MOD_ROLE, MODLOG, seed_guild
from tests.pg_instance import PgInstance
from tests.test_database_faults import served

TARGETS = [str(856000000000000000 + n) for n in range(6)]
RATE, COUNT, FAULT_AT = 12.0, 84, 2.0  # 7 s of traffic, the fault 2 s in


@pytest.fixture(scope="module")
def pg():
    instance = PgInstance.create()
    try:
        instance.database_url = instance.create_database("statussync_stream")
        db.migrate(instance.database_url, log=lambda line: None)
        yield instance
    finally:
        db.close_pools()
        instance.destroy()


@pytest.fixture
def stream_app(settings, pg, fake_discord):
    pg.thaw()
    if not pg.running():
        pg.start()
    conn = psycopg2.connect(pg.database_url)
    with conn, conn.cursor() as cur:
        cur.execute("TRUNCATE mod_cases, mod_case_counters, mod_actions, rep_log, rep_cooldowns, user_rep, "
                    "processed_interactions, outbox, guild_settings, user_xp, user_xp_weekly CASCADE")
    conn.close()
    seed_guild(fake_discord)
    for user_id in TARGETS:
        fake_discord.add_member(ix.GUILD_ID, user_id)
    with db.transaction(pg.database_url) as conn:
        guild_settings.update(conn, ix.GUILD_ID, "modlog", {"channel_id": MODLOG}, datetime.now(timezone.utc))
    yield create_app({**settings, "DATABASE_URL": pg.database_url})
    pg.thaw()
    if not pg.running():
        pg.start()


def build(i):
    target = TARGETS[i % len(TARGETS)]
    if i % 2:
        return "warn", ix.command("warn", [ix.opt("user", target, 6), ix.opt("reason", f"stream-{i}")],
                                  permissions=1 << 40, roles=(MOD_ROLE,), resolved=resolved_member(target))
    giver = str(880000000000000000 + i)  # a fresh giver: no cooldown answer
    return "rep", ix.command("rep", [ix.sub("give", ix.opt("user", target, 6), ix.opt("reason", f"stream-{i}"))],
                             user_id=giver, permissions=0, resolved=resolved_member(target))


def rows(url, sql):
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute(sql)
        found = cur.fetchall()
    conn.close()
    return found


def check_stream(answers, fake, url, runtime, fault_ends_at):
    assert runtime.deferred.wait(15)
    late = [(a.index, a.outcome, round(a.elapsed, 2)) for a in answers if a.elapsed > INTERACTION_BOUND_S]
    assert late == [], late
    assert [a.outcome for a in answers if a.outcome.startswith("HTTP")] == []
    told_done = {a.index for a in answers if (a.outcome == "done" or a.outcome == "thinking")
                 and ("Warned" in final_text(fake, a) or "+1 rep" in final_text(fake, a))}
    refused = {a.index for a in answers if a.outcome == "unavailable" or (
        a.outcome == "thinking" and any(text in final_text(fake, a) for text in (NOT_SAVED, "temporarily unavailable")))}
    assert told_done | refused == set(range(len(answers))), [a.text for a in answers
                                                              if a.index not in told_done | refused][:3]
    cases = rows(url, "SELECT case_number, reason FROM mod_cases ORDER BY case_number")
    reps = rows(url, "SELECT reason FROM rep_log")
    stored = [int(reason.split("-")[1]) for _, reason in cases] + [int(r.split("-")[1]) for (r,) in reps]
    assert sorted(stored) == sorted(told_done), "a case or rep differs from what members were told"
    assert [number for number, _ in cases] == list(range(1, len(cases) + 1))  # 1, 2, 3... no gap, no double
    totals = dict(rows(url, "SELECT user_id, rep FROM user_rep"))
    given = dict(rows(url, "SELECT target_id, count(*) FROM rep_log GROUP BY target_id"))
    assert totals == given
    recovered = [a for a in answers if a.sent_at > fault_ends_at + 1.0]
    assert recovered and all(a.outcome == "done" for a in recovered), [a.text for a in recovered][:2]
    return told_done, refused


def test_a_restart_mid_stream_answers_everything_in_time_and_loses_or_doubles_nothing(
        pg, stream_app, fake_discord, signing_key, reliability):
    runtime = stream_app.extensions["statussync"]
    restarted = {}

    def restart():
        pg.restart()
        restarted["at"] = time.monotonic() - started

    with served(stream_app, threads=8) as base:
        started = time.monotonic()
        answers = stream(base, signing_key, build, COUNT, RATE, during=restart, at=FAULT_AT, fake=fake_discord)
    done, refused = check_stream(answers, fake_discord, pg.database_url, runtime, restarted["at"])
    reliability.record("Faults", "PostgreSQL restarted mid-stream (/warn, /rep give at 12/s)", COUNT,
                       f"all answered in 3 s; {len(done)} acknowledged = rows stored, {len(refused)} "
                       "'unavailable' = nothing stored; case numbers without gaps; recovered unaided",
                       unit="interactions")


def test_a_frozen_database_mid_stream_answers_everything_in_time_and_loses_or_doubles_nothing(
        pg, stream_app, fake_discord, signing_key, reliability):
    runtime = stream_app.extensions["statussync"]
    thawed = {}

    def freeze_then_thaw():
        pg.freeze()
        time.sleep(2.5)
        pg.thaw()
        thawed["at"] = time.monotonic() - started

    with served(stream_app, threads=8) as base:
        started = time.monotonic()
        answers = stream(base, signing_key, build, COUNT, RATE, during=freeze_then_thaw, at=FAULT_AT,
                         fake=fake_discord)
    done, refused = check_stream(answers, fake_discord, pg.database_url, runtime, thawed["at"])
    assert refused, "the freeze was not felt: the test did not test it"
    reliability.record("Faults", "PostgreSQL frozen 2.5 s mid-stream (/warn, /rep give at 12/s)", COUNT,
                       f"all answered in 3 s; {len(done)} acknowledged = rows stored, {len(refused)} "
                       "'unavailable' = nothing stored; recovered unaided after thaw", unit="interactions")
