"""Discord answering 429, 500 and slowly, through the whole app: a ban, a /warn's mod-log post and the
follow-up that edits a deferred /rank. Each is answered in Discord's 3 s; retries are bounded; the end
state is one of "done and recorded once" or "not done and not recorded", never a second case, ban,
mod-log post or follow-up.
"""
import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from app import db, guild_settings
from app.jobs import run_job
from tests import interactions as ix
from tests.faults import INTERACTION_BOUND_S, resolved_member
from tests.hostile import MOD_ROLE, MODLOG, seed_guild

BAN_ROUTE = rf"/guilds/{ix.GUILD_ID}/bans/{ix.MEMBER_ID}"
POST_ROUTE = rf"/channels/{MODLOG}/messages"
EDIT_ROUTE = rf"/webhooks/{ix.BOT_ID}/[^/]+/messages/@original"
ERROR_500 = {"message": "500: Internal Server Error", "code": 0}
FAULTS = {  # name -> how the fake Discord is told to misbehave on a route (method, regex)
    "429 once, short": lambda fake, m, r: fake.rate_limit(m, r, retry_after=0.2),
    "429 past the answer time": lambda fake, m, r: fake.rate_limit(m, r, retry_after=2.5),
    "500 once": lambda fake, m, r: fake.queue(m, r, 500, ERROR_500),
    "500 five times": lambda fake, m, r: fake.queue(m, r, 500, ERROR_500, times=5),
    "acts but answers 2.5 s late": lambda fake, m, r: fake.slow(m, r, 2.5),
}
MAX_ATTEMPTS = 4  # the REST client's max_retries + 1, per request


@pytest.fixture
def fake_discord(own_discord):
    """A fake of this module's own: the audit job walks every guild a fake knows."""
    own_discord.forget_guilds()
    seed_guild(own_discord)
    return own_discord


@pytest.fixture
def guild(runtime, fake_discord):
    with db.transaction(runtime.settings["DATABASE_URL"]) as conn:
        guild_settings.update(conn, ix.GUILD_ID, "modlog", {"channel_id": MODLOG}, datetime.now(timezone.utc))


def timed_send(discord, interaction):
    started = time.monotonic()
    payload = discord.send(interaction)  # spec-valid, status 200
    elapsed = time.monotonic() - started
    assert elapsed <= INTERACTION_BOUND_S, elapsed
    return payload


def cases(runtime, action):
    with db.connection(runtime.settings["DATABASE_URL"]) as conn:
        with conn.cursor() as cur:
            cur.execute("SELECT case_number FROM mod_cases WHERE guild_id = %s AND action = %s AND user_id = %s",
                        (ix.GUILD_ID, action, ix.MEMBER_ID))
            found = cur.fetchall()
        conn.rollback()
    return found


def settle(runtime):
    """What the scheduled jobs do over the next hours: deferred work finishes, audit sync, and the outbox
    job's runs, its clock moved past each growing pause (a retry is due only after its pause)."""
    assert runtime.deferred.wait(30)
    run_job(runtime, "audit")
    real = runtime.clock
    try:
        for hours in range(1, 7):
            runtime.clock = lambda hours=hours: real() + timedelta(hours=hours)
            run_job(runtime, "outbox")
    finally:
        runtime.clock = real


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_ban_is_banned_and_recorded_once_or_neither(discord, runtime, fake_discord, guild, fault, reliability):
    FAULTS[fault](fake_discord, "PUT", BAN_ROUTE)
    interaction = ix.command("ban", [ix.opt("user", ix.MEMBER_ID, 6), ix.opt("reason", "raid")], permissions=1 << 2,
                             roles=(MOD_ROLE,), resolved=resolved_member(ix.MEMBER_ID))
    timed_send(discord, interaction)
    settle(runtime)
    banned = ix.MEMBER_ID in fake_discord.guild_bans(ix.GUILD_ID)
    recorded = cases(runtime, "ban")
    assert len(recorded) == (1 if banned else 0), (banned, recorded)
    assert banned or fault == "500 five times", "a fault the client can outlast left the member unbanned"
    assert len(fake_discord.find("PUT", BAN_ROUTE)) <= 2 * MAX_ATTEMPTS  # the request and one deferred retry
    dms = [r for r in fake_discord.find("POST", r"/channels/\d+/messages") if "banned" in json.dumps(r.json or {})
           and r.path != f"/channels/{MODLOG}/messages"]
    assert len(dms) <= 1
    final = json.dumps(fake_discord.webhook_messages(interaction["token"]))
    assert ("Banned" in final or "Case #" in final) == banned or not banned
    reliability.record("Faults", "Discord 429 / 500 / slow on a ban (PUT bans)", 1,
                       "answered in 3 s; banned with one case, or neither; ≤ 1 DM; retries bounded",
                       unit="faults × runs")


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_warning_is_recorded_once_and_its_mod_log_post_sent_once(discord, runtime, fake_discord, guild, fault,
                                                                  reliability):
    FAULTS[fault](fake_discord, "POST", POST_ROUTE)
    timed_send(discord, ix.command("warn", [ix.opt("user", ix.MEMBER_ID, 6), ix.opt("reason", "spam")],
                                   permissions=1 << 40, roles=(MOD_ROLE,), resolved=resolved_member(ix.MEMBER_ID)))
    settle(runtime)
    assert len(cases(runtime, "warn")) == 1
    posts = [m for m in fake_discord.channel_messages(MODLOG) if "spam" in json.dumps(m)]
    assert len(posts) == 1, posts
    assert len(fake_discord.find("POST", POST_ROUTE)) <= 1 + 6  # the request's try and one per outbox run
    reliability.record("Faults", "Discord 429 / 500 / slow on a /warn's mod-log post", 1,
                       "answered in 3 s; one case; its mod-log post sent exactly once (by the outbox job when the request's try failed)",
                       unit="faults × runs")


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_deferred_rank_card_replaces_thinking_once(discord, runtime, fake_discord, guild, fault, reliability):
    FAULTS[fault](fake_discord, "PATCH", EDIT_ROUTE)
    interaction = ix.command("rank", [ix.opt("user", ix.MEMBER_ID, 6)], resolved=resolved_member(ix.MEMBER_ID))
    assert timed_send(discord, interaction)["type"] == 5
    assert runtime.deferred.wait(30)
    messages = fake_discord.webhook_messages(interaction["token"])
    edits = fake_discord.find("PATCH", EDIT_ROUTE)
    assert len(messages) == 1, messages  # the original only: no follow-up posted twice
    assert len(edits) <= MAX_ATTEMPTS
    if fault != "500 five times":
        assert messages[0].get("attachments"), messages[0]
    reliability.record("Faults", "Discord 429 / 500 / slow on a deferred follow-up (/rank card)", 1,
                       "answered in 3 s; one original message, no duplicate follow-up; edits bounded",
                       unit="faults × runs")


def test_the_fake_discord_keeps_an_enforced_nonce_as_discord_does(fake_discord):
    """What the outbox relies on (app/outbox.py): a retried post with the same enforced nonce is not a second one."""
    import requests
    url = f"{fake_discord.base_url}/channels/{MODLOG}/messages"
    auth = {"Authorization": f"Bot {fake_discord.bot_token}"}
    first = requests.post(url, json={"content": "one", "nonce": "ob1", "enforce_nonce": True}, headers=auth).json()
    again = requests.post(url, json={"content": "one", "nonce": "ob1", "enforce_nonce": True}, headers=auth).json()
    loose = requests.post(url, json={"content": "one", "nonce": "ob1"}, headers=auth).json()
    assert first["id"] == again["id"] != loose["id"]
    assert len(fake_discord.channel_messages(MODLOG)) == 2
