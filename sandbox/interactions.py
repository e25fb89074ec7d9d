"""Interactions as Discord builds and signs them; shared by the tests (tests/interactions.py) and the sandbox."""
import itertools
import json
import time

DISCORD_EPOCH_MS = 1420070400000
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
_counter = itertools.count(1)


def snowflake() -> str:
    """A fresh, time-ordered id."""
    return str(((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (next(_counter) % 4194304))


def member(user: dict, *, permissions=0, roles=(), joined_at="2024-01-01T00:00:00+00:00", nick=None) -> dict:
    """The invoking member as an interaction carries it (with their permissions in the channel)."""
    found = {"user": user, "roles": [str(r) for r in roles], "permissions": str(permissions),
             "joined_at": joined_at, "deaf": False, "mute": False, "flags": 0}
    if nick is not None:
        found["nick"] = nick
    return found


def envelope(kind, data, *, application_id, guild_id, channel, member, app_permissions, message=None,
             locale="en-US") -> dict:
    """An interaction of `kind` in a guild channel, with a fresh id and token."""
    interaction_id = snowflake()
    interaction = {
        "id": interaction_id, "application_id": str(application_id), "type": kind,
        "token": f"token-{interaction_id}", "version": 1, "guild_id": guild_id, "channel_id": channel["id"],
        "channel": channel, "member": member, "app_permissions": str(app_permissions), "locale": locale,
        "guild_locale": "en-US", "entitlements": [], "authorizing_integration_owners": {"0": guild_id},
        "context": 0, "data": data}
    if message is not None:
        interaction["message"] = message
    return interaction


def signed_headers(signing_key, body: bytes, timestamp=None) -> dict:
    """Discord's signature headers: Ed25519 over the timestamp followed by the raw body."""
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = signing_key.sign(timestamp.encode() + body).signature.hex()
    return {"Content-Type": "application/json", "X-Signature-Ed25519": signature,
            "X-Signature-Timestamp": timestamp}


def encode(interaction: dict) -> bytes:
    return json.dumps(interaction, ensure_ascii=False).encode()


def read_callback(content_type: str, body: bytes):
    """The app's HTTP answer as Discord reads it: (callback, files), JSON or multipart with attachments."""
    if content_type.startswith("multipart/form-data"):
        from sandbox.discord.request_body import parse_multipart
        return parse_multipart(content_type, body)
    return json.loads(body), []
