"""The answer to a COMMIT lost on the way (tests/pg_proxy.py): the member is not told
"unavailable, try again" about work that may have been saved. They see "thinking…", then the truth: the
handler's own answer when the commit landed, "nothing was saved" when it didn't; the database agrees.
"""
import json
from urllib.parse import urlsplit

import psycopg2
import pytest

from app import create_app, db, guild_settings
from app.jobs import run_job
from app.interactions.handoff import NOT_SAVED
from tests import interactions as ix
from tests.faults import resolved_member
from tests.hostile import MOD_ROLE, MODLOG, seed_guild
from tests.pg_proxy import PgProxy


@pytest.fixture
def proxy(database_url):
    relay = PgProxy(urlsplit(database_url).port or 5432).start()
    yield relay
    relay.stop()


@pytest.fixture
def side(settings, proxy, fake_discord, signing_key, clean_db):
    seed_guild(fake_discord)
    url = proxy.url(urlsplit(clean_db).path.lstrip("/"))
    app = create_app({**settings, "DATABASE_URL": url})
    with db.transaction(clean_db) as conn:
        guild_settings.update(conn, ix.GUILD_ID, "modlog", {"channel_id": MODLOG}, app.extensions["statussync"].clock())
    discord = ix.DiscordSide(app.test_client(), signing_key, fake_discord)
    assert discord.command("config", [ix.sub("view")])["type"] == 4  # the pool holds a connection through the relay
    yield discord
    db.close_pools()


def warn(reason):
    return ix.command("warn", [ix.opt("user", ix.MEMBER_ID, 6), ix.opt("reason", reason)], permissions=1 << 40,
                      roles=(MOD_ROLE,), resolved=resolved_member(ix.MEMBER_ID))


def rep_give(reason):
    return ix.command("rep", [ix.sub("give", ix.opt("user", ix.MEMBER_ID, 6), ix.opt("reason", reason))],
                      permissions=0, resolved=resolved_member(ix.MEMBER_ID))


def stored(url, sql):
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute(sql)
        found = [row[0] for row in cur.fetchall()]
    conn.close()
    return found


def cases(url):
    return stored(url, "SELECT reason FROM mod_cases WHERE action = 'warn'")


def reps(url):
    return stored(url, "SELECT reason FROM rep_log")


@pytest.mark.parametrize("lost", ["answer", "commit"])
def test_a_warn_whose_commit_answer_is_lost_is_finished_once_and_said_so(side, proxy, fake_discord, clean_db, lost,
                                                                        reliability):
    """/warn commits itself (journal style, keyed by the interaction): the rest is finished deferred, once."""
    runtime = side.client.application.extensions["statussync"]
    interaction = warn(f"lost {lost}")
    proxy.lose_next_commit(lost)
    answer = side.send(interaction)
    assert proxy.triggered.is_set()
    assert answer["type"] == 5 and answer["data"]["flags"] == 64, answer  # "thinking…", privately
    assert runtime.deferred.wait(30)
    (final,) = fake_discord.webhook_messages(interaction["token"])
    assert cases(clean_db) == [f"lost {lost}"] and "Warned" in json.dumps(final), final
    run_job(runtime, "outbox")
    posts = [m for m in fake_discord.channel_messages(MODLOG) if f"lost {lost}" in json.dumps(m)]
    assert len(posts) == 1
    reliability.record("Faults", "the answer to a /warn's COMMIT lost (or the COMMIT itself) on the network", 1,
                       "'thinking…', then one case, one mod-log post and 'Warned'", unit="links cut")


@pytest.mark.parametrize("lost", ["answer", "commit"])
def test_a_rep_whose_commit_answer_is_lost_ends_in_the_truth_not_in_try_again(side, proxy, fake_discord, clean_db,
                                                                             lost, reliability):
    """/rep give commits with the dispatcher: its answer is kept, and shown only if the commit landed."""
    runtime = side.client.application.extensions["statussync"]
    interaction = rep_give(f"lost {lost}")
    proxy.lose_next_commit(lost)
    answer = side.send(interaction)
    assert proxy.triggered.is_set() and answer["type"] == 5, answer
    assert runtime.deferred.wait(30)
    (final,) = fake_discord.webhook_messages(interaction["token"])
    if lost == "answer":  # the server committed: the rep exists and the member is told so
        assert reps(clean_db) == ["lost answer"] and "+1 rep" in final["content"], final
    else:  # it never arrived: nothing exists, and the member is told nothing was saved
        assert reps(clean_db) == [] and final["content"] == NOT_SAVED, final
    reliability.record("Faults", "the answer to a /rep give's COMMIT lost (or the COMMIT itself) on the network", 1,
                       "'thinking…', then '+1 rep' if it was saved or 'nothing was saved', as the database says",
                       unit="links cut")


def test_a_redelivered_interaction_after_a_lost_commit_answer_is_not_applied_twice(side, proxy, clean_db):
    interaction = warn("once")
    proxy.lose_next_commit("answer")
    side.send(interaction)
    assert side.client.application.extensions["statussync"].deferred.wait(30)
    again = side.send(interaction)
    assert "already handled" in json.dumps(again) and cases(clean_db) == ["once"]
