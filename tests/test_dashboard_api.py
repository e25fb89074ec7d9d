"""What a server owner sees and changes on the dashboard: stats, cases, settings and their change log,
leaderboard, automod and custom commands, each through the same services the commands use."""
import time
from datetime import timedelta

import pytest

from tests import interactions as ix
from tests.dashboard_support import (  # noqa: F401  (fixtures)
    GUILD, MEMBER, OWNER, READ_ROLE, api_as, clock, dash_app, dash_discord, dash_settings)

CHANNEL = "880000000000000001"


@pytest.fixture
def owner(dash_app, dash_discord):
    return api_as(dash_app, dash_discord, OWNER)


@pytest.fixture
def runtime(dash_app):
    return dash_app.extensions["statussync"]


def record(runtime, action, user_id, moderator_id, reason, when):
    from app.moderation.cases import record_case
    with runtime.transaction() as conn:
        return record_case(conn, GUILD, action, user_id, moderator_id, reason, when)


def test_stats_count_cases_by_type_per_day_and_messages_the_scan_read(owner, runtime, dash_discord, clock):
    from app.jobs.scan import scan
    today = clock()
    record(runtime, "warn", MEMBER, OWNER, "spam", today - timedelta(days=2))
    record(runtime, "warn", MEMBER, OWNER, "spam again", today)
    record(runtime, "ban", MEMBER, OWNER, "enough", today)
    record(runtime, "kick", MEMBER, OWNER, "long ago", today - timedelta(days=40))
    dash_discord.add_channel(GUILD, CHANNEL)
    scan(runtime)  # the first look at a channel starts its cursor at the newest message
    for _ in range(3):
        dash_discord.add_message(CHANNEL, dash_discord.next_snowflake(), MEMBER, "hello there")
    dash_discord.add_message(CHANNEL, dash_discord.next_snowflake(), dash_discord.application_id, "a bot's own")
    scan(runtime)
    stats = owner.get("/dashboard/api/stats", days=7).get_json()
    assert len(stats["days"]) == 7 and stats["days"][-1] == today.date().isoformat()
    assert stats["cases"]["by_type"] == {"ban": [0] * 6 + [1], "warn": [0, 0, 0, 0, 1, 0, 1]}
    assert stats["cases"]["recorded"] == 4
    real_day = dash_discord.channel_messages(CHANNEL)[-1]["timestamp"][:10]
    assert stats["messages"]["total"] == 3 and stats["messages"]["per_day"][stats["days"].index(real_day)] == 3
    assert stats["members"] == 6  # Discord's count: the owner, the bot and four members
    assert stats["most_active"][0]["user_id"] == MEMBER and stats["most_active"][0]["messages"] == 3
    assert stats["most_active"][0]["name"] == "member"  # the scan remembered the author's name
    [case] = owner.get("/dashboard/api/cases", type="ban").get_json()["cases"]
    assert (case["user_name"], case["moderator_name"]) == ("member", "owner")


def test_cases_filter_and_page_by_keyset(owner, runtime, clock):
    now = clock()
    for number in range(1, 8):
        record(runtime, "warn" if number % 2 else "timeout", MEMBER if number < 6 else OWNER, OWNER, f"r{number}",
               now - timedelta(days=8 - number))
    first = owner.get("/dashboard/api/cases", limit=3).get_json()
    assert [c["number"] for c in first["cases"]] == [7, 6, 5] and first["next_before"] == 5
    second = owner.get("/dashboard/api/cases", limit=3, before=first["next_before"]).get_json()
    assert [c["number"] for c in second["cases"]] == [4, 3, 2]
    last = owner.get("/dashboard/api/cases", limit=3, before=2).get_json()
    assert [c["number"] for c in last["cases"]] == [1] and last["next_before"] is None
    assert [c["number"] for c in owner.get("/dashboard/api/cases", type="warn").get_json()["cases"]] == [7, 5, 3, 1]
    assert [c["number"] for c in owner.get("/dashboard/api/cases", user_id=OWNER).get_json()["cases"]] == [7, 6]
    assert owner.get("/dashboard/api/cases", moderator_id=MEMBER).get_json()["cases"] == []
    since = (now - timedelta(days=3)).isoformat()
    assert [c["number"] for c in owner.get("/dashboard/api/cases", since=since).get_json()["cases"]] == [7, 6, 5]
    assert owner.get("/dashboard/api/cases", since="yesterday").status_code == 400


def test_a_case_shows_its_reason_history_and_text_stays_text(owner, runtime, clock):
    from app.moderation.cases import change_reason
    record(runtime, "warn", MEMBER, OWNER, "first", clock())
    with runtime.transaction() as conn:
        change_reason(conn, GUILD, 1, "<script>alert(1)</script>", OWNER, clock())
    found = owner.get("/dashboard/api/cases/1").get_json()
    assert found["case"]["reason"] == "<script>alert(1)</script>"
    assert [(h["old_reason"], h["new_reason"], h["author_id"]) for h in found["history"]] == [
        ("first", "<script>alert(1)</script>", OWNER)]
    assert owner.get("/dashboard/api/cases/2").status_code == 404


def test_a_settings_change_is_saved_and_logged_with_who_and_from_where(owner, dash_app, signing_key):
    saved = owner.post("/dashboard/api/settings/xp", {"enabled": False, "announce_level_ups": True})
    assert saved.status_code == 200 and saved.get_json()["values"]["enabled"] is False
    assert owner.get("/dashboard/api/settings").get_json()["sections"]["xp"]["values"]["enabled"] is False
    discord = ix.DiscordSide(dash_app.test_client(), signing_key)
    discord.command("config", [ix.sub("modlog", ix.opt("channel", CHANNEL, 7))], permissions=ix.MANAGE_GUILD,
                    resolved={"channels": {CHANNEL: {"id": CHANNEL, "name": "mod-log", "type": 0, "permissions": "0"}}})
    owner.post("/dashboard/api/settings/xp", {"enabled": False})  # no change: nothing logged
    changes = owner.get("/dashboard/api/changes").get_json()["changes"]
    seen = [(c["section"], c["key"], c["old"], c["new"], c["actor_id"], c["source"]) for c in changes]
    assert seen[0] == ("modlog", "channel_id", None, CHANNEL, ix.MOD_ID, "command")  # newest first
    assert sorted(seen[1:]) == [("xp", "announce_level_ups", False, True, OWNER, "dashboard"),
                                ("xp", "enabled", True, False, OWNER, "dashboard")]


def test_access_changes_are_in_the_change_log(owner):
    owner.post("/dashboard/api/access", {"grants": [{"role_id": READ_ROLE, "level": "read"}]})
    owner.post("/dashboard/api/access", {"grants": []})
    changes = owner.get("/dashboard/api/changes", section="access").get_json()["changes"]
    assert [(c["key"], c["old"], c["new"]) for c in changes] == [(f"role:{READ_ROLE}", "read", None),
                                                                 (f"role:{READ_ROLE}", None, "read")]


@pytest.mark.parametrize("body, words", [
    ({"enabled": "yes"}, "true or false"), ({"channel_id": "abc"}, "id"), ({"nope": 1}, "Unknown setting"),
    ({"language": 5}, "text"), ({"language": "a\u0000b"}, "NUL"), ({"announce_level_ups": None, "x": [1]}, "Unknown")])
def test_a_settings_body_with_wrong_types_or_unknown_fields_is_400(owner, body, words):
    section = "modlog" if "channel_id" in body else "general" if "language" in body else "xp"
    answer = owner.post(f"/dashboard/api/settings/{section}", body)
    assert answer.status_code == 400 and words in answer.get_json()["error"], answer.get_json()
    assert owner.get("/dashboard/api/changes").get_json()["changes"] == []


def test_bad_bodies_are_400_and_a_huge_one_413(owner):
    client, headers = owner.client, {"X-CSRF-Token": owner.csrf}
    url = f"/dashboard/api/settings/general?guild_id={GUILD}"
    for data, kind in [("not json", "application/json"), ("[1, 2]", "application/json"), ("{}", "text/plain"),
                       ('{"language": NaN}', "application/json"), ('{"language": "\\ud800"}', "application/json")]:
        answer = client.post(url, data=data, content_type=kind, headers=headers)
        assert answer.status_code == 400 and answer.get_json()["error"], data
    huge = client.post(url, data='{"language": "' + "x" * 200_000 + '"}', content_type="application/json",
                       headers=headers)
    assert huge.status_code == 413 and "too large" in huge.get_json()["error"]
    unknown = client.get(f"/dashboard/api/unknown?guild_id={GUILD}")
    assert unknown.status_code == 404 and unknown.get_json()["error"]
    assert owner.post("/dashboard/api/settings/nosuch", {"a": 1}).status_code == 404


def test_leaderboard_and_rep(owner, runtime):
    with runtime.transaction() as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO user_xp (guild_id, user_id, xp, level, message_count) VALUES "
                    "(%s, %s, 500, 3, 40), (%s, %s, 120, 1, 9)", (GUILD, MEMBER, GUILD, OWNER))
        cur.execute("INSERT INTO user_rep (guild_id, user_id, rep) VALUES (%s, %s, 4)", (GUILD, OWNER))
    board = owner.get("/dashboard/api/leaderboard", period="all").get_json()
    assert [(e["place"], e["user_id"], e["xp"]) for e in board["entries"]] == [(1, MEMBER, 500), (2, OWNER, 120)]
    assert owner.get("/dashboard/api/rep").get_json()["entries"] == [{"place": 1, "user_id": OWNER, "name": "owner",
                                                                      "rep": 4}]  # named from the login
    assert [e["name"] for e in board["entries"]] == [None, "owner"]  # MEMBER never seen by the scan here
    assert owner.get("/dashboard/api/leaderboard", period="monthly").status_code == 400


def test_automod_edits_go_through_the_same_rules_and_reach_discords_automod(owner, dash_discord):
    saved = owner.post("/dashboard/api/automod/rules/caps", {"enabled": True, "threshold": 60, "action": "warn"})
    assert saved.status_code == 200 and saved.get_json()["rule"]["threshold"] == 60
    assert owner.post("/dashboard/api/automod/rules/caps", {"threshold": 500}).status_code == 400
    assert owner.post("/dashboard/api/automod/rules/caps", {"enabled": "true"}).status_code == 400
    words = owner.post("/dashboard/api/automod/lists/words", {"add": ["badword", "x"]}).get_json()
    assert "badword" in words["items"] and words["discord"]["pushed"] is True
    assert any("badword" in str(rule) for rule in dash_discord.automod_rules(GUILD))
    tested = owner.post("/dashboard/api/automod/test", {"text": "you are a badword"}).get_json()
    assert any(r["rule"] == "bad_words" and r["fires"] for r in tested["results"])
    calm = owner.post("/dashboard/api/automod/test", {"text": "hello"}).get_json()
    assert not any(r["fires"] for r in calm["results"])
    rules = {r["type"]: r for r in owner.get("/dashboard/api/automod").get_json()["rules"]}
    assert rules["caps"]["enabled"] and rules["bad_words"]["config"]["words"] == words["items"]


def test_custom_commands_are_registered_previewed_edited_and_removed(owner, dash_discord):
    preview = owner.post("/dashboard/api/custom/preview", {"template": "Hi {{ user.name }}!"})
    assert preview.status_code == 200 and preview.get_json()["rendered"].startswith("Hi ")
    bad = owner.post("/dashboard/api/custom/preview", {"template": "{% for x in range(10**9) %}x{% endfor %}"})
    assert bad.status_code == 400
    made = owner.post("/dashboard/api/custom", {"name": "hello", "template": "Hello {{ user.mention }}"})
    assert made.status_code == 201 and made.get_json()["command"]["registered"] is True
    assert [c["name"] for c in dash_discord.commands(GUILD)] == ["hello"]
    assert owner.post("/dashboard/api/custom", {"name": "hello", "template": "again"}).status_code == 400
    assert owner.post("/dashboard/api/custom", {"name": "ban", "template": "x"}).status_code == 400
    edited = owner.post("/dashboard/api/custom/hello", {"template": "Hey {{ user.mention }}"})
    assert edited.get_json()["command"]["template"] == "Hey {{ user.mention }}"
    assert owner.delete("/dashboard/api/custom/hello").get_json() == {"removed": "hello"}
    assert dash_discord.commands(GUILD) == [] and owner.get("/dashboard/api/custom").get_json()["commands"] == []


def test_pickers_list_roles_and_text_channels(owner, dash_discord):
    dash_discord.add_channel(GUILD, CHANNEL, name="general")
    dash_discord.add_channel(GUILD, "880000000000000002", name="voice", type=2)
    roles = owner.get("/dashboard/api/roles").get_json()["roles"]
    assert [r["name"] for r in roles] == ["Mods", "Readers", "Editors"]
    assert owner.get("/dashboard/api/channels").get_json()["channels"] == [
        {"id": CHANNEL, "name": "general", "type": "text", "parent_id": None}]


def test_database_down_is_503_json(dash_settings, dash_discord):
    from app import create_app
    app = create_app({**dash_settings, "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none"})
    client = app.test_client()
    with client.session_transaction() as session:
        session["sid"] = "a" * 43
    answer = client.get(f"/dashboard/api/settings?guild_id={GUILD}")
    assert answer.status_code == 503 and "database" in answer.get_json()["error"]


def test_a_date_range_pages_newest_first_and_a_deleted_case_leaves_the_chart(owner, runtime, clock):
    from app.moderation.cases import delete_case
    now = clock()
    for number in range(1, 7):
        record(runtime, "warn", MEMBER, OWNER, f"r{number}", now - timedelta(days=10 - number))
    window = {"since": (now - timedelta(days=8, hours=1)).isoformat(), "until": (now - timedelta(days=4, hours=1)).isoformat()}
    first = owner.get("/dashboard/api/cases", limit=2, **window).get_json()
    assert [c["number"] for c in first["cases"]] == [5, 4] and first["next_before"] == 4
    rest = owner.get("/dashboard/api/cases", limit=2, before=4, **window).get_json()
    assert [c["number"] for c in rest["cases"]] == [3, 2] and rest["next_before"] is None
    assert sum(owner.get("/dashboard/api/stats", days=14).get_json()["cases"]["by_type"]["warn"]) == 6
    with runtime.transaction() as conn:
        delete_case(conn, GUILD, 6, OWNER, now)
    assert sum(owner.get("/dashboard/api/stats", days=14).get_json()["cases"]["by_type"]["warn"]) == 5
    assert 6 not in [c["number"] for c in owner.get("/dashboard/api/cases").get_json()["cases"]]


@pytest.mark.parametrize("query", [{"user_id": "1\x00"}, {"type": "warn\x00"}, {"since": "2026-01-01\x00"},
                                   {"before": "1e9"}, {"limit": "1000"}, {"days": "0"}, {"type": "x" * 100},
                                   {"moderator_id": "99999999999999999999"}])
def test_hostile_query_parameters_are_400(owner, query):
    path = "/dashboard/api/stats" if "days" in query else "/dashboard/api/cases"
    answer = owner.get(path, **query)
    assert answer.status_code == 400 and answer.get_json()["error"]


def test_discord_failing_is_a_503_not_a_stale_answer(owner, dash_discord, clock, runtime):
    clock.advance(61)  # the guild list cached at login is now too old to use
    dash_discord.queue("GET", "/users/@me/guilds", 500, times=10)
    answer = owner.get("/dashboard/api/settings")
    assert answer.status_code == 503 and "Discord" in answer.get_json()["error"]
    dash_discord.reset()
    dash_discord.rate_limit("GET", "/users/@me/guilds", retry_after=30, times=10)
    started = time.monotonic()
    answer = owner.post("/dashboard/api/settings/general", {"command_xp": True})
    assert answer.status_code == 503 and time.monotonic() - started < 9  # not 30 s of waiting
    from app import guild_settings
    with runtime.connection() as conn:
        assert guild_settings.load_section(conn, GUILD, "general")["command_xp"] is False


def test_a_revoked_discord_token_ends_the_session(owner, dash_discord, clock):
    with dash_discord._lock:
        dash_discord._oauth_tokens.clear()
    clock.advance(61)
    answer = owner.get("/dashboard/api/settings")
    assert answer.status_code == 401 and "log in again" in answer.get_json()["error"]
