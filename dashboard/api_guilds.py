"""/dashboard/api/guilds, /stats and /leaderboard."""
from flask import Blueprint, jsonify, request

from dashboard import inputs
from dashboard.access import guild_access, login_required, runtime

bp = Blueprint("dashboard_api_guilds", __name__, url_prefix="/dashboard/api")


def icon_url(guild_id, icon):
    if not icon:
        return None
    return f"{runtime().settings['DISCORD_CDN_BASE'].rstrip('/')}/icons/{guild_id}/{icon}.png?size=128"


@bp.get("/guilds")
@login_required
def guilds(login, conn):
    from app.dashboard_data import access
    listed = access.listed_guilds(runtime(), conn, login, runtime().clock())
    def shown(g):
        return {"id": g["id"], "name": g["name"], "icon_url": icon_url(g["id"], g.get("icon"))}
    return jsonify(guilds=[{**shown(g), "access": g["access"], "manager": g["manager"]} for g in listed if g["access"]],
                   invitable=[{**shown(g), "invite_url": invite_url(g["id"])} for g in listed if not g["access"]])


# What the bot needs (README, "Invite the bot"): moderation, automod, level roles, audit sync, posting.
BOT_PERMISSIONS = ("BAN_MEMBERS", "KICK_MEMBERS", "MODERATE_MEMBERS", "MANAGE_MESSAGES", "MANAGE_ROLES",
                   "VIEW_AUDIT_LOG", "MANAGE_GUILD", "VIEW_CHANNEL", "SEND_MESSAGES", "EMBED_LINKS", "ATTACH_FILES",
                   "READ_MESSAGE_HISTORY")


def invite_url(guild_id) -> str:
    from urllib.parse import urlencode

    from app.discord import permissions as perms
    settings = runtime().settings
    bits = 0
    for name in BOT_PERMISSIONS:
        bits |= getattr(perms, name)
    query = {"client_id": settings.get("DISCORD_CLIENT_ID") or settings.get("DISCORD_APPLICATION_ID") or "",
             "scope": "bot applications.commands", "permissions": str(bits), "guild_id": str(guild_id),
             "disable_guild_select": "true"}
    return settings["DISCORD_WEB_BASE"].rstrip("/") + "/oauth2/authorize?" + urlencode(query)


@bp.get("/stats")
@guild_access(write=False)
def stats(guild, conn):
    from app.dashboard_data import stats as guild_stats
    days = inputs.integer(request.args.get("days"), "days", 30, 1, 90)
    rt = runtime()
    return jsonify(guild_stats.overview(conn, rt.discord, guild.guild_id, rt.clock(), days))


@bp.get("/leaderboard")
@guild_access(write=False)
def leaderboard(guild, conn):
    from app.social import leaderboard as boards
    period = inputs.choice(request.args.get("period"), "period", ("weekly", "all"), "weekly")
    page_number = inputs.integer(request.args.get("page"), "page", 1, 1, 100000)
    size = inputs.integer(request.args.get("page_size"), "page_size", 25, 1, 100)
    from app.dashboard_data import names
    board = boards.page(conn, guild.guild_id, period, page_number, runtime().clock(), page_size=size)
    names.add_names(conn, board["entries"], {"user_id": "name"})
    return jsonify(board)


@bp.get("/rep")
@guild_access(write=False)
def rep_top(guild, conn):
    from app.dashboard_data import names
    from app.social import rep
    limit = inputs.integer(request.args.get("limit"), "limit", 25, 1, 100)
    entries = [{"place": index + 1, "user_id": str(row["user_id"]), "rep": row["rep"]}
               for index, row in enumerate(rep.top(conn, guild.guild_id, limit))]
    return jsonify(entries=names.add_names(conn, entries, {"user_id": "name"}))


@bp.get("/roles")
@guild_access(write=False)
def roles(guild, conn):
    """The guild's roles for pickers (highest first; @everyone left out)."""
    from app.dashboard_data import discord_view
    from app.dashboard_data.errors import DashboardError
    from app.discord.errors import DiscordError
    try:
        found = discord_view.guild_roles(runtime().discord, guild.guild_id, runtime().clock())
    except DiscordError:
        raise DashboardError(503, "Discord didn't list this server's roles; try again.") from None
    return jsonify(roles=[r for r in found if r["id"] != guild.guild_id])


@bp.get("/channels")
@guild_access(write=False)
def channels(guild, conn):
    """The guild's text and announcement channels for pickers, in Discord's order."""
    from app.dashboard_data import discord_view
    from app.dashboard_data.errors import DashboardError
    from app.discord.errors import DiscordError
    try:
        found = discord_view.guild_channels(runtime().discord, guild.guild_id, runtime().clock())
    except DiscordError:
        raise DashboardError(503, "Discord didn't list this server's channels; try again.") from None
    return jsonify(channels=found)


@bp.get("/ai")
@guild_access(write=False)
def ai_usage(guild, conn):
    """The AI tab: whether an AI provider is configured, answers and tokens per day, the tier's limits (its
    settings are the "ai" section of /settings)."""
    from app.dashboard_data import ai_usage as usage
    days = inputs.integer(request.args.get("days"), "days", 30, 1, 90)
    rt = runtime()
    return jsonify(usage.overview(conn, guild.guild_id, rt.clock(), days, bool(rt.settings.get("AI_API_BASE"))))
