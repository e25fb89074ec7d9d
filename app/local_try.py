"""Local sandbox from the command line: `python -m app try "/automod test text:FREE NITRO at discord.gg/abc"`.

With `./run` serving the sandbox, the command goes to its simulated Discord, which builds, signs and posts the
interaction as Discord would; a deferred answer is waited for (its @original edit polled). Without one, the
interaction is built and signed here and posted to /interactions. Either way the answer is rendered as text
(app/local_render.py), or printed raw with --json.
"""
import json
import re
import time

from .discord import permissions as perms

# Discord's option types, as the registration JSON carries them.
SUB_COMMAND, SUB_COMMAND_GROUP, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, NUMBER = 1, 2, 4, 5, 6, 7, 8, 10

LOCAL_GUILD, LOCAL_USER, LOCAL_CHANNEL = "200000000000000002", "300000000000000003", "400000000000000004"
DEFERRED_WAIT_S = 30


def parse(registered: list, text: str) -> tuple:
    """(command, [subcommand path], {option: text}) for `/name [group] [sub] key:value ...`, checked against
    the registration JSON (what Discord itself knows of the commands)."""
    head, *pairs = re.split(r"\s+(?=[a-z_]+:)", text.strip().lstrip("/"))
    words = head.split()
    command = {c["name"]: c for c in registered}.get(words[0]) if words else None
    if command is None:
        raise SystemExit(f"unknown command {text!r}")
    node, path, rest = command, [], words[1:]
    while rest and _children(node) and rest[0] in _children(node):
        node = _children(node)[rest.pop(0)]
        path.append(node["name"])
    if rest:
        raise SystemExit(f"unknown subcommand {rest[0]!r}")
    declared = {o["name"] for o in node.get("options") or [] if o["type"] not in (SUB_COMMAND, SUB_COMMAND_GROUP)}
    values = {}
    for pair in pairs:
        key, _, value = pair.partition(":")
        if key not in declared:
            raise SystemExit(f"unknown option {key!r}; options: {', '.join(sorted(declared))}")
        values[key] = value
    return command, path, values


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
    """An APPLICATION_COMMAND interaction from the local owner, for a server without the simulated Discord."""
    command, path, values = parse(commands.registration_json(), text)
    node, nodes = command, []
    for name in path:
        node = _children(node)[name]
        nodes.append(node)
    declared = {o["name"]: o for o in node.get("options") or []}
    resolved = {}
    options = [{"name": k, "type": declared[k]["type"], "value": _value(declared[k], v, resolved)} for k, v in values.items()]
    for sub in reversed(nodes):
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


def send(settings, text: str, port: int = 3000, as_json=False, who=None, channel=None) -> str:
    import requests

    if not settings.get("LOCAL_SIGNING_KEY"):
        raise SystemExit("`try` only works in local mode (no Discord settings configured)")
    base = f"http://127.0.0.1:{port}"
    try:
        world = requests.get(f"{base}/sandbox/api/world", timeout=5)
    except requests.ConnectionError:
        raise SystemExit(f"nothing answers on {base}: start the app first (./run), then try again") from None
    if world.status_code == 200:
        return _through_sandbox(base, world.json(), text, as_json, who, channel)
    return _signed_here(settings, base, text, as_json)


def _through_sandbox(base, world, text, as_json, who, channel) -> str:
    import requests
    from .local_render import render_messages
    command, path, values = parse(world["commands"], text)
    user_id = _pick(world["members"], who, world["guild"]["owner_id"], "member")
    channel_id = _pick(world["channels"], channel, world["defaults"]["channel_id"], "channel")
    result = requests.post(f"{base}/sandbox/api/commands", timeout=15, json={
        "as": user_id, "channel_id": channel_id, "name": command["name"], "path": path, "options": values}).json()
    if as_json:
        return f"HTTP {result.get('status', 400)}\n{json.dumps(result.get('raw', result), indent=2, ensure_ascii=False)}"
    if "error" in result:
        return f"{result['error']}" + (f": {result['detail']}" if result.get("detail") else "")
    if result.get("type") == 9:
        return f"a modal opened ({result['modal'].get('title', '')}): submit it on {base}/sandbox"
    messages, waited = [], 0.0
    while True:
        messages = requests.get(f"{base}/sandbox/api/interactions/{result['token']}", timeout=5).json()["messages"]
        if not any(m["loading"] for m in messages) or waited >= DEFERRED_WAIT_S:
            break
        time.sleep(0.25)
        waited += 0.25
    return render_messages(messages, world, base)


def _pick(items, wanted, default, what):
    if not wanted:
        return default
    for item in items:
        if wanted in (item["id"], item.get("username"), item.get("name"), "#" + item.get("name", "")):
            return item["id"]
    raise SystemExit(f"no {what} {wanted!r} in the sandbox guild")


def _signed_here(settings, base, text, as_json) -> str:
    import requests
    from nacl.signing import SigningKey

    from .features import command_set
    from .local_render import render_callback
    body = json.dumps(build(command_set(), text)).encode()
    timestamp = str(int(time.time()))
    signature = SigningKey(bytes.fromhex(settings["LOCAL_SIGNING_KEY"])).sign(timestamp.encode() + body).signature
    response = requests.post(f"{base}/interactions", data=body, timeout=10, headers={
        "Content-Type": "application/json", "X-Signature-Ed25519": signature.hex(),
        "X-Signature-Timestamp": timestamp})
    if not response.headers.get("Content-Type", "").startswith("application/json"):
        return f"HTTP {response.status_code}: {response.headers.get('Content-Type', 'no content type')} answer"
    if as_json or response.status_code != 200:
        return f"HTTP {response.status_code}\n{json.dumps(response.json(), indent=2, ensure_ascii=False)}"
    return render_callback(response.json())
