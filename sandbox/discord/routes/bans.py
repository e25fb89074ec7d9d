"""Guild bans, including the messages a ban deletes."""
from datetime import timedelta
from urllib.parse import unquote

from sandbox.discord.audit_actions import MEMBER_BAN_ADD, MEMBER_BAN_REMOVE
from sandbox.discord.errors import DiscordError, invalid_form
from sandbox.discord.paging import page_limit, paginate
from sandbox.discord.snowflakes import snowflake_time, utc_now


def ban_member(fake, request, guild_id, user_id):
    guild = fake._guild(guild_id)
    body = request.json if isinstance(request.json, dict) else {}
    seconds = body.get("delete_message_seconds", (body.get("delete_message_days") or 0) * 86400)
    if not isinstance(seconds, int) or not 0 <= seconds <= 604800:
        raise invalid_form("delete_message_seconds", "int value should be between 0 and 604800.")
    if user_id == guild["owner_id"]:
        raise DiscordError(403, "Missing Permissions", 50013)
    user = fake._users.get(user_id) or fake.add_user(user_id)
    reason = request.headers.get("X-Audit-Log-Reason")
    guild["bans"][user_id] = {"user": user, "reason": unquote(reason) if reason else None}
    guild["members"].pop(user_id, None)
    cutoff = utc_now() - timedelta(seconds=seconds)
    for channel_id in guild["channels"]:
        stored = fake._messages[channel_id]
        for message_id in [m for m, msg in stored.items() if msg["author"]["id"] == user_id
                           and seconds and snowflake_time(m) >= cutoff]:
            del stored[message_id]
    fake._audit(guild, request, MEMBER_BAN_ADD, user_id)
    return 204, None


def _ban(guild, user_id):
    if user_id not in guild["bans"]:
        raise DiscordError(404, "Unknown Ban", 10026)
    return guild["bans"][user_id]


def get_ban(fake, request, guild_id, user_id):
    return 200, _ban(fake._guild(guild_id), user_id)


def unban_member(fake, request, guild_id, user_id):
    guild = fake._guild(guild_id)
    _ban(guild, user_id)
    del guild["bans"][user_id]
    fake._audit(guild, request, MEMBER_BAN_REMOVE, user_id)
    return 204, None


def list_bans(fake, request, guild_id):
    bans = fake._guild(guild_id)["bans"].values()
    return 200, paginate(bans, request.query, page_limit(request.query, 1000, 1000), key=lambda b: int(b["user"]["id"]))
