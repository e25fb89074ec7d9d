"""A guild's structure: roles, channels, overwrites and the guild's own settings, with Discord's checks.

The bot needs Manage Roles / Manage Channels / Manage Server; it can't touch a role at or above its highest
role, can't grant what it lacks, and Discord's caps (250 roles, 500 channels) and Community-only channel
types answer as Discord does.
"""
import copy

from sandbox.discord.errors import DiscordError, invalid_form, json_object
from sandbox.discord.guild_structure import (
    COMMUNITY_ONLY_TYPES, GUILD_SETTINGS, MANAGE_CHANNELS, MANAGE_GUILD, MANAGE_ROLES, MAX_CHANNELS, MAX_ROLES,
    channel_object, missing_permissions)
from sandbox.discord.objects import guild_object, role_object

ROLE_FIELDS = ("name", "permissions", "color", "hoist", "mentionable", "icon", "unicode_emoji")
CHANNEL_FIELDS = ("name", "position", "topic", "bitrate", "user_limit", "nsfw", "rate_limit_per_user", "parent_id",
                  "permission_overwrites", "rtc_region", "default_reaction_emoji", "available_tags", "flags")


def _role(guild, role_id):
    if role_id not in guild["roles"]:
        raise DiscordError(404, "Unknown Role", 10011)
    return guild["roles"][role_id]


def _role_fields(body):
    fields = {k: body[k] for k in ROLE_FIELDS if k in body and body[k] is not None}
    if "name" in fields and not (isinstance(fields["name"], str) and 1 <= len(fields["name"]) <= 100):
        raise invalid_form("name", "Must be between 1 and 100 in length.")
    if "permissions" in fields:
        fields["permissions"] = str(int(fields["permissions"]))
    if "color" in fields:
        fields["colors"] = {"primary_color": int(fields["color"]), "secondary_color": None, "tertiary_color": None}
    return fields


def create_role(fake, request, guild_id):
    guild, body = fake._guild(guild_id), json_object(request)
    fake.require(guild, MANAGE_ROLES)
    fields = _role_fields(body)
    fake.require_grantable(guild, fields.get("permissions"))
    if len(guild["roles"]) >= MAX_ROLES:
        raise DiscordError(400, f"Maximum number of server roles reached ({MAX_ROLES})", 30005)
    for role in guild["roles"].values():
        if role["position"] >= 1:
            role["position"] += 1
    role_id = fake.next_snowflake()
    guild["roles"][role_id] = role_object({"name": "new role", **fields, "id": role_id, "position": 1})
    fake._audit(guild, request, 30, role_id)
    return 200, guild["roles"][role_id]


def edit_role(fake, request, guild_id, role_id):
    guild, body = fake._guild(guild_id), json_object(request)
    fake.require(guild, MANAGE_ROLES)
    role = _role(guild, role_id)
    fake.require_below_bot(guild, role)
    fields = _role_fields(body)
    if role_id == guild_id:
        fields.pop("name", None)  # @everyone keeps its name
    fake.require_grantable(guild, fields.get("permissions"))
    role.update(fields)
    fake._audit(guild, request, 31, role_id)
    return 200, role


def delete_role(fake, request, guild_id, role_id):
    guild = fake._guild(guild_id)
    fake.require(guild, MANAGE_ROLES)
    role = _role(guild, role_id)
    if role_id == guild_id or role.get("managed"):
        raise DiscordError(400, "Invalid Role", 50028)
    fake.require_below_bot(guild, role)
    fake.remove_role(guild_id, role_id)
    fake._audit(guild, request, 32, role_id)
    return 204, None


def move_roles(fake, request, guild_id):
    guild = fake._guild(guild_id)
    fake.require(guild, MANAGE_ROLES)
    moves = request.json
    if not isinstance(moves, list) or not all(isinstance(m, dict) and "id" in m for m in moves):
        raise invalid_form("_", "Must be a list of {id, position}.")
    top = fake.bot_top_position(guild)
    for move in moves:
        role = _role(guild, str(move["id"]))
        if role["position"] >= top or int(move.get("position") or 0) >= top or str(move["id"]) == guild_id:
            raise missing_permissions()
    for move in moves:
        guild["roles"][str(move["id"])]["position"] = int(move["position"])
    return 200, sorted(guild["roles"].values(), key=lambda r: (r["position"], int(r["id"])))


def _check_channel_fields(fake, guild, fields):
    if "name" in fields and not (isinstance(fields["name"], str) and 1 <= len(fields["name"]) <= 100):
        raise invalid_form("name", "Must be between 1 and 100 in length.")
    if fields.get("parent_id") is not None:
        parent = fake._channels.get(str(fields["parent_id"]))
        if parent is None or parent["guild_id"] != guild["id"] or parent["type"] != 4:
            raise invalid_form("parent_id", "Category does not exist.")
        fields["parent_id"] = parent["id"]
    if "permission_overwrites" in fields:
        overwrites = []
        for overwrite in fields["permission_overwrites"] or []:
            fake.require_grantable(guild, overwrite.get("allow"), overwrite.get("deny"))
            overwrites.append({"id": str(overwrite["id"]), "type": int(overwrite.get("type", 0)),
                               "allow": str(int(overwrite.get("allow") or 0)),
                               "deny": str(int(overwrite.get("deny") or 0))})
        if overwrites:
            fake.require(guild, MANAGE_ROLES)
        fields["permission_overwrites"] = overwrites
    return fields


def create_channel(fake, request, guild_id):
    guild, body = fake._guild(guild_id), json_object(request)
    fake.require(guild, MANAGE_CHANNELS)
    kind = int(body.get("type") or 0)
    allowed = {0, 2, 4, 15} | (COMMUNITY_ONLY_TYPES if "COMMUNITY" in guild.get("features", []) else set())
    if kind not in allowed:
        raise invalid_form("type", f"Value must be one of {sorted(allowed)}.")
    fields = _check_channel_fields(fake, guild, {k: body[k] for k in CHANNEL_FIELDS if k in body})
    if len(guild["channels"]) >= MAX_CHANNELS:
        raise DiscordError(400, f"Maximum number of server channels reached ({MAX_CHANNELS})", 30013)
    channel_id = fake.next_snowflake()
    fields.setdefault("position", len(guild["channels"]))
    channel = channel_object(guild_id, channel_id, {"type": kind, **fields})
    fake._channels[channel_id] = channel
    fake._messages[channel_id] = {}
    guild["channels"].append(channel_id)
    fake._audit(guild, request, 10, channel_id)
    return 201, channel


def _guild_channel(fake, channel_id):
    channel = fake._channel(channel_id)
    if channel.get("guild_id") is None:
        raise DiscordError(400, "Cannot execute action on a DM channel", 50003)
    return fake._guild(channel["guild_id"]), channel


def edit_channel(fake, request, channel_id):
    body = json_object(request)
    guild, channel = _guild_channel(fake, channel_id)
    fake.require(guild, MANAGE_CHANNELS)
    fields = _check_channel_fields(fake, guild, {k: body[k] for k in CHANNEL_FIELDS if k in body})
    channel.update(copy.deepcopy(fields))
    fake._audit(guild, request, 11, channel_id)
    return 200, channel


def delete_channel(fake, request, channel_id):
    guild, channel = _guild_channel(fake, channel_id)
    fake.require(guild, MANAGE_CHANNELS)
    fake.remove_channel(channel_id)
    fake._audit(guild, request, 12, channel_id)
    return 200, channel


def move_channels(fake, request, guild_id):
    guild = fake._guild(guild_id)
    fake.require(guild, MANAGE_CHANNELS)
    moves = request.json
    if not isinstance(moves, list) or not all(isinstance(m, dict) and "id" in m for m in moves):
        raise invalid_form("_", "Must be a list of {id, position}.")
    for move in moves:
        if str(move["id"]) not in guild["channels"]:
            raise DiscordError(404, "Unknown Channel", 10003)
    for move in moves:
        channel = fake._channels[str(move["id"])]
        if move.get("position") is not None:
            channel["position"] = int(move["position"])
        if "parent_id" in move:
            channel.update(_check_channel_fields(fake, guild, {"parent_id": move["parent_id"]}))
    return 204, None


def put_overwrite(fake, request, channel_id, overwrite_id):
    body = json_object(request)
    guild, channel = _guild_channel(fake, channel_id)
    fake.require(guild, MANAGE_ROLES)
    fake.require_grantable(guild, body.get("allow"), body.get("deny"))
    overwrite = {"id": overwrite_id, "type": int(body.get("type", 0)), "allow": str(int(body.get("allow") or 0)),
                 "deny": str(int(body.get("deny") or 0))}
    channel["permission_overwrites"] = [o for o in channel["permission_overwrites"] if o["id"] != overwrite_id]
    channel["permission_overwrites"].append(overwrite)
    fake._audit(guild, request, 14, channel_id)
    return 204, None


def delete_overwrite(fake, request, channel_id, overwrite_id):
    guild, channel = _guild_channel(fake, channel_id)
    fake.require(guild, MANAGE_ROLES)
    channel["permission_overwrites"] = [o for o in channel["permission_overwrites"] if o["id"] != overwrite_id]
    return 204, None


def edit_guild(fake, request, guild_id):
    guild, body = fake._guild(guild_id), json_object(request)
    fake.require(guild, MANAGE_GUILD)
    for key in ("afk_channel_id", "system_channel_id", "rules_channel_id", "public_updates_channel_id"):
        if body.get(key) is not None and str(body[key]) not in guild["channels"]:
            raise invalid_form(key, "Unknown channel.")
    if "features" in body and "COMMUNITY" in (body["features"] or []) and "COMMUNITY" not in guild.get("features", []):
        if not (body.get("rules_channel_id") or guild.get("rules_channel_id")):
            raise DiscordError(400, "Community servers need a rules channel and a public updates channel", 50035)
    for key in GUILD_SETTINGS:
        if key in body:
            guild[key] = str(body[key]) if key.endswith("_channel_id") and body[key] is not None else body[key]
    if "name" in body:
        guild["name"] = str(body["name"])
    if "features" in body and isinstance(body["features"], list):
        guild["features"] = sorted({str(f) for f in body["features"]})
    fake._audit(guild, request, 1, guild_id)
    return 200, guild_object(guild)
