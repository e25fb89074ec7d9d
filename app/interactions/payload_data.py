"""The `data` part of an interaction, checked for its type: a command's option tree and resolved objects,
a component's custom_id and select values, a modal's fields (see payload.py for the three outcomes)."""
from .answers import EXPIRED
from .wire import (MAX_SNOWFLAKE, Invalid, Refused, clean_text, cleaned, described, has_bad_characters,
                   is_integer, json_list, json_object, snowflake)

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5  # interaction types
MAX_OPTION_DEPTH = 3  # group > subcommand > option
MAX_LIST = 25  # options per level, select values
MAX_CUSTOM_ID = 100
MAX_NAME = 32
MAX_FIELD_TEXT = 4000  # a modal text input's own limit
SCALARS = (str, int, float, bool)



def checked_data(kind: int, data: dict) -> dict:
    """The interaction's `data`, checked for its type (command, autocomplete, component, modal)."""
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
