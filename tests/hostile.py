"""What the hostile-input tests share: one app with the real commands plus an autocompleting /echo, and
the real interactions they start from (as tests/interactions.py builds them, with fresh ids)."""
from app import create_app
from app.interactions.declare import Option, SlashCommand, modal
from app.interactions.registry import CommandSet
from tests import interactions as ix

BOT_TOKEN = "test-bot-token"  # as tests/conftest.py gives the fake Discord

echo = SlashCommand("echo", "Repeat text, with suggestions", options=[
    Option.string("text", "What to repeat", autocomplete=lambda ctx, text: [(f"{text}!", f"{text}!")])])


@echo
def echo_text(ctx, text):
    return ctx.reply(text, ephemeral=True)


@modal("echo-modal")
def echo_modal(ctx, state):
    """A submitted form: `ctx.data["fields"]` maps each field's custom_id to its checked text."""
    return ctx.reply(f"{state}: {ctx.data['fields'].get('answer') or '(empty)'}", ephemeral=True)


class _Module:
    pass


def make_app(database_url, discord_server, signing_key):
    import commands
    from commands import cc_run
    module = _Module()
    module.echo, module.echo_modal = echo, echo_modal
    command_set = CommandSet.from_modules([module, *commands.modules()])
    command_set.fallbacks = [cc_run.run_custom_command]  # as the custom feature registers it
    return create_app({
        "DATABASE_URL": database_url, "DISCORD_APPLICATION_ID": ix.BOT_ID,
        "DISCORD_PUBLIC_KEY": signing_key.verify_key.encode().hex(), "DISCORD_BOT_TOKEN": BOT_TOKEN,
        "DISCORD_API_BASE": discord_server.base_url, "DISCORD_CDN_BASE": discord_server.cdn_url,
        "SECRET_KEY": "test-secret-key", "COMMANDS": command_set})


MOD_ROLE, MEMBER_ROLE, BOT_ROLE, MODLOG = ("700000000000000005", "700000000000000001", "700000000000000020",
                                         "860000000000000006")


def seed_guild(fake) -> None:
    """The fake Discord reset to one guild where the moderator outranks the member and the bot both."""
    fake.reset()
    fake.add_guild(ix.GUILD_ID, ix.OWNER_ID, roles=[{"id": MEMBER_ROLE, "name": "member", "position": 1},
                                                   {"id": MOD_ROLE, "name": "mod", "position": 5},
                                                   {"id": BOT_ROLE, "name": "bot", "position": 20}])
    fake.add_member(ix.GUILD_ID, ix.BOT_ID, roles=[BOT_ROLE], bot=True)
    fake.add_member(ix.GUILD_ID, ix.MOD_ID, roles=[MOD_ROLE])
    fake.add_member(ix.GUILD_ID, ix.MEMBER_ID, roles=[MEMBER_ROLE])
    fake.add_channel(ix.GUILD_ID, MODLOG, name="mod-log")
    fake.add_channel(ix.GUILD_ID, ix.CHANNEL_ID, name="general")


def _member_resolved(user_id=ix.MEMBER_ID):
    return {"users": {user_id: ix.member(user_id)["user"]},
            "members": {user_id: {"roles": [], "permissions": "0", "nick": None,
                                  "joined_at": "2024-01-01T00:00:00+00:00"}}}


def _user_command(name, *options, sub=None):
    given = [ix.opt("user", ix.MEMBER_ID, 6), *options]
    return ix.command(name, [ix.sub(sub, *given)] if sub else given, resolved=_member_resolved(), roles=(MOD_ROLE,))


def _modal_submit():
    submit = ix.command("x", interaction_type=5)
    submit["data"] = {"custom_id": "echo-modal:7", "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "answer", "value": "forty-two"}]}]}
    return submit


def dm(interaction):
    """The same interaction as Discord sends it from a DM: no guild, `user` instead of `member`."""
    interaction = dict(interaction)
    interaction["user"] = interaction.pop("member")["user"]
    interaction.pop("guild_id")
    interaction.pop("authorizing_integration_owners", None)
    interaction["context"] = 1
    interaction["channel"] = {"id": ix.CHANNEL_ID, "type": 1}
    return interaction


REAL_INTERACTIONS = {
    "ping": lambda: {"type": 1, "id": ix.snowflake(), "application_id": ix.BOT_ID, "token": "t", "version": 1},
    "warn": lambda: _user_command("warn", ix.opt("reason", "spam")),
    "ban": lambda: _user_command("ban", ix.opt("reason", "raid"), ix.opt("duration", "1d"),
                                 ix.opt("delete_messages", 3600, 4)),
    "kick": lambda: _user_command("kick", ix.opt("reason", "rude")),
    "rank": lambda: _user_command("rank"),
    "rep give": lambda: _user_command("rep", sub="give"),
    "warnings": lambda: _user_command("warnings"),
    "cases": lambda: _user_command("cases"),
    "case view": lambda: ix.command("case", [ix.sub("view", ix.opt("number", 1, 4))]),
    "leaderboard": lambda: ix.command("leaderboard", [ix.opt("period", "all"), ix.opt("page", 2, 4)]),
    "help": lambda: ix.command("help"),
    "config view": lambda: ix.command("config", [ix.sub("view")]),
    "config modlog": lambda: ix.command("config", [ix.sub("modlog", ix.opt("channel", ix.CHANNEL_ID, 7))],
                                        resolved={"channels": {ix.CHANNEL_ID: {
                                            "id": ix.CHANNEL_ID, "type": 0, "name": "mod-log",
                                            "permissions": "8"}}}),
    "automod test": lambda: ix.command("automod", [ix.sub("test", ix.opt("text", "hello there"))]),
    "automod words add": lambda: ix.command("automod", [{"type": 2, "name": "words", "options": [
        ix.sub("add", ix.opt("items", "badword, cat*"))]}]),
    "ask": lambda: ix.command("ask", [ix.opt("prompt", "What is a snowflake id?"), ix.opt("private", True, 5)]),
    "imgsay": lambda: ix.command("imgsay", [ix.opt("text", "Game night"), ix.opt("style", "neon")]),
    "echo autocomplete": lambda: ix.command("echo", [{"name": "text", "type": 3, "value": "ab", "focused": True}],
                                            interaction_type=4),
    "leaderboard button": lambda: ix.component("lb:weekly:1"),
    "cases button": lambda: ix.component("cases:0:-"),
    "select menu": lambda: ix.component("lb:weekly:1", values=["a", "b"]),
    "modal submit": _modal_submit,
    "cc add": lambda: ix.command("cc", [ix.sub("add", ix.opt("name", "greet"), ix.opt("response", "Hi {{ args.who }}"),
                                               ix.opt("options", "who?:string:Who"))]),
    "cc list": lambda: ix.command("cc", [ix.sub("list")]),
    "premium": lambda: ix.command("premium"),
    "custom command": lambda: ix.command("greet", [ix.opt("who", "you")]),
    "cc embed": lambda: ix.command("cc", [ix.sub("embed", ix.opt("name", "card"), ix.opt("title", "{{ user.name }}"),
                                                 ix.opt("fields", "a | b ;; c | d | inline"), ix.opt("color", "red"))]),
    "cc edit clear": lambda: ix.command("cc", [ix.sub("edit", ix.opt("name", "greet"), ix.opt("clear", "cooldown"))]),
    "custom command autocomplete": lambda: ix.command("greet", [{"name": "who", "type": 3, "value": "y",
                                                                 "focused": True}], interaction_type=4),
    "backup show": lambda: ix.command("backup", [ix.sub("show", ix.opt("id", 1, 4))]),
    "backup restore": lambda: ix.command("backup", [ix.sub("restore", ix.opt("id", 1, 4),
                                                           ix.opt("parts", "roles, channels"))]),
    "backup restore button": lambda: ix.component("backupr:confirm:1"),
    "help in a DM": lambda: dm(ix.command("help")),
    "warn in a DM": lambda: dm(_user_command("warn", ix.opt("reason", "spam"))),
}


# ------------------------------------------------------------------ every declaration in the registry

def declared_paths(command_set) -> list:
    """(command name, [subcommand group, subcommand], declared options) of every invocable command path."""
    def walk(node, path):
        if getattr(node, "children", None):
            for child in node.children.values():
                yield from walk(child, path + [child.name])
        else:
            yield path[0], path[1:], node.options
    return [found for name in sorted(command_set.commands) for found in walk(command_set.commands[name], [name])]


def declared_routes(command_set) -> list:
    """(kind, prefix, number of custom_id parts the handler takes) of every button/select/modal route."""
    import inspect
    routes = []
    for (kind, prefix), route in sorted(command_set.routes.items()):
        parameters = list(inspect.signature(route.handler).parameters.values())[1:]
        routes.append((kind, prefix, len([p for p in parameters if p.default is inspect.Parameter.empty])))
    return routes


ROLE_ID, ATTACHMENT_ID = MEMBER_ROLE, "1100000000000000011"
RESOLVED = {
    "users": {ix.MEMBER_ID: ix.member(ix.MEMBER_ID)["user"]},
    "members": {ix.MEMBER_ID: {"roles": [], "permissions": "0", "nick": None, "joined_at": "2024-01-01T00:00:00+00:00"}},
    "channels": {ix.CHANNEL_ID: {"id": ix.CHANNEL_ID, "type": 0, "name": "general", "permissions": "8"}},
    "roles": {ROLE_ID: {"id": ROLE_ID, "name": "member", "position": 1, "permissions": "0", "color": 0,
                        "hoist": False, "managed": False, "mentionable": False, "flags": 0}},
    "attachments": {ATTACHMENT_ID: {"id": ATTACHMENT_ID, "filename": "commands.json", "size": 2,
                                    "url": "http://127.0.0.1:9/attachments/commands.json",
                                    "proxy_url": "http://127.0.0.1:9/attachments/commands.json",
                                    "content_type": "application/json"}},
}
_IDS = {6: ix.MEMBER_ID, 7: ix.CHANNEL_ID, 8: ROLE_ID, 9: ix.MEMBER_ID, 11: ATTACHMENT_ID}


def plain_value(option, text="hello"):
    """A value Discord would send for `option` (its first choice, its lower bound, an id it resolved)."""
    if option.choices:
        return option.choices[0][1]
    if option.type in _IDS:
        return _IDS[option.type]
    if option.type in (4, 10):
        return option.min_value if option.min_value is not None else 1
    if option.type == 5:
        return True
    return text[:option.max_length] if option.max_length else text


def invocation(name, path, options: list, **kw) -> dict:
    """The chat-input interaction of a command path with these (already built) options."""
    for level in reversed(path):
        options = [{"type": 1 if level == path[-1] else 2, "name": level, "options": options}]
    return ix.command(name, options, resolved=RESOLVED, roles=(MOD_ROLE,), **kw)
