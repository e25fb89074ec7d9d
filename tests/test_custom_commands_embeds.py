"""/cc embed: a custom command that answers with an embed (templated title, description, fields, footer),
checked against Discord's embed limits when it is saved and when it runs; every answer validated by the spec."""
import pytest

from tests import interactions as ix
from tests.test_custom_commands import GUILD_COMMANDS, add, cc, rows, text, use


@pytest.fixture
def fake_discord(own_discord):
    own_discord.reset()
    own_discord.forget_commands()
    return own_discord


def embed(discord, name, *options, **kw):
    return cc(discord, "embed", ix.opt("name", name), *options, **kw)


def test_an_embed_command_answers_with_its_rendered_embed(discord, fake_discord, clean_db):
    made = embed(discord, "profile",
                 ix.opt("title", "{{ args.who.name }}'s card"),
                 ix.opt("description", "Asked by {{ user.mention }}"),
                 ix.opt("fields", "Level | {{ args.level }} | inline ;; Mood | {{ choice('calm', 'calm') }}"),
                 ix.opt("footer", "Server {{ server.id }}"), ix.opt("color", "#57F287"),
                 ix.opt("image", "https://example.com/banner.png"), ix.opt("url", "https://example.com/p"),
                 ix.opt("timestamp", True, 5), ix.opt("options", "who:user, level?:integer"))
    assert "Added `/profile`, answering with an embed" in text(made), made
    assert rows(clean_db) == [("profile", "registered", int(fake_discord.commands(ix.GUILD_ID)[0]["id"]))]
    assert [o["name"] for o in fake_discord.commands(ix.GUILD_ID)[0]["options"]] == ["who", "level"]

    reply = use(discord, "profile", [ix.opt("who", ix.MEMBER_ID, 6), ix.opt("level", 7, 4)],
                resolved={"users": {ix.MEMBER_ID: ix.member(ix.MEMBER_ID, username="alice")["user"]}})
    assert reply["type"] == 4 and "content" not in reply["data"]
    shown = reply["data"]["embeds"][0]
    assert shown["title"] == "alice's card" and shown["url"] == "https://example.com/p"
    assert shown["description"] == f"Asked by <@{ix.MOD_ID}>"
    assert shown["fields"] == [{"name": "Level", "value": "7", "inline": True},
                               {"name": "Mood", "value": "calm", "inline": False}]
    assert shown["footer"] == {"text": f"Server {ix.GUILD_ID}"} and shown["color"] == 0x57F287
    assert shown["image"] == {"url": "https://example.com/banner.png"} and shown["timestamp"].startswith("20")
    assert reply["data"]["allowed_mentions"] == {"parse": []}


def test_content_and_embed_together_and_parts_cleared(discord, fake_discord, clean_db):
    add(discord, "rules", "Read these, {{ user.name }}:")
    embed(discord, "rules", ix.opt("title", "Rules"), ix.opt("description", "1. Be kind"), ix.opt("footer", "Mods"))
    reply = use(discord, "rules")
    assert reply["data"]["content"].startswith("Read these")
    assert reply["data"]["embeds"][0]["footer"] == {"text": "Mods"}

    embed(discord, "rules", ix.opt("clear", "footer"))
    assert "footer" not in use(discord, "rules")["data"]["embeds"][0]
    embed(discord, "rules", ix.opt("clear", "all"))
    plain = use(discord, "rules")
    assert plain["data"]["embeds"] == [] and plain["data"]["content"].startswith("Read these")

    embed(discord, "rules", ix.opt("title", "Rules"))
    refused = cc(discord, "edit", ix.opt("name", "rules"), ix.opt("clear", "response"))
    assert "Changed" in text(refused)  # the embed still answers
    assert "content" not in use(discord, "rules")["data"]
    nothing = embed(discord, "rules", ix.opt("clear", "all"))
    assert "needs a response, an embed, or both" in text(nothing)
    assert use(discord, "rules")["data"]["embeds"][0]["title"] == "Rules"  # nothing changed
    assert fake_discord.find("PATCH", GUILD_COMMANDS + r"/\d+") == []  # Discord shows no embed: never asked


@pytest.mark.parametrize("options, says", [
    ([ix.opt("title", "{{ 'x' * 300 }}")], "title would be longer than Discord's 256"),
    ([ix.opt("description", "{{ 'x' * 4100 }}")], "longer than Discord's 4,096"),
    ([ix.opt("fields", " ;; ".join(f"f{n} | v" for n in range(26)))], "at most 25 fields"),
    ([ix.opt("fields", "Name | {{ 'x' * 1100 }}")],
     "field 1 would be longer than Discord's 1,024"),
    ([ix.opt("footer", "{{ 'x' * 2100 }}")],
     "footer would be longer than Discord's 2,048"),
    ([ix.opt("description", "{{ 'x' * 4000 }}"),
      ix.opt("fields", " ;; ".join("n | {{ 'x' * 1000 }}" for _ in range(3)))],
     "past Discord's 6,000 for one embed"),
    ([ix.opt("title", "{{ ''.__class__ }}")], "names starting with _ are internal"),
    ([ix.opt("title", "ok"), ix.opt("color", "chartreuse-ish")], "can't read the colour"),
    ([ix.opt("title", "ok"), ix.opt("image", "javascript:alert(1)")], "must be an http(s) link"),
    ([ix.opt("fields", "just a name")], "write `name | value`"),
])
def test_an_embed_over_discords_limits_is_refused_when_saved(discord, fake_discord, clean_db, options, says):
    answer = embed(discord, "big", *options)
    assert answer["data"]["flags"] & 64 and says in text(answer), text(answer)
    assert rows(clean_db) == [] and fake_discord.find("POST", GUILD_COMMANDS) == []


def test_an_embed_that_breaks_a_limit_only_at_run_time_answers_ephemerally(discord, fake_discord, clean_db):
    embed(discord, "grow", ix.opt("options", "n:integer"),
          ix.opt("description", "{{ '0123456789' * args.n }}"),
          ix.opt("fields", " ;; ".join("n | {{ 'x' * args.n }}" for _ in range(6))))
    fine = use(discord, "grow", [ix.opt("n", 3, 4)])
    assert fine["data"]["embeds"][0]["description"] == "0123456789" * 3
    too_long = use(discord, "grow", [ix.opt("n", 420, 4)])
    assert too_long["data"]["flags"] & 64 and "description would be longer than Discord's 4,096" in \
        too_long["data"]["content"]
    too_much = use(discord, "grow", [ix.opt("n", 400, 4)])
    assert too_much["data"]["flags"] & 64 and "past Discord's 6,000" in too_much["data"]["content"]


def test_without_text_parts_a_form_opens_filled_with_the_current_embed(discord, fake_discord, clean_db):
    embed(discord, "card", ix.opt("title", "Old title"), ix.opt("fields", "A | 1 | inline"), ix.opt("color", "red"))
    form = embed(discord, "card")
    assert form["type"] == 9 and form["data"]["custom_id"] == "ccembed:card"
    boxes = {row["components"][0]["custom_id"]: row["components"][0] for row in form["data"]["components"]}
    assert boxes["title"]["value"] == "Old title" and boxes["fields"]["value"] == "A | 1 | inline"
    assert boxes["color"]["value"] == "#ED4245" and "value" not in boxes["footer"]

    submitted = ix.command("x", interaction_type=5)
    submitted["data"] = {"custom_id": "ccembed:card", "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "title", "value": "New {{ user.name }}"}]},
        {"type": 1, "components": [{"type": 4, "custom_id": "description", "value": "Line one\nLine two"}]},
        {"type": 1, "components": [{"type": 4, "custom_id": "fields", "value": "A | 1\nB | 2 | inline"}]},
        {"type": 1, "components": [{"type": 4, "custom_id": "footer", "value": ""}]},
        {"type": 1, "components": [{"type": 4, "custom_id": "color", "value": ""}]}]}
    changed = discord.send(submitted)
    assert "Changed `/card`" in changed["data"]["content"]
    shown = use(discord, "card")["data"]["embeds"][0]
    assert shown["title"] == "New user004" and shown["description"] == "Line one\nLine two"
    assert [f["inline"] for f in shown["fields"]] == [False, True] and "color" not in shown


def test_an_embed_and_suggestions_survive_export_and_import(discord, fake_discord, clean_db):
    import json

    from sandbox.discord.request_body import parse_multipart
    from tests.test_custom_commands import wait_for
    embed(discord, "card", ix.opt("options", "pick:string {red|green|blue}"), ix.opt("title", "{{ args.pick }}"),
          ix.opt("fields", "a | b | inline"), ix.opt("color", "blue"))
    response = discord.post(json.dumps(ix.command("cc", [ix.sub("export")])).encode())
    _, files = parse_multipart(response.content_type, response.get_data())
    document = json.loads(files[0][3])
    assert document["commands"][0]["embed"]["fields"] == [{"name": "a", "value": "b", "inline": True}]
    cc(discord, "remove", ix.opt("name", "card"))

    attachment = fake_discord.upload("custom-commands.json", json.dumps(document).encode())
    interaction = ix.command("cc", [ix.sub("import", ix.opt("file", attachment["id"], 11))],
                             resolved={"attachments": {attachment["id"]: attachment}})
    discord.send(interaction)
    assert wait_for(lambda: "Imported 1" in ((fake_discord.webhook_messages(interaction["token"]) or [{}])[0]
                                             .get("content") or ""))
    registered = fake_discord.commands(ix.GUILD_ID)[0]
    assert registered["options"][0]["autocomplete"] is True
    shown = use(discord, "card", [ix.opt("pick", "green")], command_id=registered["id"])["data"]["embeds"][0]
    assert shown["title"] == "green" and shown["color"] == 0x5865F2 and shown["fields"][0]["inline"] is True
