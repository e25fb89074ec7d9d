"""The shapes of the Discord objects the fake stores and returns, and message payload rules."""
from sandbox.discord.errors import DiscordError, invalid_form, json_object
from sandbox.discord.snowflakes import iso_timestamp, utc_now

GUILD_FIELDS = ("features", "verification_level", "default_message_notifications", "explicit_content_filter",
                "afk_channel_id", "afk_timeout", "system_channel_id", "rules_channel_id", "public_updates_channel_id")
LOADING_FLAG = 128  # a deferred response's placeholder message ("StatusSync is thinking...")


def role_object(role):
    return {"color": 0, "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False, "managed": False, "mentionable": False, "icon": None, "unicode_emoji": None,
            "flags": 0, **role, "id": str(role["id"]), "permissions": str(role.get("permissions", "0"))}


def guild_object(guild):
    return {"id": guild["id"], "name": guild["name"], "owner_id": guild["owner_id"], "icon": None,
            "description": None, "splash": None, "banner": None, "features": [],
            "roles": list(guild["roles"].values()), "emojis": [], "stickers": [],
            "preferred_locale": "en-US", "premium_tier": 0, "verification_level": 0,
            "approximate_member_count": len(guild["members"]),
            **{k: guild[k] for k in GUILD_FIELDS if k in guild}}  # what PATCH /guilds/{id} stored


def message_object(message_id, channel_id, author, payload, timestamp):
    message = {"id": message_id, "channel_id": channel_id, "type": 0, "author": author,
               "content": "", "embeds": [], "components": [], "attachments": [], "mentions": [],
               "mention_roles": [], "mention_everyone": False, "pinned": False, "tts": False,
               "flags": 0, "timestamp": timestamp, "edited_timestamp": None}
    for key in ("content", "embeds", "components", "flags", "tts", "message_reference",
                "attachments", "webhook_id", "application_id", "interaction_metadata"):
        if payload.get(key) is not None:
            message[key] = payload[key]
    return message


def check_message_payload(payload, files):
    payload = payload or {}
    content = payload.get("content")
    if content is not None and (not isinstance(content, str) or len(content) > 2000):
        raise invalid_form("content", "Must be 2000 or fewer in length.")
    if len(payload.get("embeds") or []) > 10:
        raise invalid_form("embeds", "Must be 10 or fewer in length.")
    if not (content or payload.get("embeds") or payload.get("components") or files
            or payload.get("sticker_ids") or payload.get("poll")):
        raise DiscordError(400, "Cannot send an empty message", 50006)


def apply_message_edit(fake, request, message):
    payload = json_object(request) if request.json is not None else {}
    if "content" in payload:
        check_message_payload({"content": payload["content"] or "x"}, [])
    for key in ("content", "embeds", "components", "flags", "allowed_mentions"):
        if key in payload and key != "allowed_mentions":
            message[key] = payload[key] if payload[key] is not None else ([] if key != "content" else "")
    if "attachments" in payload or request.files:
        kept = {str(a.get("id")) for a in payload.get("attachments") or []}
        message["attachments"] = ([a for a in message["attachments"] if a["id"] in kept]
                                  + fake._attachments(request, payload))
    message["flags"] = message.get("flags", 0) & ~LOADING_FLAG
    message["edited_timestamp"] = iso_timestamp(utc_now())
    return message
