"""What a custom command is made of: its name, its typed options, and the JSON Discord registers."""
import re

from ..errors import UserError

NAME_RE = re.compile(r"^[-_\w]{1,32}$")
MAX_OPTIONS = 5
OPTION_TYPES = {"string": 3, "integer": 4, "boolean": 5, "user": 6, "channel": 7, "role": 8, "number": 10}
TYPE_NAMES = {code: name for name, code in OPTION_TYPES.items()}
OPTION_RE = re.compile(r"^(?P<name>[a-z][a-z0-9_]{0,31})(?P<optional>\?)?:(?P<type>[a-z]+)"
                       r"(?::(?P<description>[^\[\]]{1,100}?))?\s*(?:\[(?P<choices>[^\]]*)\])?$")
GUILD_CONTEXT = 0


def check_name(name, builtin_names) -> str:
    name = (name or "").strip()
    if not NAME_RE.match(name) or name != name.lower():
        raise UserError("A command name is 1-32 lowercase letters, digits, - or _ (Discord's rule), "
                        f"so `{name[:40]}` can't be one.")
    if name in builtin_names:
        raise UserError(f"`/{name}` is one of StatusSync's own commands; choose another name.")
    return name


def check_description(description, name) -> str:
    description = (description or "").strip() or f"Custom command /{name}"
    if len(description) > 100:
        raise UserError("The description can be at most 100 characters.")
    return description


def parse_options(spec) -> list:
    """`member:user:Who to greet, count?:integer:How many [1|2|3]` → option dicts (at most 5).

    Each option is `name[?]:type[:description][ [choice|choice]]`, separated by commas; `?` makes it optional.
    """
    if not spec or not spec.strip():
        return []
    options = []
    for part in (p.strip() for p in spec.split(",")):
        found = OPTION_RE.match(part)
        if not found or found["type"] not in OPTION_TYPES:
            raise UserError(f"I can't read the option `{part[:60]}`: write `name:type` or "
                            f"`name?:type:description [a|b]`, with type one of {', '.join(OPTION_TYPES)}.")
        option = {"name": found["name"], "type": OPTION_TYPES[found["type"]],
                  "description": (found["description"] or "").strip() or found["name"],
                  "required": not found["optional"]}
        if found["choices"] is not None:
            option["choices"] = _choices(option, found["choices"])
        options.append(option)
    return check_options(options)


def _choices(option, text) -> list:
    labels = [c.strip() for c in text.split("|") if c.strip()]
    if option["type"] not in (3, 4, 10) or not 1 <= len(labels) <= 25:
        raise UserError(f"Option `{option['name']}`: 1-25 choices, for string, integer or number options only.")
    convert = {3: str, 4: int, 10: float}[option["type"]]
    try:
        return [{"name": label[:100], "value": convert(label)} for label in labels]
    except ValueError:
        raise UserError(f"Option `{option['name']}`: every choice must be a {TYPE_NAMES[option['type']]}.") from None


def check_options(options) -> list:
    """Options read back (from the table or an import) checked again: at most 5, unique, required first."""
    if not isinstance(options, list) or len(options) > MAX_OPTIONS:
        raise UserError(f"A custom command has at most {MAX_OPTIONS} options.")
    names, seen_optional = set(), False
    for option in options:
        if (not isinstance(option, dict) or not NAME_RE.match(str(option.get("name", "")))
                or option.get("type") not in TYPE_NAMES or not 1 <= len(str(option.get("description", ""))) <= 100):
            raise UserError("An option is malformed: each needs a name, a type and a description.")
        if option["name"] in names:
            raise UserError(f"Option `{option['name']}` appears twice.")
        names.add(option["name"])
        if not option.get("required", True):
            seen_optional = True
        elif seen_optional:
            raise UserError(f"Required option `{option['name']}` must come before the optional ones (Discord's rule).")
    return options


def describe_options(options) -> str:
    return ", ".join(f"{o['name']}{'' if o.get('required', True) else '?'}:{TYPE_NAMES[o['type']]}" for o in options)


def registration_json(row) -> dict:
    """The guild command Discord registers for a custom command row."""
    return {"name": row["name"], "type": 1, "description": row["description"],
            "options": [{k: v for k, v in o.items() if k in ("type", "name", "description", "required", "choices")}
                        for o in row["options"]],
            "contexts": [GUILD_CONTEXT]}
