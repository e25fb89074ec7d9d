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

from .answers import EXPIRED
from .wire import (MAX_SNOWFLAKE, Invalid, clean_text, cleaned, described, has_bad_characters, is_integer,
                   json_list, json_object, permission_bits, short_text, snowflake)

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2

MAX_DEPTH = 40  # real payloads (a message with components v2 and a reply) stay under 25
MAX_OPTION_DEPTH = 3  # group > subcommand > option
MAX_LIST = 25  # options per level, select values
MAX_CUSTOM_ID = 100
MAX_TOKEN = 1000
MAX_NAME = 32
MAX_FIELD_TEXT = 4000  # a modal text input's own limit
TOKEN_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~+=")
SCALARS = (str, int, float, bool)


class Refused(Exception):
    """A valid interaction whose content we refuse; the message is shown to the user, ephemeral."""


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

    data = _data(kind, json_object(raw.get("data"), "data", required=True))
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


# ------------------------------------------------------------------ data, per interaction type

def _data(kind: int, data: dict) -> dict:
    if kind in (APPLICATION_COMMAND, AUTOCOMPLETE):
        return _command_data(kind, data)
    checked = {"custom_id": _custom_id(data.get("custom_id")), "resolved": _resolved(data.get("resolved"))}
    if kind == MESSAGE_COMPONENT:
        component_type = data.get("component_type")
        if component_type is not None and not is_integer(component_type):
            raise Invalid("data.component_type is not an integer")
        checked.update(component_type=component_type, values=_select_values(data.get("values")))
    else:
        checked["components"] = _modal_fields(data.get("components"))
        checked["fields"] = {item["custom_id"]: item.get("value", item.get("values"))
                             for row in checked["components"] for item in row["components"]}
    return checked


def _command_data(kind: int, data: dict) -> dict:
    name = data.get("name")
    if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME:
        raise Invalid("data.name is not a command name")
    command_type = data.get("type", 1)
    if not is_integer(command_type):
        raise Invalid("data.type is not an integer")
    snowflake(data.get("id"), "data.id", required=False)
    snowflake(data.get("target_id"), "data.target_id", required=False)
    try:
        options = _options(data.get("options"), 1)
    except Invalid:
        if kind != AUTOCOMPLETE:
            raise
        options = []  # a malformed autocomplete request just gets no suggestions
    if kind == AUTOCOMPLETE and not _focused_value_usable(options):
        options = []
    return {"name": name, "type": command_type, "id": data.get("id"), "target_id": data.get("target_id"),
            "options": options, "resolved": _resolved(data.get("resolved"))}


def _options(given, depth: int) -> list:
    """The option tree: lists of {name, type, value, options, focused}, at most 3 levels, 25 per level."""
    if depth > MAX_OPTION_DEPTH:
        raise Invalid("data.options are nested too deeply")
    checked = []
    for item in json_list(given, "data.options", MAX_LIST):
        item = json_object(item, "data.options[]", required=True)
        name, kind, value = item.get("name"), item.get("type"), item.get("value")
        if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME:
            raise Invalid("data.options[].name is not an option name")
        if kind is not None and not is_integer(kind):
            raise Invalid("data.options[].type is not an integer")
        if value is not None and not isinstance(value, SCALARS):
            raise Invalid("data.options[].value is not a scalar")
        option = {"name": name, "type": kind, "value": value, "focused": item.get("focused") is True}
        if item.get("options") is not None:
            option["options"] = _options(item["options"], depth + 1)
        checked.append(option)
    return checked


def _focused_value_usable(options: list) -> bool:
    for option in options:
        if option["focused"] and isinstance(option["value"], str) and has_bad_characters(option["value"]):
            return False
        if not _focused_value_usable(option.get("options") or []):
            return False
    return True


RESOLVED_KINDS = ("users", "members", "roles", "channels", "attachments", "messages")


def _resolved(value) -> dict:
    """{kind: {snowflake: object}}; every object but a member carries its own id, equal to its key."""
    resolved = {}
    for kind, items in json_object(value, "data.resolved").items():
        if kind not in RESOLVED_KINDS:
            continue
        items = json_object(items, f"data.resolved.{kind}")
        checked = {}
        for key, item in items.items():
            snowflake(key, f"data.resolved.{kind} key")
            item = json_object(item, f"data.resolved.{kind}[]", required=True)
            if kind != "members" and item.get("id") != key:
                raise Invalid(f"data.resolved.{kind}[] id does not match its key")
            if kind == "members":
                for role_id in json_list(item.get("roles"), "data.resolved.members[].roles"):
                    snowflake(role_id, "data.resolved.members[].roles[]")
            checked[key] = described(cleaned(item))
        resolved[kind] = checked
    return resolved


def _custom_id(value) -> str:
    """A custom_id we could have made: printable ASCII, at most 100, numeric parts within bigint."""
    if not isinstance(value, str):
        raise Invalid("data.custom_id is not a string")
    if not 0 < len(value) <= MAX_CUSTOM_ID or not all(" " <= c <= "~" for c in value):
        raise Refused(EXPIRED)
    for part in value.split(":"):
        digits = part.removeprefix("-")
        if digits.isdigit() and (len(digits) > 19 or int(digits) >= MAX_SNOWFLAKE):
            raise Refused(EXPIRED)
    return value


def _select_values(value) -> list:
    values = json_list(value, "data.values", MAX_LIST)
    if not all(isinstance(v, str) for v in values):
        raise Invalid("data.values are not strings")
    if any(len(v) > 100 or has_bad_characters(v) for v in values):
        raise Refused(EXPIRED)
    return list(values)


def _modal_fields(value) -> list:
    """Submitted rows: [{type, components: [{type, custom_id, value}]}] (or a label's single `component`)."""
    rows = []
    for row in json_list(value, "data.components", 10):
        row = json_object(row, "data.components[]", required=True)
        inner = row.get("components")
        if inner is None and row.get("component") is not None:
            inner = [row["component"]]
        fields = []
        for item in json_list(inner, "data.components[].components", 10):
            item = json_object(item, "data.components[].components[]", required=True)
            custom_id, text = item.get("custom_id"), item.get("value")
            if not isinstance(custom_id, str) or len(custom_id) > MAX_CUSTOM_ID:
                raise Invalid("a modal field has no custom_id")
            values = item.get("values")
            if text is not None and not (isinstance(text, str) and len(text) <= MAX_FIELD_TEXT):
                raise Invalid("a modal field's value is not text of at most 4000 characters")
            if values is not None and not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
                raise Invalid("a modal field's values are not strings")
            if any(has_bad_characters(t) for t in [custom_id, text or "", *(values or [])]):
                raise Refused(f"The field `{clean_text(custom_id)}` holds characters I can't store "
                              "(a NUL or an unpaired surrogate). Please retype it.")
            fields.append({k: item[k] for k in ("type", "custom_id", "value", "values") if k in item})
        rows.append({"type": row.get("type"), "components": fields})
    return rows
