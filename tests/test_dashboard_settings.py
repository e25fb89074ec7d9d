"""Settings on the dashboard: saved through the same checks as /config, every change in the change log,
bad bodies refused, ids of other guilds refused."""
import pytest

from tests import interactions as ix
from tests.dashboard_support import (  # noqa: F401  (fixtures)
    GUILD, OWNER, READ_ROLE, clock, dash_app, dash_discord, dash_settings, owner, runtime)

CHANNEL = "880000000000000001"


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


def test_ids_from_another_guild_are_refused(owner, dash_discord):
    from tests.dashboard_support import OTHER_GUILD
    dash_discord.add_channel(GUILD, CHANNEL, name="mod-log")
    dash_discord.add_channel(OTHER_GUILD, "889000000000000001", name="elsewhere")
    assert owner.post("/dashboard/api/settings/modlog", {"channel_id": CHANNEL}).status_code == 200
    for path, body in [("/dashboard/api/settings/modlog", {"channel_id": "889000000000000001"}),
                       ("/dashboard/api/settings/ai", {"allowed_channel_ids": ["889000000000000001"]}),
                       ("/dashboard/api/settings/xp", {"level_roles": [{"level": 2, "role_id": OTHER_GUILD}]}),
                       ("/dashboard/api/automod/rules/caps", {"exempt_roles": [OTHER_GUILD]}),
                       ("/dashboard/api/custom", {"name": "x", "template": "y", "allowed_channel_id": "889000000000000001"})]:
        answer = owner.post(path, body)
        assert answer.status_code == 400 and "isn't in this server" in answer.get_json()["error"], path
    assert owner.get("/dashboard/api/settings").get_json()["sections"]["modlog"]["values"]["channel_id"] == CHANNEL


def test_a_deeply_nested_body_is_400_not_a_crash(owner):
    url = f"/dashboard/api/settings/general?guild_id={GUILD}"
    for data in ("[" * 30000 + "]" * 30000, '{"a":' * 10000 + "1" + "}" * 10000, '{"language": ' + "[" * 50 + "]" * 50 + "}"):
        answer = owner.client.post(url, data=data, content_type="application/json",
                                   headers={"X-CSRF-Token": owner.csrf})
        assert answer.status_code == 400 and answer.get_json()["error"]


def test_no_transaction_stays_open_while_discord_is_asked(owner, dash_discord, clean_db, clock):
    import threading
    import time

    import psycopg2
    dash_discord.add_channel(GUILD, CHANNEL, name="mod-log")
    clock.advance(61)  # the next write asks Discord again for everything
    dash_discord.slow("GET", "/users/@me/guilds", 0.6)
    dash_discord.slow("GET", rf"/guilds/{GUILD}/channels", 0.6)
    answers = []
    worker = threading.Thread(target=lambda: answers.append(
        owner.post("/dashboard/api/settings/modlog", {"channel_id": CHANNEL})))
    worker.start()
    watcher = psycopg2.connect(clean_db)
    watcher.autocommit = True
    seen = set()
    while worker.is_alive():
        with watcher.cursor() as cur:
            cur.execute("SELECT query FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid() AND state = 'idle in transaction' "
                        "AND now() - state_change > interval '300 milliseconds'")
            seen |= {row[0] for row in cur.fetchall()}
        time.sleep(0.02)
    worker.join()
    watcher.close()
    assert answers[0].status_code == 200
    assert seen == set(), f"a transaction waited on Discord after: {seen}"  # Discord answers 0.6 s late here
