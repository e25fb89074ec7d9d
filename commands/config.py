"""/config: view and change this server's settings."""
from app import guild_settings
from app.discord import permissions as perms
from app.interactions.declare import Option, SlashCommand
from app.interactions.responses import embed

TEXT_CHANNEL, ANNOUNCEMENT_CHANNEL = 0, 5

config = SlashCommand("config", "View and change StatusSync's settings for this server",
                      default_member_permissions=perms.MANAGE_GUILD)


def require_manager(ctx) -> None:
    from app.errors import UserError
    if not ctx.has(perms.MANAGE_GUILD):
        raise UserError("You need the Manage Server permission to change StatusSync's settings.")


def show(section, key, value) -> str:
    kind = section.kind(key)
    if value is None or value == []:
        return "not set"
    if kind == "bool":
        return "on" if value else "off"
    if kind == "channel":
        return f"<#{value}>"
    if kind == "role":
        return f"<@&{value}>"
    if kind == "roles":
        return ", ".join(f"<@&{v}>" for v in value)
    if isinstance(value, list):
        return f"{len(value)} item(s)"
    return str(value)


@config.subcommand("view", "Show every setting for this server")
def view(ctx):
    require_manager(ctx)
    settings = guild_settings.load(ctx.db, ctx.guild_id)
    fields = []
    for name, section in guild_settings.sections().items():
        lines = [f"**{key.replace('_', ' ')}**: {show(section, key, value)}"
                 for key, value in settings[name].items()]
        fields.append((section.title, "\n".join(lines) or "—"))
    return ctx.reply(embeds=[embed("StatusSync settings", "Change them with `/config …` or on the dashboard.",
                                   fields=fields)], ephemeral=True)


@config.subcommand("modlog", "Set the channel where moderation actions are logged",
                   options=[Option.channel("channel", "The mod-log channel",
                                           channel_types=(TEXT_CHANNEL, ANNOUNCEMENT_CHANNEL))])
def modlog(ctx, channel):
    require_manager(ctx)
    guild_settings.update(ctx.db, ctx.guild_id, "modlog", {"channel_id": channel["id"]}, ctx.now, actor_id=ctx.user.id)
    return ctx.reply(f"Moderation actions will be logged in <#{channel['id']}>.", ephemeral=True)
