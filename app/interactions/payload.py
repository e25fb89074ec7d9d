"""A signed request body turned, once, into the typed interaction the dispatcher and handlers read.

Three outcomes, decided here and nowhere else:
- `Invalid`: not an interaction Discord could have sent (not JSON, wrong types, ids that are not
  snowflakes, shapes nested past any real payload). The route answers 400 `{"error": ...}`.
- `Refused`: an interaction Discord could send, carrying state we never produced (a custom_id or select
  value we could not have made, text that PostgreSQL cannot store). The route answers with its message.
- an `Interaction` whose fields are checked: snowflakes are ASCII digits below 2^63, permission sets are
  digits, the token is a bounded URL-safe string, display text holds no NUL or lone surrogate, option
  trees are lists of option objects at most 3 deep. Option *values* stay as sent: options.py checks them
  against the declaration and names the bad one to the user.
"""
import json
import math
from dataclasses import dataclass, field

from .payload_data import (APPLICATION_COMMAND, AUTOCOMPLETE, MESSAGE_COMPONENT, MODAL_SUBMIT, PING,  # noqa: F401
                           checked_data)
from .wire import (Invalid, Refused, cleaned, described, is_integer, json_list, json_object,  # noqa: F401 (Refused)
                   permission_bits, short_text, snowflake)

GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2

MAX_DEPTH = 40  # real payloads (a message with components v2 and a reply) stay under 25
MAX_TOKEN = 1000
TOKEN_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~+=")


@dataclass(frozen=True)
class Interaction:
    """The checked fields of one interaction; `raw` is the body as sent, handed on to deferred work only."""
    raw: dict
    type: int
    id: str = ""
    token: str = ""
    guild_id: str | None = None
    channel_id: str | None = None
    channel: dict = field(default_factory=dict)
    context: int = GUILD
    member: dict | None = None
    user: dict = field(default_factory=dict)
    permissions: int = 0
    app_permissions: int = 0
    locale: str | None = None
    guild_locale: str | None = None
    data: dict = field(default_factory=dict)
    resolved: dict = field(default_factory=dict)
    message: dict | None = None
    values: list = field(default_factory=list)


# ------------------------------------------------------------------ parsing

def _shape_problem(document: dict):
    """Why a decoded body cannot be an interaction's shape, or None: nesting past any real payload, or
    NaN/Infinity (not JSON; Lambda's hand-off of deferred work refuses them) outside option values, where
    options.py names the option instead."""
    data = document.get("data")
    options = data.get("options") if isinstance(data, dict) else None
    stack = [(document, 1, False)]
    while stack:
        node, depth, in_options = stack.pop()
        if depth > MAX_DEPTH:
            return "body is nested too deeply"
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1, in_options or child is options))
            elif isinstance(child, float) and not in_options and not math.isfinite(child):
                return "body holds NaN or Infinity outside option values"
    return None


def decode(body: bytes) -> dict:
    """The JSON object in a body: strict UTF-8, shape bounded; Invalid for anything else."""
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # ValueError covers ints past 4,300 digits
        raise Invalid("body is not JSON") from None
    if not isinstance(document, dict):
        raise Invalid("not an interaction")
    problem = _shape_problem(document)
    if problem:
        raise Invalid(problem)
    return document


def parse(body: bytes) -> Interaction:
    return validate(decode(body))


def validate(raw: dict) -> Interaction:
    """The typed Interaction of a decoded body; raises Invalid or Refused."""
    if not isinstance(raw, dict):
        raise Invalid("not an interaction")
    kind = raw.get("type")
    if not is_integer(kind):  # {"type": true} is no PING: bool is an int in Python
        raise Invalid("interaction type is not an integer")
    if kind == PING:
        return Interaction(raw=raw, type=PING)
    if kind not in (APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT):
        raise Invalid("unsupported interaction type")

    token = raw.get("token")
    if (not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN or not TOKEN_ALPHABET.issuperset(token)
            or not token.strip(".")):  # it becomes a URL path segment: "..", "/" or "?" would move the call
        raise Invalid("token is malformed")
    snowflake(raw.get("application_id"), "application_id", required=False)
    guild_id = snowflake(raw.get("guild_id"), "guild_id", required=False)
    channel = json_object(raw.get("channel"), "channel")
    channel_id = snowflake(raw.get("channel_id") or channel.get("id"), "channel_id", required=False)
    member, user = _member_and_user(raw)
    context = raw.get("context")
    if guild_id is not None:
        context = GUILD
    elif not is_integer(context) or context not in (BOT_DM, PRIVATE_CHANNEL):
        context = BOT_DM
    message = raw.get("message")
    if message is not None:
        snowflake(json_object(message, "message").get("id"), "message.id", required=False)
        message = cleaned(message)

    data = checked_data(kind, json_object(raw.get("data"), "data", required=True))
    return Interaction(
        raw=raw, type=kind, id=snowflake(raw.get("id"), "id"), token=token, guild_id=guild_id,
        channel_id=channel_id, channel=described(cleaned(channel)), context=context, member=member, user=user,
        permissions=permission_bits((member or {}).get("permissions"), "member.permissions"),
        app_permissions=permission_bits(raw.get("app_permissions"), "app_permissions"),
        locale=short_text(raw.get("locale")), guild_locale=short_text(raw.get("guild_locale")),
        data=data, resolved=data.get("resolved", {}), message=message, values=data.get("values", []))


def _user(value, what: str) -> dict:
    user = json_object(value, what, required=True)
    snowflake(user.get("id"), f"{what}.id")  # before cleaning: "84\u0000" must not pass as "84"
    return described(cleaned(user))


def _member_and_user(raw: dict):
    """(member or None, user): in a server Discord sends `member` (with its user), in a DM `user`."""
    if raw.get("member") is None:
        return None, _user(raw.get("user"), "user")
    member = json_object(raw["member"], "member")
    user = _user(member.get("user"), "member.user")
    for role_id in json_list(member.get("roles"), "member.roles"):
        snowflake(role_id, "member.roles[]")
    permission_bits(member.get("permissions"), "member.permissions")
    member = described(cleaned(member))
    member["user"] = user
    return member, user
