"""Guild members: edits (nick, timeout, roles), kicks and role changes."""
from datetime import datetime, timedelta

from sandbox.discord.audit_actions import MEMBER_KICK, MEMBER_ROLE_UPDATE, MEMBER_UPDATE
from sandbox.discord.errors import DiscordError, invalid_form, json_object
from sandbox.discord.paging import page_limit, paginate
from sandbox.discord.snowflakes import utc_now

MAX_TIMEOUT = timedelta(days=28)


def _member(guild, user_id):
    if user_id not in guild["members"]:
        raise DiscordError(404, "Unknown Member", 10007)
    return guild["members"][user_id]


def get_member(fake, request, guild_id, user_id):
    return 200, _member(fake._guild(guild_id), user_id)


def list_members(fake, request, guild_id):
    members = fake._guild(guild_id)["members"].values()
    query = {"after": request.query.get("after", "0")}
    return 200, paginate(members, query, page_limit(request.query, 1, 1000), key=lambda m: int(m["user"]["id"]))


def edit_member(fake, request, guild_id, user_id):
    guild = fake._guild(guild_id)
    member, body = _member(guild, user_id), json_object(request)
    if body.get("communication_disabled_until"):
        try:
            until = datetime.fromisoformat(body["communication_disabled_until"].replace("Z", "+00:00"))
        except ValueError:
            raise invalid_form("communication_disabled_until", "Could not parse timestamp.")
        if until.tzinfo is None or until - utc_now() > MAX_TIMEOUT + timedelta(seconds=60):
            raise invalid_form("communication_disabled_until", "Timeout can be at most 28 days.")
    if user_id == guild["owner_id"] and "communication_disabled_until" in body:
        raise DiscordError(403, "Missing Permissions", 50013)
    for role_id in body.get("roles") or []:
        if str(role_id) not in guild["roles"]:
            raise invalid_form("roles", f"Unknown role {role_id}")
    changes = [{"key": k, "old_value": member.get(k), "new_value": body[k]}
               for k in ("nick", "communication_disabled_until", "mute", "deaf") if k in body]
    for change in changes:
        member[change["key"]] = change["new_value"]
    if "roles" in body:
        member["roles"] = [str(r) for r in body["roles"] or []]
    if changes:
        fake._audit(guild, request, MEMBER_UPDATE, user_id, changes)
    return 200, member


def kick_member(fake, request, guild_id, user_id):
    guild = fake._guild(guild_id)
    _member(guild, user_id)
    if user_id == guild["owner_id"]:
        raise DiscordError(403, "Missing Permissions", 50013)
    del guild["members"][user_id]
    fake._audit(guild, request, MEMBER_KICK, user_id)
    return 204, None


def _change_role(fake, request, guild_id, user_id, role_id, add):
    guild = fake._guild(guild_id)
    member = _member(guild, user_id)
    if role_id not in guild["roles"]:
        raise DiscordError(404, "Unknown Role", 10011)
    had = role_id in member["roles"]
    if add and not had:
        member["roles"].append(role_id)
    elif not add and had:
        member["roles"].remove(role_id)
    role = {"id": role_id, "name": guild["roles"][role_id]["name"]}
    fake._audit(guild, request, MEMBER_ROLE_UPDATE, user_id, [{"key": "$add" if add else "$remove", "new_value": [role]}])
    return 204, None


def add_member_role(fake, request, guild_id, user_id, role_id):
    return _change_role(fake, request, guild_id, user_id, role_id, add=True)


def remove_member_role(fake, request, guild_id, user_id, role_id):
    return _change_role(fake, request, guild_id, user_id, role_id, add=False)
