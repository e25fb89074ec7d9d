"""Channels and their messages."""
import time
from datetime import timedelta

from sandbox.discord.audit_actions import MESSAGE_BULK_DELETE
from sandbox.discord.errors import DiscordError, invalid_form, json_object
from sandbox.discord.objects import apply_message_edit, check_message_payload, message_object
from sandbox.discord.paging import page_limit, paginate
from sandbox.discord.snowflakes import iso_timestamp, snowflake_time, utc_now

BULK_DELETE_MAX_AGE = timedelta(days=14)
NONCE_WINDOW_S = 300  # Discord checks an enforced nonce against the author's messages of "the past few minutes"


def get_channel(fake, request, channel_id):
    return 200, fake._channel(channel_id)


def post_message(fake, request, channel_id):
    channel = fake._channel(channel_id)
    if channel["type"] == 1 and channel["recipients"][0]["id"] in fake._dms_closed:
        raise DiscordError(403, "Cannot send messages to this user", 50007)
    check_message_payload(request.json, request.files)
    body = request.json or {}
    with fake._lock:
        earlier = _same_nonce(fake, channel_id, body)
        if earlier is not None:  # enforce_nonce: the message already created is returned, no second one
            return 200, earlier
        message_id = fake.next_snowflake()
        payload = {**body, "attachments": fake._attachments(request, request.json)}
        message = message_object(message_id, channel_id, fake.bot_user, payload,
                                 iso_timestamp(snowflake_time(message_id)))
        fake._store_message(message)
        if body.get("enforce_nonce") and body.get("nonce") is not None:
            fake._nonces[(channel_id, str(body["nonce"]))] = (message_id, time.monotonic())
    return 200, message


def _same_nonce(fake, channel_id, body):
    if not body.get("enforce_nonce") or body.get("nonce") is None:
        return None
    message_id, at = fake._nonces.get((channel_id, str(body["nonce"])), (None, 0.0))
    if message_id is None or time.monotonic() - at > NONCE_WINDOW_S:
        return None
    return fake._messages.get(channel_id, {}).get(message_id)


def list_messages(fake, request, channel_id):
    fake._channel(channel_id)
    limit = page_limit(request.query, 50, 100)
    page = paginate(fake._messages[channel_id].values(), request.query, limit)
    return 200, sorted(page, key=lambda m: int(m["id"]), reverse=True)


def _channel_message(fake, channel_id, message_id):
    fake._channel(channel_id)
    if message_id not in fake._messages[channel_id]:
        raise DiscordError(404, "Unknown Message", 10008)
    return fake._messages[channel_id][message_id]


def get_message(fake, request, channel_id, message_id):
    return 200, _channel_message(fake, channel_id, message_id)


def edit_message(fake, request, channel_id, message_id):
    return 200, apply_message_edit(fake, request, _channel_message(fake, channel_id, message_id))


def delete_message(fake, request, channel_id, message_id):
    _channel_message(fake, channel_id, message_id)
    del fake._messages[channel_id][message_id]
    return 204, None


def bulk_delete(fake, request, channel_id):
    channel = fake._channel(channel_id)
    ids = json_object(request).get("messages")
    if not isinstance(ids, list) or not 2 <= len(ids) <= 100:
        raise invalid_form("messages", "Must be between 2 and 100 in length.")
    if any(utc_now() - snowflake_time(i) > BULK_DELETE_MAX_AGE for i in ids):
        raise DiscordError(400, "You can only bulk delete messages that are under 14 days old.", 50034)
    for message_id in ids:
        fake._messages[channel_id].pop(str(message_id), None)
    if channel.get("guild_id"):
        fake._audit(fake._guild(channel["guild_id"]), request, MESSAGE_BULK_DELETE, channel_id)
    return 204, None
