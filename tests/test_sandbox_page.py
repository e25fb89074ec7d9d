"""The local sandbox's page and API (issue 14): the simulated Discord in-process with the demo guild, commands
registered into it at start, interactions built from its state and really signed, answers shown per channel
(ephemeral ones to their user only), components, modals and autocomplete, and nothing of it when Discord is
configured."""
import re
from pathlib import Path

import pytest
import requests

from app.interactions.declare import Option, SlashCommand, component, custom_id, modal
from app.interactions.registry import CommandSet
from sandbox.demo import GUILD_ID, MODERATOR_ID, OWNER_ID
from tests.sandbox_app import sandbox_app, sandbox_server  # noqa: F401

ALICE, BOB = "720000000000000043", "720000000000000044"
GENERAL, STAFF, MODLOG = "720000000000000032", "720000000000000034", "720000000000000035"
STATIC = Path(__file__).resolve().parents[1] / "sandbox" / "static"


def post(base, path, body, **headers):
    return requests.post(f"{base}/sandbox/api/{path}", json=body, headers=headers, timeout=15)


def run(base, command, who=MODERATOR_ID, where=GENERAL, path=(), **options):
    answer = post(base, "commands", {"as": who, "channel_id": where, "name": command, "path": list(path),
                                     "options": options})
    assert answer.status_code == 200, answer.text
    return answer.json()


def seen(base, channel, who):
    return requests.get(f"{base}/sandbox/api/channels/{channel}/messages", params={"as": who}, timeout=5).json()["messages"]


def test_with_discord_configured_the_sandbox_is_absent(app):
    client = app.test_client()
    for path in ("/sandbox", "/sandbox/", "/sandbox/api/world", "/sandbox/static/sandbox.js"):
        assert client.get(path).status_code == 404
    assert client.post("/sandbox/api/commands", json={}).status_code == 404
    assert "SANDBOX" not in app.extensions["statussync"].settings


def test_local_mode_points_the_rest_client_at_the_simulated_discord_with_the_demo_guild(sandbox_server):
    base, simulator = sandbox_server
    world = requests.get(f"{base}/sandbox/api/world", timeout=5).json()
    assert world["guild"]["id"] == GUILD_ID
    names = {c["name"]: c["type"] for c in world["channels"]}
    assert names["mod-log"] == 0 and names["Staff"] == 4
    roles = [r["name"] for r in world["roles"]]
    assert roles.index("StatusSync") < roles.index("Moderator") < roles.index("Member")  # the bot above the mods
    members = {m["username"]: m for m in world["members"]}
    assert members["olivia"]["owner"] and members["max"]["top_role"] == "Moderator" and members["StatusSync"]["bot"]
    declared = {c["name"] for c in simulator.fake.commands()}
    assert {"warn", "cases", "rank", "cc", "config"} <= declared  # registered at start, as register_commands does
    assert {c["name"] for c in world["commands"]} == declared


def test_a_member_without_the_permission_is_refused_by_the_app_from_the_signed_payload(sandbox_server):
    base, simulator = sandbox_server
    refused = run(base, "warn", who=BOB, user=ALICE, reason="nope")
    assert refused["type"] == 4 and refused["raw"]["data"]["flags"] & 64
    assert "permission" in refused["raw"]["data"]["content"].lower()
    warned = run(base, "warn", who=MODERATOR_ID, user="alice", reason="names resolve too")
    assert "Case #1" in warned["raw"]["data"]["embeds"][0]["title"]
    sent = [r for r in simulator.fake.requests if r.method == "POST" and r.path == f"/channels/{MODLOG}/messages"]
    assert len(sent) == 1  # the mod-log post went through the app's REST client to the simulated Discord


def test_ephemeral_answers_show_only_to_their_user_and_the_mod_log_fills(sandbox_server):
    base, _ = sandbox_server
    run(base, "warn", user=BOB, reason="spam")
    mine = [m for m in seen(base, GENERAL, MODERATOR_ID) if m.get("interaction")]
    assert mine and mine[-1]["ephemeral"] and mine[-1]["interaction"] == {"user": "Max", "action": "used", "label": "/warn"}
    assert not [m for m in seen(base, GENERAL, BOB) if m.get("interaction")]
    log = seen(base, MODLOG, MODERATOR_ID)
    assert log[-1]["author"]["bot"] and log[-1]["embeds"][0]["title"] == "Case #1 · Warning"


def test_the_staff_channel_is_hidden_from_members_by_its_overwrites(sandbox_server):
    base, _ = sandbox_server
    as_member = {c["name"]: c["visible"] for c in requests.get(f"{base}/sandbox/api/world", params={"as": BOB}).json()["channels"]}
    as_mod = {c["name"]: c["visible"] for c in requests.get(f"{base}/sandbox/api/world", params={"as": MODERATOR_ID}).json()["channels"]}
    assert as_member["general"] and not as_member["staff-chat"] and as_mod["staff-chat"]


def test_a_custom_command_made_with_cc_is_registered_in_the_guild_and_runs(sandbox_server):
    base, simulator = sandbox_server
    made = run(base, "cc", who=OWNER_ID, path=["add"], name="hello", response="Hello {{ user.name }}!")
    assert made["type"] == 4, made
    assert [c["name"] for c in simulator.fake.commands(GUILD_ID)] == ["hello"]
    world = requests.get(f"{base}/sandbox/api/world", timeout=5).json()
    assert "hello" in {c["name"] for c in world["commands"]}
    said = run(base, "hello", who=ALICE)
    assert said["raw"]["data"]["content"].startswith("Hello ")


def test_a_deferred_answer_fills_in_and_its_card_is_served_by_the_simulated_cdn(sandbox_server):
    base, _ = sandbox_server
    answer = run(base, "rank", who=ALICE)
    assert answer["type"] == 5
    import time
    for _ in range(60):
        messages = requests.get(f"{base}/sandbox/api/interactions/{answer['token']}", timeout=5).json()["messages"]
        if messages and not messages[0]["loading"]:
            break
        time.sleep(0.25)
    card = messages[0]["attachments"][0]
    assert card["filename"] == "rank.png" and card["url"].startswith("/sandbox/cdn/attachments/")
    image = requests.get(base + card["url"], timeout=5)
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")


def test_a_message_then_the_scan_removes_caps_and_reports_it_in_the_mod_log(sandbox_server):
    base, _ = sandbox_server
    said = post(base, "messages", {"as": BOB, "channel_id": GENERAL, "content": "STOP IGNORING ME EVERYONE"})
    assert said.status_code == 200
    assert any(m["id"] == said.json()["id"] for m in seen(base, GENERAL, BOB))
    summary = post(base, "jobs/scan", {}).json()["summary"]
    assert "1 flagged" in summary
    assert not any(m["id"] == said.json()["id"] for m in seen(base, GENERAL, BOB))
    assert any("caps" in str(m["embeds"]).lower() or "caps" in m["content"].lower() for m in seen(base, MODLOG, OWNER_ID))


# --- components, modals, autocomplete: a probe command of this test's own ---------------------------------

FRUITS = ["apple", "apricot", "banana"]


def suggest(ctx, typed):
    return [(fruit, fruit) for fruit in FRUITS if fruit.startswith(typed)]


pick = SlashCommand("pick", "Pick a fruit", options=[Option.string("fruit", "Which", autocomplete=suggest)])


@pick
def pick_fruit(ctx, fruit):
    menu = {"type": 3, "custom_id": custom_id("pickmenu"), "options": [
        {"label": "Ripe", "value": "ripe"}, {"label": "Green", "value": "green"}]}
    rename = {"type": 2, "style": 1, "label": "Rename", "custom_id": custom_id("pickname")}
    return ctx.reply(f"You picked {fruit}", components=[{"type": 1, "components": [menu]},
                                                        {"type": 1, "components": [rename]}])


@component("pickmenu")
def chose_ripeness(ctx):
    return ctx.update(f"Ripeness: {ctx.values[0]}")


@component("pickname")
def ask_name(ctx):
    return ctx.modal(custom_id("picknamed"), "Rename the fruit", [
        {"type": 1, "components": [{"type": 4, "custom_id": "name", "label": "New name", "style": 1}]}])


@modal("picknamed")
def renamed(ctx):
    return ctx.reply(f"Renamed to {ctx.data['fields']['name']}")


class _Probe:
    pick, chose_ripeness, ask_name, renamed = pick, chose_ripeness, ask_name, renamed


@pytest.fixture
def probe_server(clean_db, tmp_path, monkeypatch):
    from app import create_app
    from app.config import DISCORD_REQUIRED
    from tests.browser import live_server
    for key in DISCORD_REQUIRED + ("SECRET_KEY",):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("STATUSSYNC_DATA_DIR", str(tmp_path))
    app = create_app({"DATABASE_URL": clean_db, "COMMANDS": CommandSet.from_modules([_Probe])})
    with live_server(app) as base:
        yield base
    app.extensions["statussync"].settings["SANDBOX"].stop()


def test_autocomplete_select_menus_buttons_and_modals_really_go_to_the_app(probe_server):
    base = probe_server
    assert run(base, "pick", fruit="ap")["type"] == 4  # the command itself; then the autocomplete of its option:
    typed = post(base, "commands", {"as": ALICE, "channel_id": GENERAL, "name": "pick", "options": {"fruit": "ap"},
                                    "focused": "fruit"}).json()
    assert typed["type"] == 8 and [c["name"] for c in typed["choices"]] == ["apple", "apricot"]
    reply = [m for m in seen(base, GENERAL, MODERATOR_ID) if m.get("interaction")][-1]
    assert reply["content"] == "You picked ap"
    updated = post(base, "components", {"as": ALICE, "key": reply["key"], "custom_id": "pickmenu", "values": ["ripe"]}).json()
    assert updated["type"] == 7
    now = [m for m in seen(base, GENERAL, MODERATOR_ID) if m["key"] == reply["key"]][0]
    assert now["content"] == "Ripeness: ripe" and now["components"]  # the same message, edited in place
    opened = post(base, "components", {"as": ALICE, "key": reply["key"], "custom_id": "pickname"}).json()
    assert opened["type"] == 9 and opened["modal"]["title"] == "Rename the fruit"
    submitted = post(base, "modals", {"as": ALICE, "channel_id": GENERAL, "custom_id": opened["modal"]["custom_id"],
                                      "fields": {"name": "<b>plum</b>"}, "key": reply["key"]}).json()
    assert submitted["type"] == 4
    last = seen(base, GENERAL, ALICE)[-1]
    assert last["content"] == "Renamed to <b>plum</b>"  # text, escaped by the page
    assert last["interaction"] == {"user": "Alice", "action": "submitted", "label": "a form"}
    missing = post(base, "components", {"as": ALICE, "key": reply["key"], "custom_id": "nothing-like-it"})
    assert missing.status_code == 400 and "no such button" in missing.json()["error"]


# --- what the page and API refuse ---------------------------------------------------------------------------

@pytest.mark.parametrize("body, status, message", [
    ({"as": MODERATOR_ID, "channel_id": GENERAL, "name": "nope"}, 400, "not registered"),
    ({"as": "1", "channel_id": GENERAL, "name": "warn", "options": {"user": BOB, "reason": "x"}}, 400, "no member"),
    ({"as": MODERATOR_ID, "channel_id": "720000000000000021", "name": "cases"}, 400, "no text channel"),
    ({"as": MODERATOR_ID, "channel_id": GENERAL, "name": "warn", "options": {"user": "zed", "reason": "x"}}, 400, "no member"),
    ({"as": MODERATOR_ID, "channel_id": GENERAL, "name": "warn", "options": {"user": BOB}}, 400, "reason required"),
    ({"as": MODERATOR_ID, "channel_id": GENERAL, "name": "warn", "options": {"user": BOB, "reason": "a\x00b"}}, 400, "NUL"),
    ({"as": MODERATOR_ID, "channel_id": GENERAL, "name": "purge", "options": {"count": "lots"}}, 400, "whole number"),
    ({"as": MODERATOR_ID, "channel_id": GENERAL, "name": "warn", "path": "x"}, 400, "path is a list"),
])
def test_bad_input_is_a_clear_error_never_a_500(sandbox_server, body, status, message):
    base, _ = sandbox_server
    answer = post(base, "commands", body)
    assert answer.status_code == status and message in answer.json()["error"]


def test_posts_must_be_json_from_this_origin(sandbox_server):
    base, _ = sandbox_server
    form = requests.post(f"{base}/sandbox/api/messages", data={"as": BOB, "channel_id": GENERAL, "content": "hi"})
    assert form.status_code == 400
    foreign = post(base, "messages", {"as": BOB, "channel_id": GENERAL, "content": "hi"}, Origin="https://evil.example")
    assert foreign.status_code == 403
    huge = post(base, "messages", {"as": BOB, "channel_id": GENERAL, "content": "x" * 2001})
    assert huge.status_code == 400


def test_the_cdn_proxy_serves_only_simulator_files_and_never_as_a_page(sandbox_server):
    base, simulator = sandbox_server
    upload = simulator.fake.upload("evil.html", b"<script>alert(1)</script>", "text/html")
    served = requests.get(f"{base}/sandbox/cdn/attachments/{upload['id']}/evil.html", timeout=5)
    assert served.status_code == 200 and served.headers["Content-Type"] == "application/octet-stream"
    assert served.headers["Content-Disposition"] == "attachment"
    assert requests.get(f"{base}/sandbox/cdn/../api/v10/users/@me", timeout=5).status_code == 404


def test_the_page_is_served_with_a_same_origin_policy(sandbox_server):
    base, _ = sandbox_server
    page = requests.get(f"{base}/sandbox", timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"] and page.headers["X-Frame-Options"] == "DENY"
    assert requests.get(f"{base}/sandbox/static/sandbox.js", timeout=5).status_code == 200


def test_the_page_has_no_inline_script_no_cdn_and_builds_text_as_text():
    html = (STATIC / "sandbox.html").read_text()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert not re.search(r"\son[a-z]+=", html)
    for asset in STATIC.iterdir():
        assert not re.search(r"https?://(?!127\.0\.0\.1)", asset.read_text().replace("http://www.w3.org", "")), asset
    scripts = "".join(p.read_text() for p in STATIC.glob("*.js"))
    assert "innerHTML" not in scripts and "insertAdjacentHTML" not in scripts and "eval(" not in scripts


def test_reset_puts_the_server_back_and_keeps_the_commands(sandbox_server):
    base, simulator = sandbox_server
    run(base, "ban", who=OWNER_ID, user=BOB, reason="testing bans")
    world = requests.get(f"{base}/sandbox/api/world", timeout=5).json()
    assert BOB not in {m["id"] for m in world["members"]} and world["bans"][0]["id"] == BOB
    assert post(base, "reset", {}).json() == {"reset": True}
    world = requests.get(f"{base}/sandbox/api/world", timeout=5).json()
    assert BOB in {m["id"] for m in world["members"]} and world["bans"] == []
    assert "warn" in {c["name"] for c in world["commands"]}
    assert [m["content"] for m in seen(base, GENERAL, BOB)] == ["hi everyone! anyone up for a game later?", "sure, after dinner"]


def test_after_a_restart_the_custom_commands_are_registered_again_and_the_demo_settings_kept(sandbox_server, clean_db):
    from app import create_app
    base, first = sandbox_server
    assert run(base, "cc", who=OWNER_ID, path=["add"], name="rules", response="Be kind.")["type"] == 4
    run(base, "config", who=OWNER_ID, path=["modlog"], channel="staff-chat")
    again = create_app({"DATABASE_URL": clean_db})  # a second start: a fresh simulated Discord, the same database
    second = again.extensions["statussync"].settings["SANDBOX"]
    try:
        assert second is not first
        assert [c["name"] for c in second.fake.commands(GUILD_ID)] == ["rules"]
        from app import db, guild_settings
        with db.connection(clean_db) as conn:
            assert guild_settings.load_section(conn, GUILD_ID, "modlog")["channel_id"] == STAFF  # not re-seeded
    finally:
        second.stop()


def test_a_timed_out_member_cannot_post_and_members_cannot_post_in_staff_channels(sandbox_server):
    base, _ = sandbox_server
    timed = run(base, "timeout", user=BOB, duration="10m", reason="cool down")
    assert timed["type"] == 4 and "Case #1" in str(timed["raw"]), timed
    refused = post(base, "messages", {"as": BOB, "channel_id": GENERAL, "content": "let me talk"})
    assert refused.status_code == 400 and "timed out" in refused.json()["error"]
    hidden = post(base, "messages", {"as": ALICE, "channel_id": STAFF, "content": "hello staff"})
    assert hidden.status_code == 400 and "can't send messages in #staff-chat" in hidden.json()["error"]
    assert post(base, "messages", {"as": MODERATOR_ID, "channel_id": STAFF, "content": "hello staff"}).status_code == 200


def test_a_member_sees_nothing_of_a_staff_channel_and_cannot_use_commands_there(sandbox_server):
    base, _ = sandbox_server
    assert post(base, "messages", {"as": MODERATOR_ID, "channel_id": STAFF, "content": "staff only"}).status_code == 200
    looked = requests.get(f"{base}/sandbox/api/channels/{STAFF}/messages", params={"as": BOB}, timeout=5).json()
    assert looked == {"messages": [], "hidden": True}
    assert [m["content"] for m in seen(base, STAFF, MODERATOR_ID)] == ["staff only"]
    refused = post(base, "commands", {"as": BOB, "channel_id": STAFF, "name": "rank"})
    assert refused.status_code == 400 and "can't see #staff-chat" in refused.json()["error"]


def test_a_file_option_is_uploaded_to_the_simulated_cdn_and_read_back_by_the_bot(sandbox_server):
    import base64
    import json
    import time
    base, simulator = sandbox_server
    assert run(base, "cc", who=OWNER_ID, path=["add"], name="faq", response="Read #rules.")["type"] == 4
    exported = run(base, "cc", who=OWNER_ID, path=["export"])
    assert exported["files"] == ["custom-commands.json"]
    link = [m for m in seen(base, GENERAL, OWNER_ID) if m["key"] == exported["key"]][0]["attachments"][0]["url"]
    data = json.loads(requests.get(base + link, timeout=5).content)
    data["commands"][0]["name"] = "faq2"
    upload = {"filename": "mine.json", "content_type": "application/json",
              "base64": base64.b64encode(json.dumps(data).encode()).decode()}
    imported = run(base, "cc", who=OWNER_ID, path=["import"], file=upload)
    assert imported["type"] == 5
    for _ in range(60):
        messages = requests.get(f"{base}/sandbox/api/interactions/{imported['token']}", timeout=5).json()["messages"]
        if messages and not messages[0]["loading"]:
            break
        time.sleep(0.25)
    assert "faq2" in json.dumps(messages)
    assert sorted(c["name"] for c in simulator.fake.commands(GUILD_ID)) == ["faq", "faq2"]
