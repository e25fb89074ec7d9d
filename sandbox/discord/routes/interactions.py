"""Interaction callbacks and the interaction webhook: original response and follow-ups."""
from sandbox.discord.errors import DiscordError, invalid_form, json_object
from sandbox.discord.objects import LOADING_FLAG, apply_message_edit, check_message_payload, message_object
from sandbox.discord.snowflakes import iso_timestamp, snowflake_time


def _webhook_message(fake, request, payload, message_id=None):
    message_id = message_id or fake.next_snowflake()
    payload = dict(payload or {})
    payload["attachments"] = fake._attachments(request, payload)
    message = message_object(message_id, "0", fake.bot_user, payload, iso_timestamp(snowflake_time(message_id)))
    message.update(webhook_id=fake.application_id, application_id=fake.application_id)
    return message


def receive_callback(fake, request, interaction_id, token, body):
    """What Discord does with an interaction's callback, whether POSTed to /callback or returned as the
    HTTP response to its interaction request: the interaction is acknowledged, @original exists."""
    with fake._lock:
        if interaction_id in fake._acknowledged:
            raise DiscordError(400, "Interaction has already been acknowledged.", 40060)
        kind, data = body.get("type"), body.get("data") or {}
        if kind not in (1, 4, 5, 6, 7, 8, 9, 12):
            raise invalid_form("type", "Value must be one of {1, 4, 5, 6, 7, 8, 9, 12}.")
        fake._acknowledged.add(interaction_id)
        fake._acknowledged_tokens.add(token)
        if kind == 4:
            check_message_payload(data, request.files)
            fake._originals[token] = _webhook_message(fake, request, data)
        elif kind == 5:
            fake._originals[token] = _webhook_message(fake, request, {"flags": (data.get("flags") or 0) | LOADING_FLAG})
        elif kind == 7:
            fake._originals[token] = _webhook_message(fake, request, data)
        return kind


def interaction_callback(fake, request, interaction_id, token):
    kind = receive_callback(fake, request, interaction_id, token, json_object(request))
    if request.query.get("with_response") == "true":
        resource = {"type": kind, "message": fake._originals.get(token)}
        return 200, {"interaction": {"id": interaction_id, "type": 2}, "resource": resource}
    return 204, None


def _app_webhook(fake, webhook_id):
    if webhook_id != fake.application_id:
        raise DiscordError(404, "Unknown Webhook", 10015)


def post_followup(fake, request, webhook_id, token):
    _app_webhook(fake, webhook_id)
    check_message_payload(request.json, request.files)
    message = _webhook_message(fake, request, request.json)
    fake._followups.setdefault(token, []).append(message)
    return 200, message


def _find_webhook_message(fake, token, message_id):
    if message_id == "@original":
        if token in fake._originals:
            return fake._originals[token]
    else:
        for message in fake._followups.get(token, []):
            if message["id"] == message_id:
                return message
        if fake._originals.get(token, {}).get("id") == message_id:
            return fake._originals[token]
    raise DiscordError(404, "Unknown Message", 10008)


def get_webhook_message(fake, request, webhook_id, token, message_id):
    _app_webhook(fake, webhook_id)
    return 200, _find_webhook_message(fake, token, message_id)


def edit_webhook_message(fake, request, webhook_id, token, message_id):
    _app_webhook(fake, webhook_id)
    if message_id == "@original" and token not in fake._acknowledged_tokens:
        # Discord has not received this interaction's answer yet (tests tell it: FakeDiscord.acknowledge).
        raise DiscordError(404, "Unknown Webhook", 10015)
    if message_id == "@original" and token not in fake._originals:  # acknowledged with a deferred update
        fake._originals[token] = _webhook_message(fake, request, {})
    return 200, apply_message_edit(fake, request, _find_webhook_message(fake, token, message_id))


def delete_webhook_message(fake, request, webhook_id, token, message_id):
    _app_webhook(fake, webhook_id)
    message = _find_webhook_message(fake, token, message_id)
    if fake._originals.get(token) is message:
        del fake._originals[token]
    else:
        fake._followups[token].remove(message)
    return 204, None
