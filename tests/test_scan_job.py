"""python -m app job scan against the fake Discord: call counts, cursors, actions, crashes and skips."""
import sys
import textwrap
from datetime import datetime, timedelta, timezone

import pytest

from app import db
from app.automod.store import save_rule
from app.jobs.scan import scan
from app.scanning import load_consumers
from tests import interactions as ix

G = ix.GUILD_ID
CHANNELS = [f"88000000000000{n:04d}" for n in range(5)]
ALERTS = "870000000000000077"
SPAMMER, MEMBER, TRUSTED_ROLE = "851000000000000001", "851000000000000002", "852000000000000001"


class RecordingConsumer:
    """A scan consumer as app/<package>/scan_consumer.py would define it; writes in the scan's transaction."""
    NAME = "recording"

    def __init__(self):
        self.seen, self.fail_on = [], None

    def wants_guild(self, conn, guild_id):
        return True

    def consume(self, runtime, conn, guild_id, channel_id, messages, now):
        with conn.cursor() as cur:
            for message in messages:  # a message counted twice would show in user_xp.message_count
                cur.execute("INSERT INTO user_xp (guild_id, user_id, message_count) VALUES (%s, %s, 1) "
                            "ON CONFLICT (guild_id, user_id) DO UPDATE SET message_count = user_xp.message_count + 1",
                            (int(guild_id), int(message["author"]["id"])))
        if channel_id == self.fail_on:
            raise RuntimeError("the process died here")
        self.seen += [m["id"] for m in messages]


@pytest.fixture
def guild(fake_discord, runtime):
    fake_discord.add_guild(G, ix.OWNER_ID)
    for number, channel in enumerate(CHANNELS):
        fake_discord.add_channel(G, channel, name=f"chat-{number}")
        fake_discord.add_message(channel, fake_discord.next_snowflake(), MEMBER, "history before the bot watched")
    fake_discord.add_channel(G, ALERTS, name="mod-alerts")
    fake_discord.add_member(G, SPAMMER)
    fake_discord.add_member(G, MEMBER, roles=[TRUSTED_ROLE])
    consumer = RecordingConsumer()
    runtime.settings["SCAN_CONSUMERS"] = [consumer]
    return consumer


def set_rule(runtime, **rule):
    with runtime.transaction() as conn:
        save_rule(conn, G, rule, datetime.now(timezone.utc))


def post(fake_discord, channel, author, content):
    return fake_discord.add_message(channel, fake_discord.next_snowflake(), author, content)["id"]


def discord_calls(fake_discord):
    return [f"{r.method} {r.path}" for r in fake_discord.requests if r.path != "/users/@me/guilds"]


def rows(runtime, sql, *params):
    with runtime.connection() as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def cursor_of(runtime, channel):
    found = rows(runtime, "SELECT last_message_id FROM scan_cursors WHERE channel_id = %s", int(channel))
    return str(found[0]["last_message_id"]) if found else None


def test_first_scan_starts_from_now_then_idle_costs_one_call_and_k_active_channels_cost_1_plus_k(guild, runtime, fake_discord):
    set_rule(runtime, type="bad_words", config={"words": ["badword"]})
    scan(runtime)
    assert discord_calls(fake_discord) == [f"GET /guilds/{G}/channels"]  # history isn't judged
    assert guild.seen == [] and cursor_of(runtime, CHANNELS[0]) is not None
    fake_discord.reset()
    scan(runtime)
    assert discord_calls(fake_discord) == [f"GET /guilds/{G}/channels"]

    fake_discord.reset()
    first = post(fake_discord, CHANNELS[1], MEMBER, "hello")
    second = post(fake_discord, CHANNELS[3], MEMBER, "hi there")
    post(fake_discord, CHANNELS[3], ix.BOT_ID, "a bot's own message")
    summary = scan(runtime)
    assert sorted(discord_calls(fake_discord)) == sorted([f"GET /guilds/{G}/channels", f"GET /channels/{CHANNELS[1]}/messages",
                                                          f"GET /channels/{CHANNELS[3]}/messages"])
    assert guild.seen == [first, second]  # members' messages only, each once
    assert cursor_of(runtime, CHANNELS[3]) == fake_discord.channel_messages(CHANNELS[3])[-1]["id"]
    assert "2 channel(s)" in summary
    fake_discord.reset()
    scan(runtime)
    assert discord_calls(fake_discord) == [f"GET /guilds/{G}/channels"] and len(guild.seen) == 2


def test_a_guild_with_nothing_to_scan_costs_no_call(fake_discord, runtime):
    fake_discord.add_guild(G, ix.OWNER_ID)
    runtime.settings["SCAN_CONSUMERS"] = []
    scan(runtime)
    assert discord_calls(fake_discord) == []


def test_long_backlogs_are_read_in_bounded_pages_and_continue_next_run(guild, runtime, fake_discord):
    set_rule(runtime, type="caps")
    scan(runtime)
    posted = [post(fake_discord, CHANNELS[0], MEMBER, f"message {n}") for n in range(620)]
    fake_discord.reset()
    scan(runtime)
    assert len(fake_discord.find("GET", rf"/channels/{CHANNELS[0]}/messages")) == 5  # MAX_PAGES
    assert guild.seen == posted[:500]
    fake_discord.reset()
    scan(runtime)
    assert len(fake_discord.find("GET", rf"/channels/{CHANNELS[0]}/messages")) == 2
    assert guild.seen == posted


def test_violations_are_deleted_warned_timed_out_and_alerted(guild, runtime, fake_discord):
    set_rule(runtime, type="bad_words", action="warn", config={"words": ["badword"]})
    set_rule(runtime, type="caps", action="timeout", duration=300, exempt_roles=[TRUSTED_ROLE])
    set_rule(runtime, type="invites", action="alert", alert_channel_id=ALERTS)
    scan(runtime)
    fake_discord.reset()
    bad = [post(fake_discord, CHANNELS[0], SPAMMER, "you badword"), post(fake_discord, CHANNELS[0], SPAMMER, "badword again")]
    shouting = post(fake_discord, CHANNELS[1], SPAMMER, "WHY IS EVERYONE SO QUIET")
    trusted = post(fake_discord, CHANNELS[1], MEMBER, "TRUSTED MEMBERS MAY SHOUT")
    invite = post(fake_discord, CHANNELS[2], MEMBER, "join discord.gg/abcdef")
    fake_discord.reset()
    scan(runtime)
    left = {m["id"] for c in CHANNELS for m in fake_discord.channel_messages(c)}
    assert not left & set(bad + [shouting]) and {trusted, invite} <= left
    (bulk,) = fake_discord.find("POST", rf"/channels/{CHANNELS[0]}/messages/bulk-delete")
    assert sorted(bulk.json["messages"]) == sorted(bad)
    assert fake_discord.member(G, SPAMMER)["communication_disabled_until"] is not None
    assert fake_discord.member(G, MEMBER)["communication_disabled_until"] is None
    cases = rows(runtime, "SELECT action, user_id, source, reason FROM mod_cases ORDER BY case_number")
    assert [(c["action"], str(c["user_id"]), c["source"]) for c in cases] == [
        ("warn", SPAMMER, "automod"), ("timeout", SPAMMER, "automod")]  # one warning for two bad messages
    assert "badword" in cases[0]["reason"]
    (alert,) = fake_discord.channel_messages(ALERTS)
    assert "invite" in alert["embeds"][0]["fields"][2]["value"].lower()
    assert len(fake_discord.find("GET", rf"/guilds/{G}/members/{MEMBER}")) == 1  # roles fetched once per run
    assert invite in guild.seen and shouting not in guild.seen  # consumers don't get what automod removed


def test_messages_past_14_days_are_deleted_one_by_one(guild, runtime, fake_discord):
    set_rule(runtime, type="bad_words", config={"words": ["badword"]})
    scan(runtime)
    bad = [post(fake_discord, CHANNELS[0], SPAMMER, "badword one"), post(fake_discord, CHANNELS[0], SPAMMER, "badword two")]
    runtime.clock = lambda: datetime.now(timezone.utc) + timedelta(days=15)  # the scan ran late: too old to bulk delete
    scan(runtime)
    assert fake_discord.find("POST", rf"/channels/{CHANNELS[0]}/messages/bulk-delete") == []
    assert sorted(r.path.rsplit("/", 1)[-1] for r in fake_discord.find("DELETE", rf"/channels/{CHANNELS[0]}/messages/\d+")) == sorted(bad)


def test_a_crash_mid_run_loses_nothing_and_judges_nothing_twice(guild, runtime, fake_discord):
    set_rule(runtime, type="bad_words", action="warn", config={"words": ["badword"]})
    scan(runtime)
    post(fake_discord, CHANNELS[0], MEMBER, "first channel")
    post(fake_discord, CHANNELS[1], MEMBER, "second channel")
    warned = post(fake_discord, CHANNELS[1], SPAMMER, "badword in the second channel")
    guild.fail_on = CHANNELS[1]
    with pytest.raises(RuntimeError):
        scan(runtime)
    assert rows(runtime, "SELECT count(*) AS n FROM mod_cases")[0]["n"] == 0
    guild.fail_on = None
    scan(runtime)
    scan(runtime)
    counts = {str(r["user_id"]): r["message_count"] for r in rows(runtime, "SELECT * FROM user_xp")}
    assert counts == {MEMBER: 2}  # the member's two messages, each counted once across three runs
    cases = rows(runtime, "SELECT user_id FROM mod_cases")
    assert [str(c["user_id"]) for c in cases] == [SPAMMER]
    assert warned not in {m["id"] for m in fake_discord.channel_messages(CHANNELS[1])}


def test_a_server_error_on_one_channel_skips_it_until_the_next_run(guild, runtime, fake_discord):
    set_rule(runtime, type="caps")
    scan(runtime)
    waiting = post(fake_discord, CHANNELS[1], MEMBER, "waiting")
    post(fake_discord, CHANNELS[2], MEMBER, "read")
    before = cursor_of(runtime, CHANNELS[1])
    fake_discord.queue("GET", rf"/channels/{CHANNELS[1]}/messages", 500, times=4)
    assert "1 channel(s) skipped" in scan(runtime)
    assert cursor_of(runtime, CHANNELS[1]) == before
    scan(runtime)
    assert guild.seen.count(waiting) == 1 and cursor_of(runtime, CHANNELS[1]) == waiting


@pytest.mark.parametrize("status,code", [(404, 10003), (403, 50001)])
def test_deleted_or_unreadable_channel_is_a_logged_skip_and_keeps_its_cursor(guild, runtime, fake_discord, status, code, caplog):
    set_rule(runtime, type="caps")
    scan(runtime)
    post(fake_discord, CHANNELS[0], MEMBER, "unseen")
    before = cursor_of(runtime, CHANNELS[0])
    fake_discord.queue("GET", rf"/channels/{CHANNELS[0]}/messages", status, {"message": "no", "code": code})
    summary = scan(runtime)
    assert "1 channel(s) skipped" in summary and cursor_of(runtime, CHANNELS[0]) == before
    assert any(CHANNELS[0] in record.getMessage() and "skipped" in record.getMessage() for record in caplog.records)


def test_a_message_that_vanished_before_deletion_is_skipped(guild, runtime, fake_discord):
    set_rule(runtime, type="bad_words", config={"words": ["badword"]})
    scan(runtime)
    gone = post(fake_discord, CHANNELS[0], SPAMMER, "badword then deleted by its author")
    fake_discord.queue("DELETE", rf"/channels/{CHANNELS[0]}/messages/{gone}", 404, {"message": "Unknown Message", "code": 10008})
    scan(runtime)
    assert cursor_of(runtime, CHANNELS[0]) == gone
    fake_discord.reset()
    scan(runtime)
    assert discord_calls(fake_discord) == [f"GET /guilds/{G}/channels"]


def test_load_consumers_gives_every_features_scan_consumer(tmp_path, monkeypatch):
    from app import features
    (tmp_path / "plugged_consumer.py").write_text(textwrap.dedent('''
        NAME = "plugged"
        def wants_guild(conn, guild_id):
            return True
        def consume(runtime, conn, guild_id, channel_id, messages, now):
            pass
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    assert [c.NAME for c in load_consumers()] == ["xp", "message_counts"]  # the social and dashboard features'
    features.register(features.Feature("plugged", scan_consumers=["plugged_consumer"]))
    try:
        assert [c.NAME for c in load_consumers()] == ["xp", "message_counts", "plugged"]
    finally:
        features.unregister("plugged")
    assert [c.NAME for c in load_consumers()] == ["xp", "message_counts"]


def test_a_channel_first_seen_empty_has_its_first_messages_judged(guild, runtime, fake_discord):
    set_rule(runtime, type="bad_words", config={"words": ["badword"]})
    fresh = "880000000000009999"
    fake_discord.add_channel(G, fresh, name="brand-new")
    scan(runtime)  # the channel is empty: judged from now on
    first = post(fake_discord, fresh, SPAMMER, "badword as the very first message")
    hello = post(fake_discord, fresh, MEMBER, "hello")
    scan(runtime)
    assert first not in {m["id"] for m in fake_discord.channel_messages(fresh)}
    assert hello in guild.seen and cursor_of(runtime, fresh) == hello


def test_automod_warnings_count_toward_warning_escalation(guild, runtime, fake_discord):
    from app import guild_settings
    set_rule(runtime, type="bad_words", action="warn", config={"words": ["badword"]})
    with runtime.transaction() as conn:
        guild_settings.update(conn, G, "moderation", {"escalation": [
            {"warnings": 2, "within_days": 30, "action": "timeout", "duration": "1h"}]}, datetime.now(timezone.utc))
    scan(runtime)
    post(fake_discord, CHANNELS[0], SPAMMER, "badword once")
    scan(runtime)
    assert fake_discord.member(G, SPAMMER)["communication_disabled_until"] is None  # one warning: no step yet
    post(fake_discord, CHANNELS[1], SPAMMER, "badword twice")
    scan(runtime)
    until = fake_discord.member(G, SPAMMER)["communication_disabled_until"]
    assert until is not None
    ends = datetime.fromisoformat(until.replace("Z", "+00:00"))
    assert timedelta(minutes=59) < ends - datetime.now(timezone.utc) <= timedelta(hours=1)
    cases = rows(runtime, "SELECT case_number, action, source, reason FROM mod_cases ORDER BY case_number")
    assert [(c["action"], c["source"]) for c in cases] == [("warn", "automod"), ("warn", "automod"),
                                                            ("timeout", "escalation")]
    assert "(case #2)" in cases[2]["reason"]
    scan(runtime)
    assert len(rows(runtime, "SELECT 1 FROM mod_cases")) == 3  # nothing new, nothing escalated twice


def test_an_automod_timeout_never_shortens_a_longer_timeout_a_moderator_gave(guild, runtime, fake_discord):
    set_rule(runtime, type="caps", action="timeout", duration=300)
    scan(runtime)
    shouting = post(fake_discord, CHANNELS[0], SPAMMER, "WHY IS EVERYONE SO QUIET")
    longer = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    runtime.discord.patch(f"/guilds/{G}/members/{SPAMMER}", {"communication_disabled_until": longer})  # a moderator, before the scan
    scan(runtime)
    assert shouting not in {m["id"] for m in fake_discord.channel_messages(CHANNELS[0])}
    until = fake_discord.member(G, SPAMMER)["communication_disabled_until"]
    assert datetime.fromisoformat(until.replace("Z", "+00:00")) == datetime.fromisoformat(longer)
    assert rows(runtime, "SELECT action FROM mod_cases WHERE source = 'automod'") == []  # no case for a timeout not given
