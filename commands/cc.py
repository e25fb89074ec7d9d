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
    Option.string("options", "Up to 5 typed options: name:type, name?:type:description [a|b]", required=False,
                  max_length=800),
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
    from app.custom import definitions, service
    _require_manager(ctx)
    name = definitions.check_name(name, _builtin_names(ctx))
    if response is None:
        return _template_form(ctx, name, description, options)
    fields = _fields(response, description, options, ephemeral, cooldown, required_role, allowed_channel,
                     mention_users)
    row = service.add(ctx.db, ctx.discord, guild_id=ctx.guild_id, name=name, fields=fields,
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
        field(OPTIONS_FIELD, "Options (name:type, name?:type:description)", 1, options, False, 800)])


@modal("ccadd")
def add_from_form(ctx, name):
    from app.custom import service
    _require_manager(ctx)
    fields = ctx.data.get("fields") or {}
    made = _fields(fields.get(TEMPLATE_FIELD) or "", fields.get(DESCRIPTION_FIELD) or None,
                   fields.get(OPTIONS_FIELD) or None, None, None, None, None)
    row = service.add(ctx.db, ctx.discord, guild_id=ctx.guild_id, name=name, fields=made,
                      builtin_names=_builtin_names(ctx), user_id=ctx.user.id, now=ctx.now)
    return ctx.reply(_added(row), ephemeral=True)


@cc.subcommand("edit", "Change a custom command (only what you give changes)", options=[
    Option.string("name", "Which command", max_length=32),
    Option.string("response", "The new template", required=False, max_length=4000), *_SETTINGS])
def edit(ctx, name, response=None, description=None, options=None, ephemeral=None, mention_users=None,
         cooldown=None, required_role=None, allowed_channel=None):
    from app.custom import service
    _require_manager(ctx)
    changes = _fields(response, description, options, ephemeral, cooldown, required_role, allowed_channel,
                      mention_users)
    row = service.edit(ctx.db, ctx.discord, guild_id=ctx.guild_id, name=name, changes=changes, now=ctx.now,
                       actor_id=ctx.user.id)
    return ctx.reply(f"Changed `/{row['name']}`.", ephemeral=True)


@cc.subcommand("remove", "Remove a custom command", options=[Option.string("name", "Which command", max_length=32)])
def remove(ctx, name):
    from app.custom import service
    _require_manager(ctx)
    service.remove(ctx.db, ctx.discord, guild_id=ctx.guild_id, name=name, now=ctx.now, actor_id=ctx.user.id)
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
             + ("" if row["state"] == "registered" else f" *({row['state']})*") for row in rows]
    return ctx.reply(embeds=[embed(f"Custom commands ({len(rows)} of {allowed})", "\n".join(lines)[:4000])],
                     ephemeral=True)


@cc.subcommand("export", "Download this server's custom commands as a JSON file")
def export(ctx):
    from app.custom import transfer
    _require_manager(ctx)
    data = transfer.export_json(ctx.db, ctx.guild_id)
    return ctx.reply("This server's custom commands; `/cc import` reads this file back.", ephemeral=True,
                     files=[Attachment("custom-commands.json", data, "application/json")])


IMPORT_LIMIT_BYTES = 512 * 1024


@cc.subcommand("import", "Add custom commands from a file made by /cc export", options=[
    Option.attachment("file", "The JSON file /cc export made")])
def import_file(ctx, file):
    _require_manager(ctx)
    if int(file.get("size") or 0) > IMPORT_LIMIT_BYTES:
        raise UserError("That file is too large for custom commands (at most 512 KB).")
    return ctx.defer(import_commands, ephemeral=True, url=file.get("url"))


def import_commands(ctx, url):
    """Deferred: fetch the file from Discord's CDN, add what fits, say what conflicted."""
    from app.custom import transfer
    from app.discord.cdn import fetch_attachment
    data = fetch_attachment(ctx.settings.get("DISCORD_CDN_BASE") or "https://cdn.discordapp.com", url,
                            IMPORT_LIMIT_BYTES)
    if data is None:
        return ctx.error("I couldn't download that file from Discord. Try again.")
    try:
        commands = transfer.read_export(data)
    except UserError as exc:
        return ctx.error(str(exc))
    added, refused = transfer.import_commands(ctx.db, ctx.discord, guild_id=ctx.guild_id, commands=commands,
                                             builtin_names=_builtin_names(ctx), user_id=ctx.user.id, now=ctx.now)
    lines = [f"Imported {len(added)} command(s)" + (": " + ", ".join(f"`/{n}`" for n in added) if added else ".")]
    lines += [f"Not imported `/{name}`: {why}" for name, why in refused]
    return ctx.reply("\n".join(lines)[:2000], ephemeral=True)
