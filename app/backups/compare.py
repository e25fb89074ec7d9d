"""Comparing one saved role, channel or the server's settings with the live one: what a restore would send.

Permissions: never a bit the bot lacks (Discord refuses it) nor one the member who confirms lacks; bits
outside what may be granted keep their live value.
"""
from ..discord import permissions as perms
from . import statussync
from .live import ALL_BITS

ROLE_FIELDS = ("name", "color", "hoist", "mentionable")
CHANNEL_FIELDS = ("name", "topic", "nsfw", "rate_limit_per_user", "bitrate", "user_limit", "rtc_region")
GUILD_FIELDS = ("verification_level", "default_message_notifications", "explicit_content_filter",
                "afk_channel_id", "afk_timeout", "system_channel_id")


def grantable(live, invoker_bits: int) -> int:
    invoker = ALL_BITS if int(invoker_bits) & perms.ADMINISTRATOR else int(invoker_bits)
    return live.bot_bits & invoker


def describe_bits(bits: int) -> str:
    named = [title for bit, title in perms.NAMES.items() if bits & bit]
    others = bin(bits & ~sum(bit for bit in perms.NAMES if bits & bit)).count("1")
    return ", ".join(named + ([f"{others} other permission(s)"] if others else []))


def role_label(role) -> str:
    return f"@{role['name']}"


def channel_label(channel) -> str:
    prefix = {4: "category ", 2: "🔊", 13: "🎙", 15: "forum #", 5: "📢#"}.get(channel["type"], "#")
    return f"{prefix}{channel['name']}"


def desired_permissions(saved: str, current: str | None, allowed: int) -> int:
    """What a restore can set: the saved bits it may grant, and the current bits it may not touch."""
    return (int(saved) & allowed) | (int(current or 0) & ~allowed)


def role_changes(saved, current, allowed, icons=False) -> dict:
    """`icons`: the server can show role icons (boost level 2), so a saved emoji is set too."""
    fields = ROLE_FIELDS + (("unicode_emoji",) if icons and saved.get("unicode_emoji") else ())
    body = {k: saved[k] for k in fields if saved[k] != current.get(k) and not (
        k == "name" and str(current["id"]) == str(current.get("guild_id", "")))}
    wanted = desired_permissions(saved["permissions"], current.get("permissions"), allowed)
    if wanted != int(current.get("permissions") or 0):
        body["permissions"] = str(wanted)
    return body


def overwrites_wanted(saved, current, id_map, allowed) -> list:
    """The merged overwrite list: the saved ones (ids remapped, bits trimmed) plus live ones it doesn't name."""
    live = {str(o["id"]): o for o in current or []}
    wanted = {}
    for overwrite in saved["permission_overwrites"]:
        target = id_map.get(overwrite["id"])
        if target is None:
            continue  # its role or member isn't here and won't be: reported with the role
        before = live.get(target, {})
        wanted[target] = {"id": target, "type": overwrite["type"],
                          "allow": str(desired_permissions(overwrite["allow"], before.get("allow"), allowed)),
                          "deny": str(desired_permissions(overwrite["deny"], before.get("deny"), allowed))}
    return [o for k, o in live.items() if k not in wanted] + list(wanted.values())


def _overwrite_set(overwrites) -> set:
    return {(str(o["id"]), int(o.get("type") or 0), str(o.get("allow") or "0"), str(o.get("deny") or "0"))
            for o in overwrites or []}


def channel_changes(saved, current, id_map, allowed) -> dict:
    body = {k: saved[k] for k in CHANNEL_FIELDS
            if k in saved and saved[k] != current.get(k) and not (k == "rtc_region" and saved[k] is None)}
    if "topic" in body and body["topic"] is not None:
        body["topic"] = statussync.remap_mentions(body["topic"], id_map)
        if body["topic"] == current.get("topic"):
            del body["topic"]
    parent = id_map.get(saved["parent_id"]) if saved["parent_id"] else None
    if (parent or None) != (current.get("parent_id") or None) and not (saved["parent_id"] and parent is None):
        body["parent_id"] = parent
    overwrites = overwrites_wanted(saved, current.get("permission_overwrites"), id_map, allowed)
    if _overwrite_set(overwrites) != _overwrite_set(current.get("permission_overwrites")):
        body["permission_overwrites"] = overwrites
    if saved["type"] in (15, 16):
        have = {t["name"] for t in current.get("available_tags") or []}
        missing = [{k: v for k, v in t.items() if v is not None} for t in saved["available_tags"] if t["name"] not in have]
        if missing:
            body["available_tags"] = list(current.get("available_tags") or []) + missing
        if saved["default_reaction_emoji"] and saved["default_reaction_emoji"] != current.get("default_reaction_emoji"):
            body["default_reaction_emoji"] = saved["default_reaction_emoji"]
    return body


def guild_changes(document, live, id_map) -> dict:
    saved = document["guild"]
    body = {}
    for key in GUILD_FIELDS:
        value = saved.get(key)
        if key.endswith("_channel_id") and value is not None:
            value = id_map.get(value)
            if value is None:
                continue
        if value is not None and value != live.guild.get(key) and not (
                key.endswith("_channel_id") and str(value) == str(live.guild.get(key))):
            body[key] = value
    return body
