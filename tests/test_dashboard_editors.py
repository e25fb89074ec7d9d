"""The automod and custom command editors and the pickers, through the services /automod and /cc use."""
from tests.dashboard_support import (  # noqa: F401  (fixtures)
    GUILD, OWNER, clock, dash_app, dash_discord, dash_settings, owner)

CHANNEL = "880000000000000001"


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
    assert [(r["name"], r["managed"]) for r in roles] == [("StatusSync", True), ("Mods", False), ("Readers", False),
                                                          ("Editors", False)]
    assert owner.get("/dashboard/api/channels").get_json()["channels"] == [
        {"id": CHANNEL, "name": "general", "type": "text", "parent_id": None}]


def test_hostile_custom_command_bodies_are_400(owner):
    for body in [{"name": "x", "template": "y", "options": [{"name": "a", "type": 3, "description": "d", "choices": 5}]},
                 {"name": "x", "template": "y", "options": [{"name": "a", "type": [3], "description": "d"}]},
                 {"name": "x", "template": "y", "options": "a:string"},
                 {"name": "x", "template": "y", "options": [{"name": "a", "type": 99, "description": "d"}]},
                 {"name": "x" * 40, "template": "y"}, {"name": "Bad Name", "template": "y"},
                 {"name": "x", "template": "{{ 'a' * 10**9 }}"}, {"name": "x", "template": "{% macro m() %}{% endmacro %}"},
                 {"name": "x", "template": 5}, {"name": "x", "template": "y", "cooldown_seconds": -1},
                 {"name": "x", "template": "y", "cooldown_seconds": True}, {"name": "x", "template": "y", "extra": 1}]:
        answer = owner.post("/dashboard/api/custom", body)
        assert answer.status_code == 400 and answer.get_json()["error"], body
    assert owner.get("/dashboard/api/custom").get_json()["commands"] == []
    typed = owner.post("/dashboard/api/custom", {"name": "pick", "template": "You chose {{ args.colour }}", "options": [
        {"name": "colour", "type": 3, "description": "Which", "required": True,
         "choices": [{"name": "Red", "value": "red"}, {"name": "Blue", "value": "blue"}]}]})
    assert typed.status_code == 201
    registered = owner.get("/dashboard/api/custom").get_json()["commands"][0]
    assert registered["options"][0]["choices"][1] == {"name": "Blue", "value": "blue"}


def test_an_automod_save_stands_when_discords_automod_refuses(owner, dash_discord):
    dash_discord.queue("GET", r"/guilds/\d+/auto-moderation/rules", 500, times=10)
    saved = owner.post("/dashboard/api/automod/lists/words", {"add": ["badword"]})
    assert saved.status_code == 200 and saved.get_json()["discord"]["pushed"] is False
    assert "scan still enforces" in saved.get_json()["discord"]["lines"][0]
    dash_discord.reset()
    rules = {r["type"]: r for r in owner.get("/dashboard/api/automod").get_json()["rules"]}
    assert rules["bad_words"]["config"]["words"] == ["badword"]


def test_automod_changes_from_the_dashboard_and_from_automod_are_in_the_change_log(owner, dash_app, signing_key):
    from tests import interactions as ix
    owner.post("/dashboard/api/automod/rules/caps", {"enabled": True, "threshold": 80})
    owner.post("/dashboard/api/automod/lists/words", {"add": ["badword", "worse"]})
    discord = ix.DiscordSide(dash_app.test_client(), signing_key)
    discord.command("automod", [ix.sub("words", ix.sub("remove", ix.opt("items", "worse")))],
                    permissions=ix.MANAGE_GUILD)
    changes = owner.get("/dashboard/api/changes", section="automod").get_json()["changes"]
    seen = [(c["key"], c["old"], c["new"], c["source"], c["actor_id"]) for c in changes]
    assert seen[0] == ("bad_words.config.words", {"removed": ["worse"]}, {"added": []}, "command", ix.MOD_ID)
    assert ("bad_words.config.words", {"removed": []}, {"added": ["badword", "worse"]}, "dashboard", OWNER) in seen
    assert ("caps.threshold", 70, 80, "dashboard", OWNER) in seen and ("caps.enabled", False, True, "dashboard",
                                                                        OWNER) in seen


def test_custom_command_changes_are_in_the_change_log(owner):
    owner.post("/dashboard/api/custom", {"name": "hello", "template": "Hi"})
    owner.post("/dashboard/api/custom/hello", {"template": "Hey", "cooldown_seconds": 30})
    owner.delete("/dashboard/api/custom/hello")
    changes = owner.get("/dashboard/api/changes", section="custom").get_json()["changes"]
    seen = [(c["key"], c["old"], c["new"], c["source"], c["actor_id"]) for c in reversed(changes)]
    described = {"description": "Custom command /hello"}
    assert seen[0] == ("/hello", None, {"template": "Hi", **described}, "dashboard", OWNER)
    assert sorted(seen[1:3]) == [("/hello.cooldown_seconds", 0, 30, "dashboard", OWNER),
                                 ("/hello.template", "Hi", "Hey", "dashboard", OWNER)]
    assert seen[3] == ("/hello", {"template": "Hey", **described}, None, "dashboard", OWNER) and len(seen) == 4
