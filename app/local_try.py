"""Local sandbox: sign a slash command with the local key and send it to the running server.

    python -m app try "/automod test text:FREE NITRO at discord.gg/abc"
"""
import json
import re
import time

from .discord import permissions as perms

# Discord's option types, as the registration JSON carries them.
SUB_COMMAND, SUB_COMMAND_GROUP, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, NUMBER = 1, 2, 4, 5, 6, 7, 8, 10

LOCAL_GUILD, LOCAL_USER, LOCAL_CHANNEL = "200000000000000002", "300000000000000003", "400000000000000004"


def _value(option, text, resolved):
    kind = option["type"]
    if kind == INTEGER:
        return int(text)
    if kind == NUMBER:
        return float(text)
    if kind == BOOLEAN:
        return text.lower() in ("true", "yes", "on", "1")
    if kind == USER:
        resolved.setdefault("users", {})[text] = {"id": text, "username": f"user{text[-4:]}"}
        resolved.setdefault("members", {})[text] = {"roles": [], "joined_at": "2024-01-01T00:00:00+00:00"}
    elif kind == CHANNEL:
        resolved.setdefault("channels", {})[text] = {"id": text, "name": "channel", "type": 0}
    elif kind == ROLE:
        resolved.setdefault("roles", {})[text] = {"id": text, "name": "role", "position": 1, "permissions": "0"}
    return text


def build(commands, text: str) -> dict:
    """An APPLICATION_COMMAND interaction for `/name [sub] key:value ...` from the local owner, built from
    the commands' registration JSON (what Discord itself knows of them)."""
    head, *pairs = re.split(r"\s+(?=[a-z_]+:)", text.strip().lstrip("/"))
    words = head.split()
    registered = {c["name"]: c for c in commands.registration_json()}
    command = registered.get(words[0]) if words else None
    if command is None:
        raise SystemExit(f"unknown command {text!r}")
    node, path, rest = command, [], words[1:]
    while rest and _children(node) and rest[0] in _children(node):
        node = _children(node)[rest.pop(0)]
        path.append(node)
    if rest:
        raise SystemExit(f"unknown subcommand {rest[0]!r}")
    resolved, options = {}, []
    declared = {o["name"]: o for o in node.get("options") or [] if o["type"] not in (SUB_COMMAND, SUB_COMMAND_GROUP)}
    for pair in pairs:
        key, _, value = pair.partition(":")
        if key not in declared:
            raise SystemExit(f"unknown option {key!r}; options: {', '.join(declared)}")
        options.append({"name": key, "type": declared[key]["type"], "value": _value(declared[key], value, resolved)})
    for sub in reversed(path):
        options = [{"name": sub["name"], "type": sub["type"], "options": options}]
    now_id = str(((int(time.time() * 1000) - 1420070400000) << 22) | (time.time_ns() % 4096))
    return {
        "id": now_id, "application_id": "100000000000000001", "type": 2, "token": f"local-{now_id}",
        "version": 1, "guild_id": LOCAL_GUILD, "channel_id": LOCAL_CHANNEL,
        "channel": {"id": LOCAL_CHANNEL, "type": 0, "name": "local"},
        "member": {"user": {"id": LOCAL_USER, "username": "local-owner"}, "roles": [],
                   "permissions": str(perms.ADMINISTRATOR), "joined_at": "2024-01-01T00:00:00+00:00"},
        "app_permissions": str(perms.ADMINISTRATOR), "locale": "en-US", "guild_locale": "en-US",
        "data": {"id": "1", "name": command["name"], "type": 1, "options": options, "resolved": resolved},
    }


def _children(node) -> dict:
    return {o["name"]: o for o in node.get("options") or [] if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)}


def send(settings, text: str, port: int = 3000) -> str:
    import requests
    from nacl.signing import SigningKey

    if not settings.get("LOCAL_SIGNING_KEY"):
        raise SystemExit("`try` only works in local mode (no Discord settings configured)")
    from .features import command_set
    body = json.dumps(build(command_set(), text)).encode()
    timestamp = str(int(time.time()))
    signature = SigningKey(bytes.fromhex(settings["LOCAL_SIGNING_KEY"])).sign(timestamp.encode() + body).signature
    response = requests.post(f"http://127.0.0.1:{port}/interactions", data=body, timeout=10, headers={
        "Content-Type": "application/json", "X-Signature-Ed25519": signature.hex(),
        "X-Signature-Timestamp": timestamp})
    return f"HTTP {response.status_code}\n{json.dumps(response.json(), indent=2, ensure_ascii=False)}"
