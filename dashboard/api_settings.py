"""/dashboard/api/settings (read; write by section through app/guild_settings.py, as /config does),
/changes (the change log) and /access (which roles may read or change this guild's dashboard)."""
from flask import Blueprint, jsonify, request

from dashboard import inputs
from dashboard.access import guild_access, runtime

bp = Blueprint("dashboard_api_settings", __name__, url_prefix="/dashboard/api")


def _sections(conn, guild_id) -> dict:
    from app import guild_settings
    values = guild_settings.load(conn, guild_id)
    return {name: {"title": section.title, "values": values[name],
                   "kinds": {key: section.kind(key) for key in section.defaults}}
            for name, section in guild_settings.sections().items()}


@bp.get("/settings")
@guild_access(write=False)
def settings(guild, conn):
    return jsonify(guild_id=guild.guild_id, sections=_sections(conn, guild.guild_id))


@bp.post("/settings/<section>")
@guild_access(write=True)
def update_section(guild, conn, section):
    from app import guild_settings
    if section not in guild_settings.sections():
        return jsonify(error=f"There is no settings section called {section[:40]!r}."), 404
    from app.dashboard_data import ownership
    body = inputs.json_object()
    ownership.check(runtime().discord, guild.guild_id, body, runtime().clock())
    values = guild_settings.update(conn, guild.guild_id, section, body, runtime().clock(), actor_id=guild.user_id,
                                   source="dashboard")
    return jsonify(section=section, values=values)


@bp.get("/changes")
@guild_access(write=False)
def changes(guild, conn):
    from app.dashboard_data import change_log
    section = request.args.get("section") or None
    if section is not None and (len(section) > 40 or not section.replace("_", "").isalnum()):
        raise inputs.BadInput("section must be a settings section's name.")
    return jsonify(change_log.page(conn, guild.guild_id, before=inputs.integer(
        request.args.get("before"), "before", None, 1, 2 ** 62), section=section,
        limit=inputs.integer(request.args.get("limit"), "limit", 50, 1, change_log.MAX_PAGE)))


def _access_view(conn, guild):
    from app.dashboard_data import access, discord_view
    from app.discord.errors import DiscordError
    rt = runtime()
    try:
        roles = discord_view.guild_roles(rt.discord, guild.guild_id, rt.clock())
    except DiscordError:
        roles = None  # the grants still show; the role picker needs Discord
    grants = [{"role_id": g["role_id"], "level": g["level"], "granted_by": g["granted_by"],
               "granted_at": g["granted_at"].isoformat()} for g in access.grants(conn, guild.guild_id)]
    listed = None if roles is None else [r for r in roles if r["id"] != guild.guild_id]
    return {"guild_id": guild.guild_id, "grants": grants, "roles": listed, "levels": list(access.LEVELS)}


@bp.get("/access")
@guild_access(write=False, manager_only=True)
def access_get(guild, conn):
    return jsonify(_access_view(conn, guild))


@bp.post("/access")
@guild_access(write=True, manager_only=True)
def access_set(guild, conn):
    from app.dashboard_data import access, discord_view
    from app.dashboard_data.errors import DashboardError
    from app.discord.errors import DiscordError
    body = inputs.json_object(allowed=("grants",))
    rt = runtime()
    now = rt.clock()
    try:
        known = {r["id"] for r in discord_view.guild_roles(rt.discord, guild.guild_id, now)}
    except DiscordError:
        raise DashboardError(503, "Discord didn't list this server's roles; try again.") from None
    access.replace_grants(conn, guild.guild_id, body.get("grants"), guild.user_id, now, known)
    conn.commit()
    return jsonify(_access_view(conn, guild))
