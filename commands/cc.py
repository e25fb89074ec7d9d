"""/cc add, edit, remove, list, export, import: a guild's own slash commands, answered from templates."""
from app.discord import permissions as perms
from app.errors import UserError
from app.interactions.declare import Option, SlashCommand, modal
from app.interactions.responses import Attachment, embed

cc = SlashCommand("cc", "Custom commands: this server's own slash commands",
                  default_member_permissions=perms.MANAGE_GUILD)

_SETTINGS = [
    Option.string("description", "What the command does (shown in Discord's command list)", required=False,
                  max_length=100),
    Option.string("options", "Up to 5 typed options: name:type, name?:type:description [a|b] {suggested|values}",
                  required=False, max_length=4000),
    Option.boolean("ephemeral", "Answer only to whoever uses it", required=False),
    Option.boolean("mention_users", "Let its reply ping the users it mentions (never roles or @everyone)",
                   required=False),
    Option.integer("cooldown", "Seconds each member waits between uses", required=False, min_value=0,
                   max_value=604800),
    Option.role("required_role", "Only members with this role may use it", required=False),
    Option.channel("allowed_channel", "Only usable in this channel", required=False),
]
TEMPLATE_FIELD, DESCRIPTION_FIELD, OPTIONS_FIELD = "template", "description", "options"


def _require_manager(ctx):
    if not ctx.has(perms.MANAGE_GUILD):
        raise UserError("You need the Manage Server permission to change custom commands.")


def _builtin_names(ctx) -> set:
    return set(ctx.runtime.commands.commands)


def _fields(response, description, options, ephemeral, cooldown, required_role, allowed_channel,
            mention_users=None) -> dict:
    from app.custom import definitions
    fields = {"template": response, "description": description, "ephemeral": ephemeral,
              "mention_users": mention_users,
              "cooldown_seconds": cooldown,
              "required_role_id": (required_role or {}).get("id"),
              "allowed_channel_id": (allowed_channel or {}).get("id")}
    if options is not None:
        fields["options"] = definitions.parse_options(options)
    return fields


def _added(row) -> str:
    from app.custom import definitions
    shape = f" ({definitions.describe_options(row['options'])})" if row["options"] else ""
    return f"Added `/{row['name']}`{shape}. It shows up in this server's command list now."


@cc.subcommand("add", "Add a custom command (leave out response to write it in a form)", options=[
    Option.string("name", "The command's name: lowercase letters, digits, - or _", max_length=32),
    Option.string("response", "What it answers: a template, e.g. Hello {{ user.mention }}!", required=False,
                  max_length=4000),
    *_SETTINGS])
def add(ctx, name, response=None, description=None, options=None, ephemeral=None, mention_users=None,
        cooldown=None, required_role=None, allowed_channel=None):
    from app.custom import definitions, registration
    _require_manager(ctx)
    name = definitions.check_name(name, _builtin_names(ctx))
    if response is None:
        return _template_form(ctx, name, description, options)
    fields = _fields(response, description, options, ephemeral, cooldown, required_role, allowed_channel,
                     mention_users)
    row = registration.add(ctx.db, ctx.discord, guild_id=ctx.guild_id, name=name, fields=fields,
                           builtin_names=_builtin_names(ctx), user_id=ctx.user.id, now=ctx.now)
    return ctx.reply(_added(row), ephemeral=True)


def _template_form(ctx, name, description, options):
    from app.interactions.declare import custom_id

    def field(field_id, label, style, value, required, length):
        item = {"type": 4, "custom_id": field_id, "label": label, "style": style, "required": required,
                "max_length": length}
        if value:
            item["value"] = value
        return {"type": 1, "components": [item]}
    return ctx.modal(custom_id("ccadd", name), f"New command /{name}", [
        field(TEMPLATE_FIELD, "Response template", 2, None, True, 4000),
        field(DESCRIPTION_FIELD, "Description", 1, description, False, 100),
        field(OPTIONS_FIELD, "Options (name:type, name?:type:description)", 2, options, False, 4000)])


@modal("ccadd")
def add_from_form(ctx, name):
    from app.custom import registration
    _require_manager(ctx)
    fields = ctx.data.get("fields") or {}
    made = _fields(fields.get(TEMPLATE_FIELD) or "", fields.get(DESCRIPTION_FIELD) or None,
                   fields.get(OPTIONS_FIELD) or None, None, None, None, None)
    row = registration.add(ctx.db, ctx.discord, guild_id=ctx.guild_id, name=name, fields=made,
                           builtin_names=_builtin_names(ctx), user_id=ctx.user.id, now=ctx.now)
    return ctx.reply(_added(row), ephemeral=True)


def command_names(ctx, typed):
    """Autocomplete of a `name` naming an existing custom command: this guild's names matching what is typed."""
    from app.custom import definitions, service
    names = [{"name": row["name"], "value": row["name"]} for row in service.listing(ctx.db, ctx.guild_id)]
    return definitions.suggest({"suggestions": names}, typed)


def _clearable(ctx, typed):
    """Autocomplete of /cc edit's `clear`: the names left to add after what is typed so far."""
    from app.custom import service
    done, _, last = (typed or "").rpartition(",")
    chosen = [part.strip() for part in done.split(",") if part.strip()]
    prefix = ", ".join(chosen + [""]) if chosen else ""
    return [((prefix + name)[:100], (prefix + name)[:100]) for name in service.CLEARABLE
            if name not in chosen and name.startswith(last.strip().lower())]


def _clear_list(text) -> list:
    from app.custom import service
    names = [part.strip().lower() for part in (text or "").split(",") if part.strip()]
    unknown = [name for name in names if name not in service.CLEARABLE]
    if unknown:
        raise UserError(f"`clear` takes a comma-separated list of: {', '.join(service.CLEARABLE)} "
                        f"(not `{unknown[0][:30]}`).")
    return list(dict.fromkeys(names))


@cc.subcommand("edit", "Change a custom command (only what you give changes; `clear` resets settings)", options=[
    Option.string("name", "Which command", max_length=32, autocomplete=command_names),
    Option.string("response", "The new template", required=False, max_length=4000), *_SETTINGS,
    Option.string("clear", "Settings to reset, e.g. required_role, cooldown (comma-separated)", required=False,
                  max_length=200, autocomplete=_clearable)])
def edit(ctx, name, response=None, description=None, options=None, ephemeral=None, mention_users=None,
         cooldown=None, required_role=None, allowed_channel=None, clear=None):
    from app.custom import registration
    _require_manager(ctx)
    cleared = _clear_list(clear)
    changes = _fields(response, description, options, ephemeral, cooldown, required_role, allowed_channel,
                      mention_users)
    row = registration.edit(ctx.db, ctx.discord, guild_id=ctx.guild_id, name=name, changes=changes, clear=cleared,
                            now=ctx.now, actor_id=ctx.user.id)
    reset = f" Reset: {', '.join(cleared)}." if cleared else ""
    return ctx.reply(f"Changed `/{row['name']}`.{reset}", ephemeral=True)


@cc.subcommand("remove", "Remove a custom command", options=[
    Option.string("name", "Which command", max_length=32, autocomplete=command_names)])
def remove(ctx, name):
    from app.custom import registration
    _require_manager(ctx)
    registration.remove(ctx.db, ctx.discord, guild_id=ctx.guild_id, name=name, now=ctx.now, actor_id=ctx.user.id)
    return ctx.reply(f"Removed `/{name.strip().lower()}`.", ephemeral=True)


@cc.subcommand("list", "This server's custom commands")
def list_commands(ctx):
    from app.custom import definitions, service
    from app.premium import tiers
    rows = service.listing(ctx.db, ctx.guild_id)
    allowed = tiers.limit(ctx.db, ctx.guild_id, ctx.now, "custom_commands")
    if not rows:
        return ctx.reply(embeds=[embed("Custom commands", f"None yet (0 of {allowed}). Add one with `/cc add`.")],
                         ephemeral=True)
    lines = [f"`/{row['name']}` {definitions.describe_options(row['options'])} — {row['description']}"
             + (" · embed" if row["embed"] else "") + _state_note(row) for row in rows]
    return ctx.reply(embeds=[embed(f"Custom commands ({len(rows)} of {allowed})", "\n".join(lines)[:4000])],
                     ephemeral=True)


def _state_note(row) -> str:
    if row["state"] == "registered":
        return ""
    if row["state"] == "pending":
        return " *(waiting to be registered with Discord)*" if row["attempted_at"] is None else \
            " *(Discord hasn't confirmed it yet)*"
    return f" *({row['state']})*"


@cc.subcommand("export", "Download this server's custom commands as a JSON file")
def export(ctx):
    from app.custom import transfer
    _require_manager(ctx)
    data = transfer.export_json(ctx.db, ctx.guild_id)
    return ctx.reply("This server's custom commands; `/cc import` reads this file back.", ephemeral=True,
                     files=[Attachment("custom-commands.json", data, "application/json")])
