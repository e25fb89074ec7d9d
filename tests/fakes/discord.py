"""A local stand-in for Discord's REST API (v10), its CDN and OAuth2 token endpoint.

A real HTTP server on loopback: the app talks to it through DISCORD_API_BASE / DISCORD_CDN_BASE
exactly as it would talk to Discord, and tests read back what was sent and what state resulted.
"""
import copy
import email.parser
import email.policy
import hashlib
import json
import re
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from requests.structures import CaseInsensitiveDict

DISCORD_EPOCH_MS = 1420070400000
API_PREFIX = "/api/v10"
CDN_PREFIX = "/cdn"
EVERYONE_PERMISSIONS = "1071698660929"
BULK_DELETE_MAX_AGE = timedelta(days=14)
MAX_TIMEOUT = timedelta(days=28)

# Audit-log action types the fake writes when the bot acts (Discord's numbering).
MEMBER_KICK, MEMBER_BAN_ADD, MEMBER_BAN_REMOVE, MEMBER_UPDATE, MEMBER_ROLE_UPDATE = 20, 22, 23, 24, 25
MESSAGE_BULK_DELETE = 73


@dataclass
class Recorded:
    method: str
    path: str  # without the /api/v10 prefix; CDN requests keep their /cdn prefix
    query: dict
    headers: CaseInsensitiveDict
    json: object
    files: list  # (field, filename, content_type, bytes)
    body: bytes
    form: dict = field(default_factory=dict)  # application/x-www-form-urlencoded fields (OAuth2)


class DiscordError(Exception):
    """Raised inside a route to answer with Discord's error body."""

    def __init__(self, status, message, code=0, errors=None):
        super().__init__(message)
        self.status, self.message, self.code, self.errors = status, message, code, errors

    def body(self):
        body = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def _invalid_form(field_name, reason):
    errors = {field_name: {"_errors": [{"code": "BASE_TYPE_INVALID", "message": reason}]}}
    return DiscordError(400, "Invalid Form Body", 50035, errors)


def _iso(moment):
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def snowflake_time(snowflake):
    return datetime.fromtimestamp(((int(snowflake) >> 22) + DISCORD_EPOCH_MS) / 1000, tz=timezone.utc)


def make_png(width=16, height=16, rgb=(88, 101, 242)):
    """A valid solid-colour PNG built without Pillow."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def _parse_multipart(content_type, body):
    """Discord's multipart shape: a payload_json part plus files[n] parts."""
    raw = b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    payload, fields, files = None, {}, []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            files.append((name, part.get_filename(), part.get_content_type(), data))
        elif name == "payload_json":
            payload = json.loads(data)
        else:
            fields[name] = data.decode()
    return (payload if payload is not None else (fields or None)), files


class FakeDiscord:
    def __init__(self, application_id="100000000000000001", bot_token="test-bot-token",
                 client_id=None, client_secret=None):
        self.application_id = str(application_id)
        self.bot_token = bot_token
        self.client_id, self.client_secret = client_id, client_secret
        self.requests = []
        self._lock = threading.RLock()
        self._scripted = []  # [method, regex, status, body, headers, times_left]
        self._last_snowflake = 0
        self._server = self._thread = None
        self._users, self._guilds, self._channels, self._messages = {}, {}, {}, {}
        self._commands = {}  # guild id or None -> list of command dicts
        self._originals, self._followups, self._acknowledged = {}, {}, set()
        self._avatars, self._dm_channels, self._dms_closed = {}, {}, set()
        self._uploads = {}  # attachment id -> bytes, served back from the CDN
        self._oauth_codes, self._oauth_tokens, self._refresh_tokens = {}, {}, {}
        self.bot_user = self.add_user(self.application_id, username="StatusSync", bot=True)

    # --- lifecycle -------------------------------------------------------------------------

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self):
        return self.start() if self._server is None else self

    def __exit__(self, *exc):
        self.stop()

    @property
    def origin(self):
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self):
        return self.origin + API_PREFIX

    @property
    def cdn_url(self):
        return self.origin + CDN_PREFIX

    # --- recording and scripting -----------------------------------------------------------

    def find(self, method, path_regex):
        with self._lock:
            return [r for r in self.requests
                    if r.method == method.upper() and re.fullmatch(path_regex, r.path)]

    def queue(self, method, path_regex, status, body=None, headers=None, times=1):
        with self._lock:
            self._scripted.append([method.upper(), path_regex, status, body, headers or {}, times])

    def rate_limit(self, method, path_regex, retry_after=0.05, times=1):
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
        headers = {"Retry-After": f"{retry_after:g}", "X-RateLimit-Remaining": "0",
                   "X-RateLimit-Reset-After": f"{retry_after:.3f}", "X-RateLimit-Scope": "user"}
        self.queue(method, path_regex, 429, body, headers, times)

    def reset(self):
        with self._lock:
            self.requests.clear()
            self._scripted.clear()

    def _take_scripted(self, method, path):
        with self._lock:
            for entry in self._scripted:
                if entry[0] == method and re.fullmatch(entry[1], path):
                    entry[5] -= 1
                    if entry[5] <= 0:
                        self._scripted.remove(entry)
                    return entry[2], entry[3], entry[4]
        return None

    # --- state helpers ---------------------------------------------------------------------

    def next_snowflake(self):
        with self._lock:
            candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
            self._last_snowflake = max(candidate, self._last_snowflake + 1)
            return str(self._last_snowflake)

    def add_user(self, user_id, username=None, bot=False, avatar=None, global_name=None):
        user_id = str(user_id)
        with self._lock:
            user = self._users.setdefault(user_id, {
                "id": user_id, "username": username or f"user{user_id[-4:]}", "discriminator": "0",
                "global_name": global_name, "avatar": avatar, "public_flags": 0, "flags": 0,
                "primary_guild": None, "bot": bot})
            user.update({k: v for k, v in (("username", username), ("avatar", avatar),
                                           ("global_name", global_name)) if v is not None})
            user["bot"] = user["bot"] or bot
            return user

    def add_guild(self, guild_id, owner_id, name="Test Guild", roles=None):
        guild_id, owner_id = str(guild_id), str(owner_id)
        everyone = {"id": guild_id, "name": "@everyone", "position": 0, "permissions": EVERYONE_PERMISSIONS}
        with self._lock:
            guild = {"id": guild_id, "name": name, "owner_id": owner_id, "roles": {}, "members": {},
                     "bans": {}, "audit": [], "automod": {}, "channels": []}
            self._guilds[guild_id] = guild
            for role in [everyone] + list(roles or []):
                guild["roles"][str(role["id"])] = _role(role)
            self.add_member(guild_id, owner_id)
            self.add_member(guild_id, self.application_id)
        return self.guild(guild_id)

    def add_member(self, guild_id, user_id, roles=(), username=None, bot=False, avatar=None):
        guild = self._guild(str(guild_id))
        user = self.add_user(user_id, username=username, bot=bot, avatar=avatar)
        with self._lock:
            guild["members"][user["id"]] = {
                "user": user, "roles": [str(r) for r in roles], "nick": None, "avatar": None,
                "banner": None, "joined_at": _iso(snowflake_time(self.next_snowflake())),
                "premium_since": None, "communication_disabled_until": None, "flags": 0,
                "pending": False, "mute": False, "deaf": False}
        return self.member(guild_id, user_id)

    def add_channel(self, guild_id, channel_id, name="general", type=0):
        guild = self._guild(str(guild_id))
        with self._lock:
            channel = {"id": str(channel_id), "type": type, "guild_id": guild["id"], "name": name,
                       "position": len(guild["channels"]), "flags": 0, "parent_id": None,
                       "last_message_id": None, "topic": None, "nsfw": False,
                       "rate_limit_per_user": 0, "permission_overwrites": []}
            self._channels[channel["id"]] = channel
            self._messages[channel["id"]] = {}
            guild["channels"].append(channel["id"])
        return dict(channel)

    def add_message(self, channel_id, message_id, author_id, content, timestamp=None, **extra):
        channel_id, message_id = str(channel_id), str(message_id)
        if channel_id not in self._channels:
            raise KeyError(f"add_channel({channel_id}) before adding messages to it")
        author = self._users.get(str(author_id)) or self.add_user(author_id)
        moment = timestamp or _iso(snowflake_time(message_id))
        message = _message(message_id, channel_id, author, {"content": content, **extra}, moment)
        self._store_message(message)
        return copy.deepcopy(message)

    def set_avatar(self, user_id, avatar_hash, png_bytes=None, delay=0.0, garbage=False):
        with self._lock:
            if str(user_id) in self._users:
                self._users[str(user_id)]["avatar"] = avatar_hash
            self._avatars[(str(user_id), avatar_hash)] = (png_bytes or make_png(), delay, garbage)

    def add_audit_log_entry(self, guild_id, entry_dict):
        entry = {"id": self.next_snowflake(), "user_id": None, "target_id": None, "changes": [],
                 **entry_dict}
        with self._lock:
            self._guild(str(guild_id))["audit"].append(entry)
        return dict(entry)

    def add_automod_rule(self, guild_id, rule):
        """An AutoMod rule someone else made (a moderator or another bot): pass its creator_id."""
        stored = {"id": self.next_snowflake(), "guild_id": str(guild_id), "event_type": 1, "enabled": True,
                  "actions": [], "exempt_roles": [], "exempt_channels": [], **rule}
        with self._lock:
            self._guild(str(guild_id))["automod"][stored["id"]] = _rule_as_stored(stored)
        return copy.deepcopy(stored)

    def close_dms(self, user_id):
        """The user has DMs from server members turned off: sending to them answers 403 50007."""
        self._dms_closed.add(str(user_id))

    def add_oauth_user(self, access_token, user, guilds=()):
        with self._lock:
            self._oauth_tokens[access_token] = {"user": user, "guilds": list(guilds)}

    def add_oauth_code(self, code, access_token):
        with self._lock:
            self._oauth_codes[code] = access_token

    # read-back helpers (copies, so tests can't disturb the server's state)
    def guild(self, guild_id):
        with self._lock:
            return copy.deepcopy(_guild_object(self._guilds[str(guild_id)]))

    def guild_bans(self, guild_id):
        with self._lock:
            return copy.deepcopy(self._guild(str(guild_id))["bans"])

    def member(self, guild_id, user_id):
        with self._lock:
            return copy.deepcopy(self._guild(str(guild_id))["members"].get(str(user_id)))

    def channel_messages(self, channel_id):
        """Messages still in the channel, oldest first."""
        with self._lock:
            stored = self._messages.get(str(channel_id), {})
            return copy.deepcopy([stored[k] for k in sorted(stored, key=int)])

    def automod_rules(self, guild_id):
        with self._lock:
            return copy.deepcopy(list(self._guild(str(guild_id))["automod"].values()))

    def audit_log(self, guild_id):
        with self._lock:
            return copy.deepcopy(self._guild(str(guild_id))["audit"])

    def commands(self, guild_id=None):
        with self._lock:
            return copy.deepcopy(self._commands.get(None if guild_id is None else str(guild_id), []))

    def webhook_messages(self, token):
        """What the user finally sees for an interaction: the original response first, then follow-ups."""
        with self._lock:
            original = [self._originals[token]] if token in self._originals else []
            return copy.deepcopy(original + self._followups.get(token, []))

    # --- internals shared by the routes ----------------------------------------------------

    def _guild(self, guild_id):
        if guild_id not in self._guilds:
            raise DiscordError(404, "Unknown Guild", 10004)
        return self._guilds[guild_id]

    def _channel(self, channel_id):
        if channel_id not in self._channels:
            raise DiscordError(404, "Unknown Channel", 10003)
        return self._channels[channel_id]

    def _store_message(self, message):
        with self._lock:
            channel = self._channels[message["channel_id"]]
            self._messages[channel["id"]][message["id"]] = message
            if channel["last_message_id"] is None or int(message["id"]) > int(channel["last_message_id"]):
                channel["last_message_id"] = message["id"]

    def _audit(self, guild, request, action_type, target_id, changes=()):
        reason = request.headers.get("X-Audit-Log-Reason")
        entry = {"id": self.next_snowflake(), "action_type": action_type, "user_id": self.application_id,
                 "target_id": str(target_id), "changes": list(changes)}
        if reason:
            entry["reason"] = unquote(reason)
        guild["audit"].append(entry)

    def _attachments(self, request, payload):
        described = {str(a.get("id")): a for a in (payload or {}).get("attachments") or []}
        attachments = []
        for index, (_, filename, content_type, data) in enumerate(request.files):
            attachment_id = self.next_snowflake()
            url = f"{self.cdn_url}/attachments/{attachment_id}/{filename}"
            self._uploads[attachment_id] = (content_type, data)
            attachment = {"id": attachment_id, "filename": filename, "size": len(data), "url": url,
                          "proxy_url": url, "content_type": content_type}
            if described.get(str(index), {}).get("description"):
                attachment["description"] = described[str(index)]["description"]
            attachments.append(attachment)
        return attachments


def _role(role):
    return {"color": 0, "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False, "managed": False, "mentionable": False, "icon": None, "unicode_emoji": None,
            "flags": 0, **role, "id": str(role["id"]), "permissions": str(role.get("permissions", "0"))}


def _guild_object(guild):
    return {"id": guild["id"], "name": guild["name"], "owner_id": guild["owner_id"], "icon": None,
            "description": None, "splash": None, "banner": None, "features": [],
            "roles": list(guild["roles"].values()), "emojis": [], "stickers": [],
            "preferred_locale": "en-US", "premium_tier": 0, "verification_level": 0,
            "approximate_member_count": len(guild["members"])}


def _message(message_id, channel_id, author, payload, timestamp):
    message = {"id": message_id, "channel_id": channel_id, "type": 0, "author": author,
               "content": "", "embeds": [], "components": [], "attachments": [], "mentions": [],
               "mention_roles": [], "mention_everyone": False, "pinned": False, "tts": False,
               "flags": 0, "timestamp": timestamp, "edited_timestamp": None}
    for key in ("content", "embeds", "components", "flags", "tts", "message_reference",
                "attachments", "webhook_id", "application_id", "interaction_metadata"):
        if payload.get(key) is not None:
            message[key] = payload[key]
    return message


def _check_message_payload(payload, files):
    payload = payload or {}
    content = payload.get("content")
    if content is not None and (not isinstance(content, str) or len(content) > 2000):
        raise _invalid_form("content", "Must be 2000 or fewer in length.")
    if len(payload.get("embeds") or []) > 10:
        raise _invalid_form("embeds", "Must be 10 or fewer in length.")
    if not (content or payload.get("embeds") or payload.get("components") or files
            or payload.get("sticker_ids") or payload.get("poll")):
        raise DiscordError(400, "Cannot send an empty message", 50006)




def _limit(query, default, maximum):
    try:
        limit = int(query.get("limit", default))
    except ValueError:
        raise _invalid_form("limit", "Value is not int.")
    if not 1 <= limit <= maximum:
        raise _invalid_form("limit", f"int value should be between 1 and {maximum}.")
    return limit


def _page(items, query, limit, key=lambda item: int(item["id"])):
    """Discord's before/after paging; like Discord, `after` takes the items right after the cursor."""
    ordered = sorted(items, key=key)
    if "after" in query and "before" not in query:
        return [i for i in ordered if key(i) > int(query["after"])][:limit]
    if "before" in query:
        ordered = [i for i in ordered if key(i) < int(query["before"])]
    if "after" in query:
        ordered = [i for i in ordered if key(i) > int(query["after"])]
    return ordered[-limit:]


def _json_object(request):
    if not isinstance(request.json, dict):
        raise DiscordError(400, "Invalid Form Body", 50035, {"_errors": [{"code": "DICT_TYPE_CONVERT",
                                                                          "message": "Only dictionaries may be used in a DictType"}]})
    return request.json


def _now():
    return datetime.now(timezone.utc)


# --- application commands ------------------------------------------------------------------

COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")


def _command_scope(fake, app, guild):
    if app != fake.application_id:
        raise DiscordError(403, "Missing Access", 50001)
    return guild


def _build_command(fake, item, guild, previous=None):
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise _invalid_form("name", "This field is required")
    kind = item.get("type") or 1
    if kind == 1 and (not COMMAND_NAME.match(item["name"]) or item["name"] != item["name"].lower()):
        raise _invalid_form("name", "Command name is invalid")
    if kind == 1 and not 1 <= len(item.get("description") or "") <= 100:
        raise _invalid_form("description", "Must be between 1 and 100 in length.")
    permissions = item.get("default_member_permissions")
    command = {"id": previous["id"] if previous else fake.next_snowflake(),
               "application_id": fake.application_id, "version": fake.next_snowflake(), "type": kind,
               "name": item["name"], "description": item.get("description") or "",
               "default_member_permissions": None if permissions is None else str(permissions),
               "dm_permission": item.get("dm_permission", True) is not False,
               "contexts": item.get("contexts"), "integration_types": item.get("integration_types") or [0],
               "nsfw": bool(item.get("nsfw"))}
    for key in ("options", "name_localizations", "description_localizations"):
        if item.get(key) is not None:
            command[key] = item[key]
    if guild is not None:
        command["guild_id"] = guild
    return command


def list_commands(fake, request, app, guild=None):
    return 200, fake._commands.get(_command_scope(fake, app, guild), [])


def overwrite_commands(fake, request, app, guild=None):
    scope = _command_scope(fake, app, guild)
    if not isinstance(request.json, list):
        raise _invalid_form("_root", "Must be an array.")
    previous = {(c["name"], c["type"]): c for c in fake._commands.get(scope, [])}
    commands, seen = [], set()
    for item in request.json:
        command = _build_command(fake, item, scope, previous.get((item.get("name"), item.get("type") or 1)))
        if (command["name"], command["type"]) in seen:
            raise _invalid_form("_root", "Application command names must be unique")
        seen.add((command["name"], command["type"]))
        commands.append(command)
    fake._commands[scope] = commands
    return 200, commands


def create_command(fake, request, app, guild=None):
    scope = _command_scope(fake, app, guild)
    item = _json_object(request)
    stored = fake._commands.setdefault(scope, [])
    for index, existing in enumerate(stored):
        if (existing["name"], existing["type"]) == (item.get("name"), item.get("type") or 1):
            stored[index] = _build_command(fake, item, scope, existing)
            return 200, stored[index]
    stored.append(_build_command(fake, item, scope))
    return 201, stored[-1]


def _find_command(fake, scope, command_id):
    for index, command in enumerate(fake._commands.get(scope, [])):
        if command["id"] == command_id:
            return index
    raise DiscordError(404, "Unknown application command", 10063)


def get_command(fake, request, app, command_id, guild=None):
    scope = _command_scope(fake, app, guild)
    return 200, fake._commands[scope][_find_command(fake, scope, command_id)]


def edit_command(fake, request, app, command_id, guild=None):
    scope = _command_scope(fake, app, guild)
    index = _find_command(fake, scope, command_id)
    current = fake._commands[scope][index]
    fake._commands[scope][index] = _build_command(fake, {**current, **_json_object(request)}, scope, current)
    return 200, fake._commands[scope][index]


def delete_command(fake, request, app, command_id, guild=None):
    scope = _command_scope(fake, app, guild)
    del fake._commands[scope][_find_command(fake, scope, command_id)]
    return 204, None


# --- interaction callbacks and webhook messages --------------------------------------------

LOADING_FLAG = 128


def _webhook_message(fake, request, payload, message_id=None):
    message_id = message_id or fake.next_snowflake()
    payload = dict(payload or {})
    payload["attachments"] = fake._attachments(request, payload)
    message = _message(message_id, "0", fake.bot_user, payload, _iso(snowflake_time(message_id)))
    message.update(webhook_id=fake.application_id, application_id=fake.application_id)
    return message


def interaction_callback(fake, request, interaction_id, token):
    if interaction_id in fake._acknowledged:
        raise DiscordError(400, "Interaction has already been acknowledged.", 40060)
    body = _json_object(request)
    kind, data = body.get("type"), body.get("data") or {}
    if kind not in (1, 4, 5, 6, 7, 8, 9, 12):
        raise _invalid_form("type", "Value must be one of {1, 4, 5, 6, 7, 8, 9, 12}.")
    fake._acknowledged.add(interaction_id)
    if kind == 4:
        _check_message_payload(data, request.files)
        fake._originals[token] = _webhook_message(fake, request, data)
    elif kind == 5:
        fake._originals[token] = _webhook_message(fake, request, {"flags": (data.get("flags") or 0) | LOADING_FLAG})
    elif kind == 7:
        fake._originals[token] = _webhook_message(fake, request, data)
    if request.query.get("with_response") == "true":
        resource = {"type": kind, "message": fake._originals.get(token)}
        return 200, {"interaction": {"id": interaction_id, "type": 2}, "resource": resource}
    return 204, None


def _app_webhook(fake, webhook_id):
    if webhook_id != fake.application_id:
        raise DiscordError(404, "Unknown Webhook", 10015)


def post_followup(fake, request, webhook_id, token):
    _app_webhook(fake, webhook_id)
    _check_message_payload(request.json, request.files)
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


def _edit(fake, request, message):
    payload = _json_object(request) if request.json is not None else {}
    if "content" in payload:
        _check_message_payload({"content": payload["content"] or "x"}, [])
    for key in ("content", "embeds", "components", "flags", "allowed_mentions"):
        if key in payload and key != "allowed_mentions":
            message[key] = payload[key] if payload[key] is not None else ([] if key != "content" else "")
    if "attachments" in payload or request.files:
        kept = {str(a.get("id")) for a in payload.get("attachments") or []}
        message["attachments"] = ([a for a in message["attachments"] if a["id"] in kept]
                                  + fake._attachments(request, payload))
    message["flags"] = message.get("flags", 0) & ~LOADING_FLAG
    message["edited_timestamp"] = _iso(_now())
    return message


def edit_webhook_message(fake, request, webhook_id, token, message_id):
    _app_webhook(fake, webhook_id)
    if message_id == "@original" and token not in fake._originals:
        # The app acknowledged through its HTTP response (deferred), which the fake never sees.
        fake._originals[token] = _webhook_message(fake, request, {})
    return 200, _edit(fake, request, _find_webhook_message(fake, token, message_id))


def delete_webhook_message(fake, request, webhook_id, token, message_id):
    _app_webhook(fake, webhook_id)
    message = _find_webhook_message(fake, token, message_id)
    if fake._originals.get(token) is message:
        del fake._originals[token]
    else:
        fake._followups[token].remove(message)
    return 204, None


# --- channels and messages -----------------------------------------------------------------

def get_channel(fake, request, channel_id):
    return 200, fake._channel(channel_id)


def post_message(fake, request, channel_id):
    channel = fake._channel(channel_id)
    if channel["type"] == 1 and channel["recipients"][0]["id"] in fake._dms_closed:
        raise DiscordError(403, "Cannot send messages to this user", 50007)
    _check_message_payload(request.json, request.files)
    message_id = fake.next_snowflake()
    payload = {**(request.json or {}), "attachments": fake._attachments(request, request.json)}
    message = _message(message_id, channel_id, fake.bot_user, payload, _iso(snowflake_time(message_id)))
    fake._store_message(message)
    return 200, message


def list_messages(fake, request, channel_id):
    fake._channel(channel_id)
    limit = _limit(request.query, 50, 100)
    page = _page(fake._messages[channel_id].values(), request.query, limit)
    return 200, sorted(page, key=lambda m: int(m["id"]), reverse=True)


def _channel_message(fake, channel_id, message_id):
    fake._channel(channel_id)
    if message_id not in fake._messages[channel_id]:
        raise DiscordError(404, "Unknown Message", 10008)
    return fake._messages[channel_id][message_id]


def get_message(fake, request, channel_id, message_id):
    return 200, _channel_message(fake, channel_id, message_id)


def edit_message(fake, request, channel_id, message_id):
    return 200, _edit(fake, request, _channel_message(fake, channel_id, message_id))


def delete_message(fake, request, channel_id, message_id):
    _channel_message(fake, channel_id, message_id)
    del fake._messages[channel_id][message_id]
    return 204, None


def bulk_delete(fake, request, channel_id):
    channel = fake._channel(channel_id)
    ids = _json_object(request).get("messages")
    if not isinstance(ids, list) or not 2 <= len(ids) <= 100:
        raise _invalid_form("messages", "Must be between 2 and 100 in length.")
    if any(_now() - snowflake_time(i) > BULK_DELETE_MAX_AGE for i in ids):
        raise DiscordError(400, "You can only bulk delete messages that are under 14 days old.", 50034)
    for message_id in ids:
        fake._messages[channel_id].pop(str(message_id), None)
    if channel.get("guild_id"):
        fake._audit(fake._guild(channel["guild_id"]), request, MESSAGE_BULK_DELETE, channel_id)
    return 204, None


# --- guilds, members, bans, audit log ------------------------------------------------------

def get_guild(fake, request, guild_id):
    return 200, _guild_object(fake._guild(guild_id))


def list_guild_channels(fake, request, guild_id):
    return 200, [fake._channels[c] for c in fake._guild(guild_id)["channels"]]


def list_roles(fake, request, guild_id):
    return 200, list(fake._guild(guild_id)["roles"].values())


def _member(guild, user_id):
    if user_id not in guild["members"]:
        raise DiscordError(404, "Unknown Member", 10007)
    return guild["members"][user_id]


def get_member(fake, request, guild_id, user_id):
    return 200, _member(fake._guild(guild_id), user_id)


def list_members(fake, request, guild_id):
    members = fake._guild(guild_id)["members"].values()
    query = {"after": request.query.get("after", "0")}
    return 200, _page(members, query, _limit(request.query, 1, 1000), key=lambda m: int(m["user"]["id"]))


def edit_member(fake, request, guild_id, user_id):
    guild = fake._guild(guild_id)
    member, body = _member(guild, user_id), _json_object(request)
    if body.get("communication_disabled_until"):
        try:
            until = datetime.fromisoformat(body["communication_disabled_until"].replace("Z", "+00:00"))
        except ValueError:
            raise _invalid_form("communication_disabled_until", "Could not parse timestamp.")
        if until.tzinfo is None or until - _now() > MAX_TIMEOUT + timedelta(seconds=60):
            raise _invalid_form("communication_disabled_until", "Timeout can be at most 28 days.")
    if user_id == guild["owner_id"] and "communication_disabled_until" in body:
        raise DiscordError(403, "Missing Permissions", 50013)
    for role_id in body.get("roles") or []:
        if str(role_id) not in guild["roles"]:
            raise _invalid_form("roles", f"Unknown role {role_id}")
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


def ban_member(fake, request, guild_id, user_id):
    guild = fake._guild(guild_id)
    body = request.json if isinstance(request.json, dict) else {}
    seconds = body.get("delete_message_seconds", (body.get("delete_message_days") or 0) * 86400)
    if not isinstance(seconds, int) or not 0 <= seconds <= 604800:
        raise _invalid_form("delete_message_seconds", "int value should be between 0 and 604800.")
    if user_id == guild["owner_id"]:
        raise DiscordError(403, "Missing Permissions", 50013)
    user = fake._users.get(user_id) or fake.add_user(user_id)
    reason = request.headers.get("X-Audit-Log-Reason")
    guild["bans"][user_id] = {"user": user, "reason": unquote(reason) if reason else None}
    guild["members"].pop(user_id, None)
    cutoff = _now() - timedelta(seconds=seconds)
    for channel_id in guild["channels"]:
        stored = fake._messages[channel_id]
        for message_id in [m for m, msg in stored.items() if msg["author"]["id"] == user_id
                           and seconds and snowflake_time(m) >= cutoff]:
            del stored[message_id]
    fake._audit(guild, request, MEMBER_BAN_ADD, user_id)
    return 204, None


def _ban(guild, user_id):
    if user_id not in guild["bans"]:
        raise DiscordError(404, "Unknown Ban", 10026)
    return guild["bans"][user_id]


def get_ban(fake, request, guild_id, user_id):
    return 200, _ban(fake._guild(guild_id), user_id)


def unban_member(fake, request, guild_id, user_id):
    guild = fake._guild(guild_id)
    _ban(guild, user_id)
    del guild["bans"][user_id]
    fake._audit(guild, request, MEMBER_BAN_REMOVE, user_id)
    return 204, None


def list_bans(fake, request, guild_id):
    bans = fake._guild(guild_id)["bans"].values()
    return 200, _page(bans, request.query, _limit(request.query, 1000, 1000), key=lambda b: int(b["user"]["id"]))


def audit_log(fake, request, guild_id):
    guild, query = fake._guild(guild_id), request.query
    entries = [e for e in guild["audit"]
               if ("action_type" not in query or str(e.get("action_type")) == query["action_type"])
               and ("user_id" not in query or e.get("user_id") == query["user_id"])
               and ("target_id" not in query or e.get("target_id") == query["target_id"])]
    page = sorted(_page(entries, query, _limit(query, 50, 100)), key=lambda e: int(e["id"]), reverse=True)
    user_ids = {e.get(k) for e in page for k in ("user_id", "target_id")}
    users = [fake._users[u] for u in user_ids if u in fake._users]
    return 200, {"audit_log_entries": page, "users": users, "integrations": [], "webhooks": [],
                 "guild_scheduled_events": [], "threads": [], "application_commands": [],
                 "auto_moderation_rules": list(guild["automod"].values())}


# --- AutoMod -------------------------------------------------------------------------------

RULE_LIMITS = {1: 6, 3: 1, 4: 1, 5: 1, 6: 1}  # trigger type -> rules allowed per guild
TRIGGER_METADATA_DEFAULTS = {
    1: {"keyword_filter": [], "regex_patterns": [], "allow_list": []}, 3: {},
    4: {"presets": [], "allow_list": []}, 6: {"keyword_filter": [], "regex_patterns": [], "allow_list": []},
    5: {"mention_total_limit": 0, "mention_raid_protection_enabled": False}}


def _rule(guild, rule_id):
    if rule_id not in guild["automod"]:
        raise DiscordError(404, "Unknown auto moderation rule", 10066)
    return guild["automod"][rule_id]


def list_rules(fake, request, guild_id):
    return 200, list(fake._guild(guild_id)["automod"].values())


def get_rule(fake, request, guild_id, rule_id):
    return 200, _rule(fake._guild(guild_id), rule_id)


def create_rule(fake, request, guild_id):
    guild, body = fake._guild(guild_id), _json_object(request)
    for required in ("name", "event_type", "trigger_type"):
        if body.get(required) is None:
            raise _invalid_form(required, "This field is required")
    if body["trigger_type"] not in RULE_LIMITS:
        raise _invalid_form("trigger_type", "Value is not a valid trigger type.")
    same_kind = [r for r in guild["automod"].values() if r["trigger_type"] == body["trigger_type"]]
    if len(same_kind) >= RULE_LIMITS[body["trigger_type"]]:
        raise DiscordError(400, "Maximum number of rules of this type reached", 30037)
    rule = {"id": fake.next_snowflake(), "guild_id": guild_id, "creator_id": fake.application_id,
            "enabled": False, "actions": [], "exempt_roles": [], "exempt_channels": [],
            **{k: v for k, v in body.items() if v is not None}}
    guild["automod"][rule["id"]] = _rule_as_stored(rule)
    return 200, rule


def _rule_as_stored(rule):
    """Discord echoes rules with every metadata field filled in."""
    rule["trigger_metadata"] = {**TRIGGER_METADATA_DEFAULTS[rule["trigger_type"]], **(rule.get("trigger_metadata") or {})}
    rule["actions"] = [{"metadata": {}, **action} for action in rule.get("actions") or []]
    return rule


def edit_rule(fake, request, guild_id, rule_id):
    rule, body = _rule(fake._guild(guild_id), rule_id), _json_object(request)
    if body.get("trigger_type") not in (None, rule["trigger_type"]):
        raise _invalid_form("trigger_type", "A rule's trigger type cannot be changed.")
    rule.update({k: v for k, v in body.items() if v is not None})
    return 200, _rule_as_stored(rule)


def delete_rule(fake, request, guild_id, rule_id):
    guild = fake._guild(guild_id)
    _rule(guild, rule_id)
    del guild["automod"][rule_id]
    return 204, None


# --- users, DMs, OAuth2 ------------------------------------------------------------------

def _bearer_token(request):
    auth = request.headers.get("Authorization", "")
    return auth[len("Bearer "):] if auth.startswith("Bearer ") else None


def open_dm(fake, request):
    recipient = str(_json_object(request).get("recipient_id") or "")
    if not recipient.isdigit():
        raise _invalid_form("recipient_id", "Value \"\" is not snowflake.")
    if recipient not in fake._dm_channels:
        user = fake._users.get(recipient) or fake.add_user(recipient)
        channel = {"id": fake.next_snowflake(), "type": 1, "last_message_id": None, "flags": 0,
                   "recipients": [user]}
        fake._channels[channel["id"]] = channel
        fake._messages[channel["id"]] = {}
        fake._dm_channels[recipient] = channel["id"]
    return 200, fake._channels[fake._dm_channels[recipient]]


def get_me(fake, request):
    token = _bearer_token(request)
    if token:
        return 200, fake._oauth_tokens[token]["user"]
    return 200, {**fake.bot_user, "mfa_enabled": False, "locale": "en-US", "verified": True}


def my_guilds(fake, request):
    token = _bearer_token(request)
    if token:
        return 200, fake._oauth_tokens[token]["guilds"]
    return 200, [{"id": g["id"], "name": g["name"], "icon": None, "banner": None, "owner": False,
                  "permissions": "0", "features": []} for g in fake._guilds.values()]


def get_user(fake, request, user_id):
    if user_id not in fake._users:
        raise DiscordError(404, "Unknown User", 10013)
    return 200, fake._users[user_id]


def _oauth_error(error, description):
    return 400, {"error": error, "error_description": description}


def oauth_token(fake, request):
    form = request.form
    if fake.client_id is not None:
        import base64
        basic = request.headers.get("Authorization", "")
        pair = base64.b64decode(basic[6:]).decode() if basic.startswith("Basic ") else \
            f"{form.get('client_id')}:{form.get('client_secret')}"
        if pair != f"{fake.client_id}:{fake.client_secret}":
            return 401, {"error": "invalid_client"}
    if form.get("grant_type") == "authorization_code":
        access = fake._oauth_codes.pop(form.get("code"), None)
        if access is None:
            return _oauth_error("invalid_grant", 'Invalid "code" in request.')
    elif form.get("grant_type") == "refresh_token":
        access = fake._refresh_tokens.get(form.get("refresh_token"))
        if access is None:
            return _oauth_error("invalid_grant", 'Invalid "refresh_token" in request.')
    else:
        return _oauth_error("unsupported_grant_type", "Unsupported grant type")
    refresh = "refresh-" + access
    fake._refresh_tokens[refresh] = access
    return 200, {"access_token": access, "token_type": "Bearer", "expires_in": 604800,
                 "refresh_token": refresh, "scope": form.get("scope", "identify guilds")}


def oauth_revoke(fake, request):
    fake._oauth_tokens.pop(request.form.get("token"), None)
    return 200, {}


# --- CDN -----------------------------------------------------------------------------------

def avatar(fake, request, user_id, avatar_hash, ext):
    with fake._lock:
        served = fake._avatars.get((user_id, avatar_hash))
    if served is None:
        return 404, b"", {"Content-Type": "text/plain"}
    png, delay, garbage = served
    time.sleep(delay)  # outside the lock: a slow CDN must not stall the API
    return 200, (b"this is not a png" if garbage else png), {"Content-Type": "image/png"}


def uploaded_attachment(fake, request, attachment_id, filename):
    with fake._lock:
        upload = fake._uploads.get(attachment_id)
    if upload is None:
        return 404, b"", {"Content-Type": "text/plain"}
    return 200, upload[1], {"Content-Type": upload[0]}


def default_avatar(fake, request, index):
    return 200, make_png(rgb=(88 + int(index) * 20, 101, 242)), {"Content-Type": "image/png"}


# --- routing and the HTTP handler ----------------------------------------------------------

ID = r"[^/]+"
BOT, USER, NONE, CDN = "bot", "user", "none", "cdn"  # who may call a route (CDN: no auth, no lock)
APP_COMMANDS = rf"/applications/(?P<app>{ID})(?:/guilds/(?P<guild>{ID}))?/commands"
WEBHOOK_MESSAGE = rf"/webhooks/(?P<webhook_id>{ID})/(?P<token>{ID})/messages/(?P<message_id>{ID})"
MEMBER = rf"/guilds/(?P<guild_id>{ID})/members/(?P<user_id>{ID})"
RULE = rf"/guilds/(?P<guild_id>{ID})/auto-moderation/rules/(?P<rule_id>{ID})"
MESSAGE = rf"/channels/(?P<channel_id>{ID})/messages/(?P<message_id>{ID})"

ROUTES = [(method, re.compile(pattern), handler, auth) for method, pattern, handler, auth in [
    ("GET", APP_COMMANDS, list_commands, BOT),
    ("PUT", APP_COMMANDS, overwrite_commands, BOT),
    ("POST", APP_COMMANDS, create_command, BOT),
    ("GET", APP_COMMANDS + r"/(?P<command_id>\d+)", get_command, BOT),
    ("PATCH", APP_COMMANDS + r"/(?P<command_id>\d+)", edit_command, BOT),
    ("DELETE", APP_COMMANDS + r"/(?P<command_id>\d+)", delete_command, BOT),
    ("POST", rf"/interactions/(?P<interaction_id>{ID})/(?P<token>{ID})/callback", interaction_callback, NONE),
    ("POST", rf"/webhooks/(?P<webhook_id>{ID})/(?P<token>{ID})", post_followup, NONE),
    ("GET", WEBHOOK_MESSAGE, get_webhook_message, NONE),
    ("PATCH", WEBHOOK_MESSAGE, edit_webhook_message, NONE),
    ("DELETE", WEBHOOK_MESSAGE, delete_webhook_message, NONE),
    ("GET", rf"/channels/(?P<channel_id>{ID})", get_channel, BOT),
    ("POST", rf"/channels/(?P<channel_id>{ID})/messages/bulk-delete", bulk_delete, BOT),
    ("POST", rf"/channels/(?P<channel_id>{ID})/messages", post_message, BOT),
    ("GET", rf"/channels/(?P<channel_id>{ID})/messages", list_messages, BOT),
    ("GET", MESSAGE, get_message, BOT),
    ("PATCH", MESSAGE, edit_message, BOT),
    ("DELETE", MESSAGE, delete_message, BOT),
    ("GET", rf"/guilds/(?P<guild_id>{ID})", get_guild, BOT),
    ("GET", rf"/guilds/(?P<guild_id>{ID})/channels", list_guild_channels, BOT),
    ("GET", rf"/guilds/(?P<guild_id>{ID})/roles", list_roles, BOT),
    ("GET", rf"/guilds/(?P<guild_id>{ID})/members", list_members, BOT),
    ("GET", MEMBER, get_member, BOT),
    ("PATCH", MEMBER, edit_member, BOT),
    ("DELETE", MEMBER, kick_member, BOT),
    ("PUT", MEMBER + rf"/roles/(?P<role_id>{ID})", add_member_role, BOT),
    ("DELETE", MEMBER + rf"/roles/(?P<role_id>{ID})", remove_member_role, BOT),
    ("GET", rf"/guilds/(?P<guild_id>{ID})/bans", list_bans, BOT),
    ("GET", rf"/guilds/(?P<guild_id>{ID})/bans/(?P<user_id>{ID})", get_ban, BOT),
    ("PUT", rf"/guilds/(?P<guild_id>{ID})/bans/(?P<user_id>{ID})", ban_member, BOT),
    ("DELETE", rf"/guilds/(?P<guild_id>{ID})/bans/(?P<user_id>{ID})", unban_member, BOT),
    ("GET", rf"/guilds/(?P<guild_id>{ID})/audit-logs", audit_log, BOT),
    ("GET", rf"/guilds/(?P<guild_id>{ID})/auto-moderation/rules", list_rules, BOT),
    ("POST", rf"/guilds/(?P<guild_id>{ID})/auto-moderation/rules", create_rule, BOT),
    ("GET", RULE, get_rule, BOT),
    ("PATCH", RULE, edit_rule, BOT),
    ("DELETE", RULE, delete_rule, BOT),
    ("POST", r"/users/@me/channels", open_dm, BOT),
    ("GET", r"/users/@me", get_me, USER),
    ("GET", r"/users/@me/guilds", my_guilds, USER),
    ("GET", r"/users/(?P<user_id>\d+)", get_user, BOT),
    ("POST", r"/oauth2/token", oauth_token, NONE),
    ("POST", r"/oauth2/token/revoke", oauth_revoke, NONE),
    ("GET", rf"/cdn/avatars/(?P<user_id>{ID})/(?P<avatar_hash>[^/.]+)\.(?P<ext>png|webp|jpg|gif)", avatar, CDN),
    ("GET", r"/cdn/embed/avatars/(?P<index>\d)\.png", default_avatar, CDN),
    ("GET", rf"/cdn/attachments/(?P<attachment_id>{ID})/(?P<filename>{ID})", uploaded_attachment, CDN),
]]


def _authorized(fake, request, auth):
    header = request.headers.get("Authorization", "")
    if auth == BOT:
        return header == f"Bot {fake.bot_token}"
    if auth == USER:
        return header == f"Bot {fake.bot_token}" or _bearer_token(request) in fake._oauth_tokens
    return True


def _rate_limit_headers(path):
    bucket = hashlib.sha1(re.sub(r"\d{15,}", "{id}", path).encode()).hexdigest()[:16]
    return {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "4",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}", "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": bucket}


def _dispatch(fake, request):
    scripted = fake._take_scripted(request.method, request.path)
    if scripted is not None:
        status, body, headers = scripted
        if body is None and status >= 400:
            body = {"message": f"{status}: {HTTPStatus(status).phrase}", "code": 0}
        return status, body, headers
    allowed = False
    for method, pattern, handler, auth in ROUTES:
        match = pattern.fullmatch(request.path)
        if match is None:
            continue
        allowed = True
        if method != request.method:
            continue
        if not _authorized(fake, request, auth):
            return 401, {"message": "401: Unauthorized", "code": 0}, {}
        args = {k: v for k, v in match.groupdict().items() if v is not None}
        try:
            if auth == CDN:
                result = handler(fake, request, **args)
            else:
                with fake._lock:
                    result = handler(fake, request, **args)
                    result = (result[0], copy.deepcopy(result[1])) + tuple(result[2:])
        except DiscordError as error:
            return error.status, error.body(), {}
        return result if len(result) == 3 else (result[0], result[1], {})
    if allowed:
        return 405, {"message": "405: Method Not Allowed", "code": 0}, {}
    return 404, {"message": "404: Not Found", "code": 0}, {}


def _read_body(request, content_type):
    """Fills request.json / files / form from the raw body the way Discord reads it."""
    if not request.body:
        return
    if content_type.startswith("multipart/form-data"):
        request.json, request.files = _parse_multipart(content_type, request.body)
    elif content_type.startswith("application/x-www-form-urlencoded"):
        request.form = dict(parse_qsl(request.body.decode()))
    else:
        request.json = json.loads(request.body)


def _handler_for(fake):
    class DiscordHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes; don't wait for a delayed ACK

        def log_message(self, *args):
            pass

        def do_GET(self):
            self._serve()

        do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

        def _serve(self):
            url = urlsplit(self.path)
            body = self._read_raw_body()
            path = url.path[len(API_PREFIX):] if url.path.startswith(API_PREFIX + "/") else url.path
            request = Recorded(self.command, path, dict(parse_qsl(url.query, keep_blank_values=True)),
                               CaseInsensitiveDict(self.headers.items()), None, [], body)
            try:
                _read_body(request, self.headers.get("Content-Type", ""))
                parsed = True
            except (ValueError, UnicodeDecodeError):
                parsed = False
            with fake._lock:
                fake.requests.append(request)
            if not parsed:
                status, payload, headers = 400, {"message": "The request body contains invalid JSON.", "code": 50109}, {}
            elif path == url.path and not path.startswith(CDN_PREFIX + "/"):
                status, payload, headers = 404, {"message": "404: Not Found", "code": 0}, {}
            else:
                status, payload, headers = _dispatch(fake, request)
            self._respond(status, payload, {**_rate_limit_headers(path), **headers})

        def _read_raw_body(self):
            if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()  # the CRLF after each chunk
                if size == 0:
                    return b"".join(chunks)

        def _respond(self, status, payload, headers):
            if isinstance(payload, bytes):
                data = payload
            elif payload is None or status == 204:
                data = b""
            else:
                data = json.dumps(payload).encode()
                headers.setdefault("Content-Type", "application/json")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, str(value))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return DiscordHandler
