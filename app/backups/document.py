"""The backup document: one versioned JSON object, the same shape whether captured, stored or imported.

`normalize` is both how a capture is written down and how an imported file is checked: whatever it can't
read is refused with a message, whatever it doesn't know is dropped.
"""
import json

from ..errors import UserError

SCHEMA = "statussync.backup"
SCHEMA_VERSION = 1
MAX_BYTES = 2_000_000  # a 500-channel, 250-role server with every setting is well under 1 MB
MAX_ROLES, MAX_CHANNELS = 250, 500
GUILD_KEYS = ("verification_level", "default_message_notifications", "explicit_content_filter", "afk_channel_id",
              "afk_timeout", "system_channel_id")
ROLE_KEYS = ("name", "color", "permissions", "position", "hoist", "mentionable", "icon", "unicode_emoji", "managed")
CHANNEL_KEYS = ("type", "name", "position", "parent_id", "topic", "nsfw", "rate_limit_per_user", "bitrate",
                "user_limit", "rtc_region", "permission_overwrites", "available_tags", "default_reaction_emoji")
THREAD_TYPES = {10, 11, 12}  # threads belong to their messages, not the layout


def _snowflake(value, what):
    if value is None:
        return None
    text = str(value)
    if not text.isdigit() or len(text) > 20:
        raise UserError(f"The backup has a bad id in {what}.")
    return text


def _id(value, what):
    found = _snowflake(value, what)
    if found is None:
        raise UserError(f"The backup has {what} without an id.")
    return found


def _text(value, what, limit):
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit or "\x00" in value:
        raise UserError(f"The backup has a bad {what}.")
    return value


def _int(value, what, low=0, high=2 ** 53):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).lstrip("-").isdigit():
        raise UserError(f"The backup has a bad {what}.")
    number = int(value)
    if not low <= number <= high:
        raise UserError(f"The backup has a {what} out of range.")
    return number


def normalize_role(role: dict) -> dict:
    if not isinstance(role, dict):
        raise UserError("The backup's roles must be objects.")
    name = _text(role.get("name"), "role name", 100) or "role"
    return {"id": _id(role.get("id"), "roles"), "name": name, "color": _int(role.get("color") or 0, "colour"),
            "permissions": str(_int(role.get("permissions") or 0, "permission set")),
            "position": _int(role.get("position") or 0, "role position", 0, 1000),
            "hoist": bool(role.get("hoist")), "mentionable": bool(role.get("mentionable")),
            "icon": _text(role.get("icon"), "role icon", 100), "unicode_emoji": _text(role.get("unicode_emoji"), "emoji", 32),
            "managed": bool(role.get("managed"))}


def _overwrite(overwrite) -> dict:
    if not isinstance(overwrite, dict):
        raise UserError("The backup's permission overwrites must be objects.")
    return {"id": _id(overwrite.get("id"), "overwrites"), "type": _int(overwrite.get("type") or 0, "overwrite type", 0, 1),
            "allow": str(_int(overwrite.get("allow") or 0, "overwrite")),
            "deny": str(_int(overwrite.get("deny") or 0, "overwrite"))}


def _tag(tag) -> dict:
    if not isinstance(tag, dict):
        raise UserError("The backup's forum tags must be objects.")
    return {"name": _text(tag.get("name"), "forum tag", 20) or "tag", "moderated": bool(tag.get("moderated")),
            "emoji_id": _snowflake(tag.get("emoji_id"), "forum tags"), "emoji_name": _text(tag.get("emoji_name"), "emoji", 32)}


def _reaction(reaction):
    if not isinstance(reaction, dict):
        return None
    return {"emoji_id": _snowflake(reaction.get("emoji_id"), "default reaction"),
            "emoji_name": _text(reaction.get("emoji_name"), "emoji", 32)}


def normalize_channel(channel: dict) -> dict:
    if not isinstance(channel, dict):
        raise UserError("The backup's channels must be objects.")
    kind = _int(channel.get("type") or 0, "channel type", 0, 20)
    found = {"id": _id(channel.get("id"), "channels"), "type": kind,
             "name": _text(channel.get("name"), "channel name", 100) or "channel",
             "position": _int(channel.get("position") or 0, "channel position", 0, 10000),
             "parent_id": _snowflake(channel.get("parent_id"), "channel parents"),
             "topic": _text(channel.get("topic"), "channel topic", 4096), "nsfw": bool(channel.get("nsfw")),
             "rate_limit_per_user": _int(channel.get("rate_limit_per_user") or 0, "slowmode", 0, 21600),
             "permission_overwrites": [_overwrite(o) for o in (channel.get("permission_overwrites") or [])[:500]]}
    if kind in (2, 13):
        found.update(bitrate=_int(channel.get("bitrate") or 64000, "bitrate", 8000, 384000),
                     user_limit=_int(channel.get("user_limit") or 0, "user limit", 0, 10000),
                     rtc_region=_text(channel.get("rtc_region"), "voice region", 32))
    if kind in (15, 16):
        found.update(available_tags=[_tag(t) for t in (channel.get("available_tags") or [])[:20]],
                     default_reaction_emoji=_reaction(channel.get("default_reaction_emoji")))
    return found


def normalize(document) -> dict:
    """The document as StatusSync stores it; UserError when it isn't a backup this version can read."""
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise UserError("That isn't a StatusSync backup (use a file made by `/backup export`).")
    if document.get("version") != SCHEMA_VERSION:
        raise UserError(f"That backup is schema version {str(document.get('version'))[:10]}; this StatusSync "
                        f"reads version {SCHEMA_VERSION}.")
    roles, channels = document.get("roles"), document.get("channels")
    if not isinstance(roles, list) or not isinstance(channels, list):
        raise UserError("The backup has no list of roles or channels.")
    if len(roles) > MAX_ROLES or len(channels) > MAX_CHANNELS:
        raise UserError(f"The backup has more than {MAX_ROLES} roles or {MAX_CHANNELS} channels.")
    guild = document.get("guild") if isinstance(document.get("guild"), dict) else {}
    statussync = document.get("statussync") if isinstance(document.get("statussync"), dict) else {}
    return {
        "schema": SCHEMA, "version": SCHEMA_VERSION,
        "guild": {"id": _snowflake(guild.get("id"), "guild"), "name": _text(guild.get("name"), "server name", 100),
                  "features": [f for f in guild.get("features") or [] if isinstance(f, str)][:100],
                  **{k: (_snowflake(guild.get(k), k) if k.endswith("_id") else _int(guild.get(k), k))
                     for k in GUILD_KEYS}},
        "roles": sorted((normalize_role(r) for r in roles), key=lambda r: (r["position"], int(r["id"] or 0))),
        "channels": [normalize_channel(c) for c in channels if not (isinstance(c, dict) and c.get("type") in THREAD_TYPES)],
        "statussync": {"settings": statussync.get("settings") if isinstance(statussync.get("settings"), dict) else {},
                       "automod_rules": [r for r in statussync.get("automod_rules") or [] if isinstance(r, dict)][:50],
                       "custom_commands": [c for c in statussync.get("custom_commands") or [] if isinstance(c, dict)][:100]},
    }


def encode(document: dict) -> bytes:
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def decode(data: bytes) -> dict:
    """An uploaded file read back: size, JSON, schema version, then `normalize`."""
    if len(data) > MAX_BYTES:
        raise UserError(f"That file is larger than a backup can be ({MAX_BYTES // 1_000_000} MB).")
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise UserError("That file isn't JSON; use a file made by `/backup export`.") from None
    return normalize(document)


def counts(document: dict) -> dict:
    channels = document["channels"]
    return {"roles": sum(1 for r in document["roles"] if r["id"] != document["guild"].get("id")),
            "categories": sum(1 for c in channels if c["type"] == 4),
            "channels": sum(1 for c in channels if c["type"] != 4),
            "custom_commands": len(document["statussync"]["custom_commands"]),
            "automod_rules": len(document["statussync"]["automod_rules"])}
