"""/cc through the signed HTTP path: custom commands become guild commands on the fake Discord, answer with
their sandboxed templates, and stay out of other guilds and of global registration."""
import json
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from app.custom import templates
from tests import interactions as ix
from tests import spec
from tests.conftest import BOT_TOKEN

ROOT = Path(__file__).resolve().parents[1]
OTHER_GUILD = "811000000000000011"
GUILD_COMMANDS = rf"/applications/{ix.BOT_ID}/guilds/{ix.GUILD_ID}/commands"


@pytest.fixture
def fake_discord(own_discord):
    """This module's own fake, with no command registered: each test starts from a guild without any."""
    own_discord.reset()
    own_discord.forget_commands()
    return own_discord


def cc(discord, sub, *options, **kw):
    return discord.command("cc", [ix.sub(sub, *options)], **kw)


def text(answer) -> str:
    data = answer["data"]
    return data.get("content") or " ".join(e.get("description", "") + e.get("title", "") for e in data["embeds"])


def add(discord, name, response, *extra, **kw):
    return cc(discord, "add", ix.opt("name", name), ix.opt("response", response), *extra, **kw)


def use(discord, name, options=None, *, guild_id=ix.GUILD_ID, command_id=None, **kw):
    interaction = ix.command(name, options, guild_id=guild_id, **kw)
    interaction["data"]["id"] = command_id or interaction["data"]["id"]
    return discord.send(interaction)


def rows(database_url, guild_id=ix.GUILD_ID):
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT name, state, command_id FROM custom_commands WHERE guild_id = %s ORDER BY name",
                    (int(guild_id),))
        return cur.fetchall()


def test_a_custom_command_is_a_guild_command_with_its_options_and_answers_from_its_template(
        discord, fake_discord, clean_db):
    answer = add(discord, "greet", "Hi {{ args.member.mention }}, {{ user.name }} sends {{ args.count * 2 }} hugs",
                 ix.opt("options", "member:user:Who to greet, count?:integer:How many [1|2|3]"))
    assert answer["data"]["flags"] & 64 and "Added `/greet`" in text(answer), answer
    posts = fake_discord.find("POST", GUILD_COMMANDS)
    assert len(posts) == 1
    spec.validate_recorded(posts[0])
    registered = {c["name"]: c for c in fake_discord.commands(ix.GUILD_ID)}["greet"]
    assert [(o["name"], o["type"], o["required"]) for o in registered["options"]] == \
        [("member", 6, True), ("count", 4, False)]
    assert [c["value"] for c in registered["options"][1]["choices"]] == [1, 2, 3]
    assert rows(clean_db) == [("greet", "registered", int(registered["id"]))]

    member = ix.member(ix.MEMBER_ID, username="alice")
    reply = use(discord, "greet", [ix.opt("member", ix.MEMBER_ID, 6), ix.opt("count", 3, 4)],
                command_id=registered["id"],
                resolved={"users": {ix.MEMBER_ID: member["user"]}, "members": {ix.MEMBER_ID: {"roles": []}}})
    assert reply["type"] == 4
    assert reply["data"]["content"] == f"Hi <@{ix.MEMBER_ID}>, user004 sends 6 hugs"
    assert reply["data"]["allowed_mentions"] == {"parse": []}
    assert not reply["data"].get("flags")


def test_list_and_remove(discord, fake_discord, clean_db):
    add(discord, "rules", "Read #rules", ix.opt("description", "Points at the rules"))
    listed = cc(discord, "list")
    assert "/rules" in text(listed) and "Points at the rules" in text(listed) and "1 of 10" in text(listed)
    removed = cc(discord, "remove", ix.opt("name", "rules"))
    assert "Removed `/rules`" in text(removed)
    assert fake_discord.commands(ix.GUILD_ID) == [] and rows(clean_db) == []
    assert len(fake_discord.find("DELETE", GUILD_COMMANDS + r"/\d+")) == 1
    gone = use(discord, "rules")
    assert gone["data"]["flags"] & 64  # a stale command: told to try again, not a template


@pytest.mark.parametrize("template, says", [
    ("{{ ''.__class__.__mro__ }}", "names starting with _ are internal"),
    ("{{ user|attr('__class__') }}", "rendered nothing"),
    ("{% for i in range(9000) %}{% for j in range(9000) %}{% endfor %}{% endfor %}", "too much work"),
    ("{{ 'x' * 10000000 }}", "longer than 10,000"),
    ("{% for i in range(1000) %}0123456789{% endfor %}", "longer than Discord's 2,000"),
    ("{{ '{:>999999999}'.format(1) }}", "str.format is not available"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "macros are not available"),
    ("{% set s = 'a' * 5000 %}{% set s = s ~ s %}{% set s = s ~ s %}{{ s }}", "longer than 10,000"),
    ("{% set s = 'a' * 9000 %}{% for c in s %}{% for d in s %}{% endfor %}{% endfor %}", "too much work"),
    ("{{ ('a' * 100)|replace('a', 'a' * 100)|replace('a', 'a' * 100) }}", "longer than 10,000"),
    ("{% set l = [1] %}{{ l.extend(l) }}", "unsafe"),
    ("{{ 'a'.ljust(999999999) }}", "longer than 10,000"),
    ("{{ ('a' * 5000).join(range(5000)) }}", "longer than 10,000"),
    ("{% set x = 2 ** 64 %}{% set x = x ** 64 %}{% set x = x ** 64 %}{{ x }}", "too large"),
    ("{% if %}", "syntax error"),
])
def test_escapes_runaway_loops_and_huge_output_are_refused_at_save_time(discord, fake_discord, clean_db,
                                                                         template, says):
    answer = add(discord, "bad", template)
    assert answer["data"]["flags"] & 64 and says in text(answer), text(answer)
    assert fake_discord.find("POST", GUILD_COMMANDS) == [] and rows(clean_db) == []


def test_a_template_that_breaks_its_budget_only_at_run_time_answers_ephemerally(discord, fake_discord, clean_db):
    add(discord, "repeat", "{% for i in range(args.n) %}{% for j in range(args.n) %}.{% endfor %}{% endfor %}ok",
        ix.opt("options", "n:integer"))
    command_id = fake_discord.commands(ix.GUILD_ID)[0]["id"]
    fine = use(discord, "repeat", [ix.opt("n", 3, 4)], command_id=command_id)
    assert fine["data"]["content"] == "." * 9 + "ok"
    runaway = use(discord, "repeat", [ix.opt("n", 9000, 4)], command_id=command_id)
    assert runaway["data"]["flags"] & 64 and "couldn't answer" in runaway["data"]["content"]
    huge = use(discord, "repeat", [ix.opt("n", 60, 4)], command_id=command_id)
    assert huge["data"]["flags"] & 64 and "2,000 characters" in huge["data"]["content"]


def test_everyone_never_pings_and_names_cannot_shadow_built_ins(discord, fake_discord, clean_db):
    add(discord, "hey", "@everyone @here look")
    reply = use(discord, "hey")
    assert reply["data"]["allowed_mentions"] == {"parse": []}
    for name, says in (("ban", "one of StatusSync's own commands"), ("Bad Name", "can't be one")):
        refused = add(discord, name, "x")
        assert says in text(refused)
    assert [c["name"] for c in fake_discord.commands(ix.GUILD_ID)] == ["hey"]

    add(discord, "poke", "@everyone {{ args.who.mention }}", ix.opt("options", "who:user"),
        ix.opt("mention_users", True, 5))
    poked = use(discord, "poke", [ix.opt("who", ix.MEMBER_ID, 6)],
                resolved={"users": {ix.MEMBER_ID: ix.member(ix.MEMBER_ID)["user"]}})
    assert poked["data"]["content"] == f"@everyone <@{ix.MEMBER_ID}>"
    assert poked["data"]["allowed_mentions"] == {"parse": ["users"]}  # the member, never @everyone


def test_a_second_guild_never_sees_the_first_guilds_commands(discord, fake_discord, clean_db):
    add(discord, "secret", "guild one only")
    assert fake_discord.commands(OTHER_GUILD) == []
    elsewhere = use(discord, "secret", guild_id=OTHER_GUILD)
    assert elsewhere["data"]["flags"] & 64 and "guild one only" not in elsewhere["data"]["content"]
    assert use(discord, "secret")["data"]["content"] == "guild one only"


def test_cooldown_role_and_channel_gates(discord, fake_discord, clean_db):
    add(discord, "daily", "Here you go", ix.opt("cooldown", 3600, 4), ix.opt("ephemeral", True, 5))
    first = use(discord, "daily")
    assert first["data"]["content"] == "Here you go" and first["data"]["flags"] & 64
    again = use(discord, "daily")
    assert "cooling down" in again["data"]["content"]
    assert use(discord, "daily", user_id=ix.MEMBER_ID)["data"]["content"] == "Here you go"  # per member

    role = {"id": "880000000000000008", "name": "VIP", "permissions": "0", "color": 0, "position": 1,
            "hoist": False, "managed": False, "mentionable": False, "flags": 0}
    add(discord, "vip", "Welcome, VIP", ix.opt("required_role", role["id"], 8),
        resolved={"roles": {role["id"]: role}})
    refused = use(discord, "vip")
    assert refused["data"]["flags"] & 64 and f"<@&{role['id']}>" in refused["data"]["content"]
    assert use(discord, "vip", roles=[role["id"]])["data"]["content"] == "Welcome, VIP"


def test_the_tier_limit_and_discords_daily_creation_limit(discord, fake_discord, clean_db):
    for number in range(10):
        add(discord, f"c{number}", "x")
    over = add(discord, "c10", "x")
    assert "10 of its 10 custom commands" in text(over) and "/premium" in text(over)
    cc(discord, "remove", ix.opt("name", "c9"))
    fake_discord.queue("POST", GUILD_COMMANDS, 429, {"message": "Max number of daily application command creates "
                                                                "has been reached (200)", "code": 30034,
                                                     "retry_after": 3600, "global": False})
    daily = add(discord, "c10", "x")
    assert "200 new commands a day" in text(daily) and "24 hours" in text(daily)
    assert ("c10",) not in [(name,) for name, _, _ in rows(clean_db)]


def register(fake, *args):
    env = {"PATH": "/usr/bin:/bin", "DISCORD_APPLICATION_ID": ix.BOT_ID, "DISCORD_BOT_TOKEN": BOT_TOKEN,
           "DISCORD_API_BASE": fake.base_url}
    return subprocess.run([sys.executable, "register_commands.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_registering_built_in_commands_keeps_a_guilds_custom_commands(discord, fake_discord, clean_db):
    add(discord, "greet", "hello {{ args.who }}", ix.opt("options", "who:string"))
    before = {c["name"]: c["id"] for c in fake_discord.commands(ix.GUILD_ID)}

    globally = register(fake_discord)
    assert globally.returncode == 0, globally.stderr
    assert {c["name"]: c["id"] for c in fake_discord.commands(ix.GUILD_ID)} == before

    in_guild = register(fake_discord, "--guild", ix.GUILD_ID)
    assert in_guild.returncode == 0, in_guild.stderr
    assert "keeping 1 custom command(s)" in in_guild.stdout and "- /greet" not in in_guild.stdout
    after = {c["name"]: c for c in fake_discord.commands(ix.GUILD_ID)}
    assert after["greet"]["id"] == before["greet"] and after["greet"]["options"][0]["name"] == "who"
    assert "config" in after
    assert use(discord, "greet", [ix.opt("who", "you")], command_id=after["greet"]["id"])["data"]["content"] \
        == "hello you"


def test_the_sandbox_gives_internals_nothing():
    for source in ("{{ choice.__globals__ }}", "{{ random.__code__ }}", "{{ args['__class__'] }}x"):
        try:
            out = templates.render(source, {"args": {}, "choice": min, "random": max})
        except templates.TemplateError:
            continue
        assert "class" not in out and "module" not in out


def wait_for(condition, seconds=10.0):
    import time
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_export_then_import_round_trip_reports_conflicts(discord, fake_discord, clean_db, app):
    from sandbox.discord.request_body import parse_multipart
    add(discord, "greet", "Hi {{ args.who.mention }}", ix.opt("options", "who:user:Who"), ix.opt("cooldown", 60, 4))
    add(discord, "rules", "Read the rules", ix.opt("ephemeral", True, 5))
    response = discord.post(json.dumps(ix.command("cc", [ix.sub("export")])).encode())
    assert response.status_code == 200
    callback, files = parse_multipart(response.content_type, response.get_data())
    spec.validate_interaction_response(callback)
    exported = json.loads(files[0][3])
    assert [c["name"] for c in exported["commands"]] == ["greet", "rules"]

    cc(discord, "remove", ix.opt("name", "greet"))
    exported["commands"].append({"name": "ban", "template": "x"})
    exported["commands"].append({"name": "escape", "template": "{{ x.__class__ }}"})
    attachment = fake_discord.upload("custom-commands.json", json.dumps(exported).encode())
    interaction = ix.command("cc", [ix.sub("import", ix.opt("file", attachment["id"], 11))],
                             resolved={"attachments": {attachment["id"]: attachment}})
    answer = discord.send(interaction)
    assert answer["type"] == 5 and answer["data"]["flags"] & 64
    assert wait_for(lambda: (fake_discord.webhook_messages(interaction["token"]) or [{}])[0].get("content"))
    report = fake_discord.webhook_messages(interaction["token"])[0]["content"]
    assert "Imported 1 command(s): `/greet`" in report
    assert "`/rules`: `/rules` already exists" in report and "`/ban`" in report and "`/escape`" in report
    greet = {c["name"]: c for c in fake_discord.commands(ix.GUILD_ID)}["greet"]
    assert greet["options"][0]["type"] == 6
    assert [r[0] for r in rows(clean_db)] == ["greet", "rules"]


def test_a_file_that_is_not_an_export_is_refused(discord, fake_discord, clean_db):
    attachment = fake_discord.upload("x.json", b"not json at all")
    interaction = ix.command("cc", [ix.sub("import", ix.opt("file", attachment["id"], 11))],
                             resolved={"attachments": {attachment["id"]: attachment}})
    discord.send(interaction)
    assert wait_for(lambda: (fake_discord.webhook_messages(interaction["token"]) or [{}])[0].get("content"))
    assert "isn't JSON" in fake_discord.webhook_messages(interaction["token"])[0]["content"]


def test_add_without_a_response_opens_a_form_whose_template_makes_the_command(discord, fake_discord, clean_db):
    form = cc(discord, "add", ix.opt("name", "long"), ix.opt("options", "topic:string"))
    assert form["type"] == 9 and form["data"]["custom_id"] == "ccadd:long"
    submitted = ix.command("x", interaction_type=5)
    submitted["data"] = {"custom_id": "ccadd:long", "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "template", "value": "Line one\n{{ args.topic }}"}]},
        {"type": 1, "components": [{"type": 4, "custom_id": "description", "value": "A long one"}]},
        {"type": 1, "components": [{"type": 4, "custom_id": "options", "value": "topic:string"}]}]}
    made = discord.send(submitted)
    assert "Added `/long`" in made["data"]["content"]
    assert use(discord, "long", [ix.opt("topic", "two")])["data"]["content"] == "Line one\ntwo"


def test_edit_changes_the_template_and_the_registered_options(discord, fake_discord, clean_db):
    add(discord, "pick", "{{ args.a }}", ix.opt("options", "a:string"))
    edited = cc(discord, "edit", ix.opt("name", "pick"), ix.opt("response", "{{ args.a }} and {{ args.b }}"),
                ix.opt("options", "a:string, b:integer"))
    assert "Changed `/pick`" in edited["data"]["content"]
    registered = fake_discord.commands(ix.GUILD_ID)[0]
    assert [o["name"] for o in registered["options"]] == ["a", "b"]
    assert len(fake_discord.find("PATCH", GUILD_COMMANDS + r"/\d+")) == 1
    assert use(discord, "pick", [ix.opt("a", "x"), ix.opt("b", 2, 4)])["data"]["content"] == "x and 2"


def test_an_add_whose_answer_never_came_can_be_repeated_or_removed(discord, fake_discord, clean_db):
    fake_discord.slow("POST", GUILD_COMMANDS, 6)  # Discord creates it but answers too late
    first = add(discord, "late", "made late")
    assert first["data"]["flags"] & 64 and "can't tell" in text(first)
    assert rows(clean_db) == [("late", "pending", None)]
    assert [c["name"] for c in fake_discord.commands(ix.GUILD_ID)] == ["late"]
    again = add(discord, "late", "made late")
    assert "Added `/late`" in text(again)
    registered = fake_discord.commands(ix.GUILD_ID)
    assert len(registered) == 1 and rows(clean_db) == [("late", "registered", int(registered[0]["id"]))]
    assert use(discord, "late", command_id=registered[0]["id"])["data"]["content"] == "made late"
