"""Who may read or change a guild on the dashboard, decided from Discord's answers of the last 60 s.

Managers (the owner, MANAGE_GUILD or ADMINISTRATOR, permissions parsed as a big integer) read and write,
and alone change who else may; roles a manager granted read, or read and write (YAGPDB's model). Before any
write the user's guilds and roles are read from Discord again, so leaving a server or losing a role ends
access at once for writes and within a minute for reads.
"""
from dataclasses import dataclass

from app import db
from app.dashboard_data import discord_view, sessions
from app.dashboard_data.errors import DashboardError
from app.discord import permissions as perms
from app.discord.errors import DiscordError

READ, WRITE = "read", "write"
LEVELS = (READ, WRITE)
MAX_GRANTS = 50
ALL_PERMISSIONS = (1 << 53) - 1


@dataclass
class GuildAccess:
    guild_id: str
    user_id: str
    level: str  # read | write
    manager: bool
    name: str
    icon: str | None
    permissions: int = 0  # the user's guild-wide permission bits as Discord computed them (all, for the owner)

    @property
    def can_write(self) -> bool:
        return self.level == WRITE


def is_manager(entry: dict) -> bool:
    return bool(entry.get("owner")) or perms.has(perms.parse(entry.get("permissions")), perms.MANAGE_GUILD)


def _discord_failed(error: DiscordError):
    if error.status == 401:
        return DashboardError(401, "Your Discord login has expired or was revoked; log in again.")
    return DashboardError(503, "Discord didn't answer in time; try again in a moment.")


def user_guilds(runtime, conn, session, now, fresh=False) -> list:
    """The user's guilds per Discord, reused while at most 60 s old; `fresh` asks Discord again."""
    stamp = session.get("guilds_at")
    if not fresh and session.get("guilds") is not None and stamp is not None and now - stamp < discord_view.FRESH:
        return session["guilds"]
    conn.commit()  # no transaction stays open while Discord is asked
    try:
        guilds = discord_view.user_guilds(runtime.discord, session["access_token"])
    except DiscordError as error:
        raise _discord_failed(error) from None
    sessions.save_guilds(conn, session, guilds, now)
    conn.commit()
    session.update(guilds=guilds, guilds_at=now)
    return guilds


def grants(conn, guild_id) -> list:
    return [{"role_id": str(r["role_id"]), "level": r["level"], "granted_by": str(r["granted_by"]),
             "granted_at": r["granted_at"]} for r in db.all_rows(conn, "dashboard.grants", {"guild_id": int(guild_id)})]


def _member_roles(runtime, conn, guild_id, user_id, now, fresh) -> list | None:
    key = {"guild_id": int(guild_id), "user_id": int(user_id)}
    if not fresh:
        row = db.one(conn, "dashboard.cached_member", {**key, "fresh_after": now - discord_view.FRESH})
        if row is not None:
            return [str(r) for r in row["roles"]] if row["present"] else None
    conn.commit()
    try:
        roles = discord_view.member_roles(runtime.discord, guild_id, user_id)
    except DiscordError as error:
        raise _discord_failed(error) from None
    db.run(conn, "dashboard.save_member", {**key, "present": roles is not None, "roles": [int(r) for r in roles or []],
                                           "now": now})
    conn.commit()
    return roles


def granted_level(grant_rows, roles) -> str | None:
    levels = {g["level"] for g in grant_rows if g["role_id"] in set(roles or ())}
    return WRITE if WRITE in levels else READ if READ in levels else None


def check(runtime, conn, session, guild_id: str, now, *, write: bool, manager_only: bool = False) -> GuildAccess:
    """The user's access to `guild_id`, or DashboardError 403/404 (or 401/503 when Discord says so)."""
    user_id = str(session["user_id"])
    entry = next((g for g in user_guilds(runtime, conn, session, now, fresh=write) if g["id"] == guild_id), None)
    if entry is None:
        raise DashboardError(403, "You are not a member of that server (or Discord hasn't told us yet).")
    try:
        present = guild_id in discord_view.bot_in(runtime.discord, [guild_id], now)
    except DiscordError as error:
        raise _discord_failed(error) from None
    if not present:
        raise DashboardError(404, "StatusSync isn't in that server; invite it first.")
    if is_manager(entry):
        bits = ALL_PERMISSIONS if entry.get("owner") else perms.parse(entry.get("permissions"))
        return GuildAccess(guild_id, user_id, WRITE, True, entry["name"], entry.get("icon"), bits)
    if manager_only:
        raise DashboardError(403, "Only members with the Manage Server permission can do this.")
    grant_rows = grants(conn, guild_id)
    level = granted_level(grant_rows, _member_roles(runtime, conn, guild_id, user_id, now, write)) if grant_rows else None
    if level is None:
        raise DashboardError(403, "You need the Manage Server permission, or a role a manager let in, "
                                  "to open this server's dashboard.")
    if write and level != WRITE:
        raise DashboardError(403, "Your role may look at this server's dashboard but not change it.")
    return GuildAccess(guild_id, user_id, level, False, entry["name"], entry.get("icon"),
                       perms.parse(entry.get("permissions")))


def _granted_candidates(conn, guilds) -> list:
    """The user's guilds they don't manage where some role was granted access."""
    others = [int(g["id"]) for g in guilds if not is_manager(g)]
    if not others:
        return []
    return [str(r["guild_id"]) for r in db.all_rows(conn, "dashboard.guilds_with_grants", {"guild_ids": others})]


def listed_guilds(runtime, conn, session, now) -> list:
    """The guilds the dashboard offers this user: managed or granted, with the bot in them (access read or
    write); managed ones without the bot come first with access None (the page offers to invite it)."""
    guilds = user_guilds(runtime, conn, session, now)
    with_grants = set(_granted_candidates(conn, guilds))
    conn.commit()
    try:
        bot_in = discord_view.bot_in(runtime.discord, [g["id"] for g in guilds if is_manager(g)] + sorted(with_grants),
                                     now)
    except DiscordError as error:
        raise _discord_failed(error) from None
    listed = [{**g, "access": None, "manager": True} for g in guilds if is_manager(g) and g["id"] not in bot_in]
    for guild in (g for g in guilds if g["id"] in bot_in):
        if is_manager(guild):
            level = WRITE
        else:
            roles = _member_roles(runtime, conn, guild["id"], session["user_id"], now, False)
            level = granted_level(grants(conn, guild["id"]), roles)
        if level:
            listed.append({**guild, "access": level, "manager": is_manager(guild)})
    return listed


def replace_grants(conn, guild_id, wanted: list, granted_by, now, known_role_ids: set) -> list:
    """Set the guild's grants to `wanted` ([{role_id, level}]); DashboardError 400 for a bad list. Each role
    whose level changed goes into the change log (section "access", key "role:<id>")."""
    if not isinstance(wanted, list) or len(wanted) > MAX_GRANTS:
        raise DashboardError(400, f"grants must be a list of at most {MAX_GRANTS} roles.")
    clean = {}
    for item in wanted:
        if not isinstance(item, dict) or set(item) - {"role_id", "level"}:
            raise DashboardError(400, "Each grant is {\"role_id\": \"…\", \"level\": \"read\" or \"write\"}.")
        role_id, level = item.get("role_id"), item.get("level")
        if not isinstance(role_id, str) or not role_id.isdigit() or len(role_id) > 20:
            raise DashboardError(400, "role_id must be a role's id (a snowflake, as a string).")
        if level not in LEVELS:
            raise DashboardError(400, "level must be \"read\" or \"write\".")
        if role_id == str(guild_id):
            raise DashboardError(400, "@everyone can't be granted dashboard access.")
        if role_id not in known_role_ids:
            raise DashboardError(400, f"There is no role {role_id} in this server.")
        clean[role_id] = level
    before = {g["role_id"]: g["level"] for g in grants(conn, guild_id)}
    db.run(conn, "dashboard.clear_grants", {"guild_id": int(guild_id)})
    for role_id, level in clean.items():
        db.run(conn, "dashboard.add_grant", {"guild_id": int(guild_id), "role_id": int(role_id), "level": level,
                                             "granted_by": int(granted_by), "now": now})
    from app.guild_settings import log_change
    for role_id in sorted(set(before) | set(clean), key=int):
        if before.get(role_id) != clean.get(role_id):
            log_change(conn, guild_id, "access", f"role:{role_id}", before.get(role_id), clean.get(role_id),
                       actor_id=granted_by, source="dashboard", now=now)
    return grants(conn, guild_id)
