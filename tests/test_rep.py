"""/rep as members use it, through the signed HTTP path: giving, cooldowns, races, cards."""
import threading
from datetime import datetime, timedelta, timezone

import psycopg2
import pytest

from app import create_app
from tests import interactions as ix
from tests.interactions import DiscordSide

START = datetime(2024, 5, 15, 12, 0, tzinfo=timezone.utc)
TARGET, OTHER = "860000000000000006", "870000000000000007"


class Clock:
    """The app's clock, moved by the test (requests are signed at its time, as Discord would)."""

    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


def send_at(side, interaction, moment):
    """Post a signed interaction stamped `moment`; the answer must be 200 and valid per the spec."""
    return side.send(interaction, timestamp=int(moment.timestamp()))


@pytest.fixture
def clock():
    return Clock(START)


@pytest.fixture
def app(settings, clock):
    settings["CLOCK"] = clock
    return create_app(settings)


def resolved_user(user_id, *, bot=False, member=True, name=None, avatar=None):
    user = {"id": user_id, "username": f"user{user_id[-3:]}", "discriminator": "0", "global_name": name,
            "avatar": avatar}
    if bot:
        user["bot"] = True
    resolved = {"users": {user_id: user}}
    if member:
        resolved["members"] = {user_id: {"roles": [], "nick": None, "avatar": None, "permissions": "0",
                                         "joined_at": "2024-01-01T00:00:00+00:00", "flags": 0}}
    return resolved


def give(discord, giver, target=TARGET, reason=None, at=None, **target_kw):
    options = [ix.opt("user", target, 6)] + ([ix.opt("reason", reason)] if reason else [])
    interaction = ix.command("rep", [ix.sub("give", *options)], user_id=giver, permissions=0,
                             resolved=resolved_user(target, **target_kw))
    return send_at(discord, interaction, at or START)["data"]


def rep_of(database_url, user_id):
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT rep FROM user_rep WHERE user_id = %s", (int(user_id),))
        row = cur.fetchone()
        cur.execute("SELECT count(*) FROM rep_log WHERE target_id = %s", (int(user_id),))
        logged = cur.fetchone()[0]
    conn.close()
    return (row[0] if row else 0), logged


def giver(number):
    return str(880000000000000000 + number)


def test_giving_rep_adds_one_and_logs_who_why_and_when(discord, clean_db):
    answer = give(discord, ix.MEMBER_ID, reason="fixed my bot")
    assert "flags" not in answer
    assert f"<@{TARGET}>" in answer["content"] and "+1 rep" in answer["content"]
    assert "fixed my bot" in answer["content"] and "1 rep" in answer["content"]
    with psycopg2.connect(clean_db) as conn, conn.cursor() as cur:
        cur.execute("SELECT giver_id, target_id, reason, given_at FROM rep_log")
        assert cur.fetchall() == [(int(ix.MEMBER_ID), int(TARGET), "fixed my bot", START)]
    conn.close()


def test_the_cooldown_says_when_the_giver_can_give_again_and_then_lets_them(discord, clock, clean_db):
    give(discord, ix.MEMBER_ID)
    refused = give(discord, ix.MEMBER_ID, OTHER)
    again_at = int((START + timedelta(hours=24)).timestamp())
    assert refused["flags"] == 64 and f"<t:{again_at}:R>" in refused["content"]

    clock.moment = START + timedelta(hours=24)
    assert "+1 rep" in give(discord, ix.MEMBER_ID, OTHER, at=clock.moment)["content"]
    clock.moment = START + timedelta(hours=48)
    same_pair = give(discord, ix.MEMBER_ID, TARGET, at=clock.moment)
    pair_again = int((START + timedelta(days=7)).timestamp())
    assert same_pair["flags"] == 64 and f"<t:{pair_again}:R>" in same_pair["content"]
    assert f"<@{TARGET}>" in same_pair["content"]
    assert rep_of(clean_db, TARGET) == (1, 1) and rep_of(clean_db, OTHER) == (1, 1)


def test_a_refused_pair_does_not_use_up_the_givers_daily_rep(discord, clock, clean_db):
    give(discord, ix.MEMBER_ID, TARGET)
    clock.moment = START + timedelta(hours=30)
    assert give(discord, ix.MEMBER_ID, TARGET, at=clock.moment)["flags"] == 64
    assert "+1 rep" in give(discord, ix.MEMBER_ID, OTHER, at=clock.moment)["content"]


def test_the_cooldown_is_configurable_per_server(discord, runtime, clean_db):
    from app import guild_settings
    with runtime.transaction() as conn:
        guild_settings.update(conn, ix.GUILD_ID, "rep", {"cooldown_hours": 0}, START)
    assert "+1 rep" in give(discord, ix.MEMBER_ID, TARGET)["content"]
    assert "+1 rep" in give(discord, ix.MEMBER_ID, OTHER)["content"]


@pytest.mark.parametrize("case, message", [
    ("self", "yourself"), ("bot", "Bots don't collect reputation"), ("stranger", "members of this server")])
def test_self_rep_bots_and_non_members_are_refused(discord, clean_db, case, message):
    target = {"self": ix.MEMBER_ID, "bot": TARGET, "stranger": TARGET}[case]
    answer = give(discord, ix.MEMBER_ID, target, bot=case == "bot", member=case != "stranger")
    assert answer["flags"] == 64 and message in answer["content"]
    assert rep_of(clean_db, target) == (0, 0)


def _race(app, signing_key, jobs):
    """Runs each job (a DiscordSide -> answer callable) on its own thread and client, released together."""
    barrier = threading.Barrier(len(jobs))
    answers, errors = [None] * len(jobs), []

    def run(index, job):
        side = DiscordSide(app.test_client(), signing_key)
        try:
            barrier.wait(timeout=10)
            answers[index] = job(side)
        except Exception as exc:  # surfaced below with the failing thread's error
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return answers


def test_fifty_givers_at_once_give_exactly_fifty(app, signing_key, clean_db):
    def one_giver(n):
        return lambda side: give(side, giver(n))

    answers = _race(app, signing_key, [one_giver(n) for n in range(50)])
    assert sum("+1 rep" in a["content"] for a in answers) == 50
    assert rep_of(clean_db, TARGET) == (50, 50)


def test_the_same_giver_twice_at_once_gives_exactly_once(app, signing_key, clean_db):
    answers = _race(app, signing_key, [lambda side: give(side, ix.MEMBER_ID, TARGET),
                                       lambda side: give(side, ix.MEMBER_ID, OTHER)])
    assert sorted("+1 rep" in a["content"] for a in answers) == [False, True]
    assert "You can give again" in next(a for a in answers if "+1 rep" not in a["content"])["content"]
    assert rep_of(clean_db, TARGET)[0] + rep_of(clean_db, OTHER)[0] == 1


def test_rep_top_lists_members_by_rep(discord, runtime, clean_db):
    from app import guild_settings
    with runtime.transaction() as conn:
        guild_settings.update(conn, ix.GUILD_ID, "rep", {"cooldown_hours": 0, "pair_cooldown_hours": 0}, START)
    for n in range(3):
        give(discord, giver(n), TARGET)
    give(discord, giver(9), OTHER)
    board = send_at(discord, ix.command("rep", [ix.sub("top")], permissions=0), START)["data"]["embeds"][0]["description"]
    assert board.splitlines() == [f"**#1** <@{TARGET}> — ★ 3", f"**#2** <@{OTHER}> — ★ 1"]


def test_rep_top_when_nobody_has_rep_says_how_to_start(discord, clean_db):
    board = send_at(discord, ix.command("rep", [ix.sub("top")], permissions=0), START)["data"]["embeds"][0]["description"]
    assert "/rep give" in board


def test_rep_card_rank_agrees_with_rep_top_when_members_tie(discord, fake_discord, runtime, clean_db):
    from app import guild_settings
    with runtime.transaction() as conn:
        guild_settings.update(conn, ix.GUILD_ID, "rep", {"cooldown_hours": 0, "pair_cooldown_hours": 0}, START)
    give(discord, giver(1), TARGET)
    give(discord, giver(2), OTHER)  # one rep each: /rep top lists TARGET (older account) first, OTHER second
    board = send_at(discord, ix.command("rep", [ix.sub("top")], permissions=0), START)["data"]["embeds"][0]["description"]
    assert board.splitlines()[1] == f"**#2** <@{OTHER}> — ★ 1"
    interaction = ix.command("rep", [ix.sub("view", ix.opt("user", OTHER, 6))], permissions=0,
                            resolved=resolved_user(OTHER))
    send_at(discord, interaction, START)
    assert runtime.deferred.wait(15)
    card = fake_discord.webhook_messages(interaction["token"])[0]
    assert card["content"].startswith(f"<@{OTHER}> · ★ 1 rep · rank #2 ·")
