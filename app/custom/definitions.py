"""What a custom command is made of: its name, its typed options, and the JSON Discord registers."""
import re

from ..errors import UserError

NAME_RE = re.compile(r"^[-_\w]{1,32}$")
MAX_OPTIONS = 5
OPTION_TYPES = {"string": 3, "integer": 4, "boolean": 5, "user": 6, "channel": 7, "role": 8, "number": 10}
TYPE_NAMES = {code: name for name, code in OPTION_TYPES.items()}
OPTION_RE = re.compile(r"^(?P<name>[a-z][a-z0-9_]{0,31})(?P<optional>\?)?:(?P<type>[a-z]+)"
                       r"(?::(?P<description>[^\[\]{}]{1,100}?))?\s*"
                       r"(?:\[(?P<choices>[^\]]*)\]|\{(?P<suggestions>[^}]*)\})?$")
CHOICES_LIMIT = 25  # Discord's; a longer [list] becomes autocomplete that still accepts only its items
SUGGESTIONS_LIMIT = 200
AUTOCOMPLETE_TYPES = (3, 4, 10)
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
    `[a|b]` are the only values allowed (Discord's choices up to 25; beyond, autocomplete over them);
    `{a|b}` are suggestions offered as the member types (autocomplete), any other value still allowed.
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
            option.update(_choices(option, found["choices"], strict=True))
        elif found["suggestions"] is not None:
            option.update(_choices(option, found["suggestions"], strict=False))
        options.append(option)
    return check_options(options)


def _choices(option, text, *, strict: bool) -> dict:
    """`{"choices": [...]}` (Discord's own, ≤ 25) or `{"suggestions": [...], "strict": ...}` (autocomplete)."""
    labels = list(dict.fromkeys(c.strip() for c in text.split("|") if c.strip()))
    if option["type"] not in AUTOCOMPLETE_TYPES or not 1 <= len(labels) <= SUGGESTIONS_LIMIT:
        raise UserError(f"Option `{option['name']}`: 1-{SUGGESTIONS_LIMIT} choices or suggestions, for string, "
                        "integer or number options only.")
    convert = {3: str, 4: int, 10: float}[option["type"]]
    try:
        pairs = [{"name": label[:100], "value": convert(label)} for label in labels]
    except ValueError:
        raise UserError(f"Option `{option['name']}`: every choice must be a {TYPE_NAMES[option['type']]}.") from None
    if strict and len(pairs) <= CHOICES_LIMIT:
        return {"choices": pairs}
    return {"suggestions": pairs, "strict": strict}


def _check_pairs(option, key, limit) -> None:
    pairs = option.get(key)
    if pairs is None:
        return
    kinds = {3: (str,), 4: (int,), 10: (int, float)}.get(option["type"])
    if (kinds is None or not isinstance(pairs, list) or not 1 <= len(pairs) <= limit
            or not all(isinstance(p, dict) and isinstance(p.get("name"), str) and 1 <= len(p["name"]) <= 100
                       and isinstance(p.get("value"), kinds) and not isinstance(p.get("value"), bool)
                       and len(str(p["value"])) <= 100 for p in pairs)):
        raise UserError(f"Option `{option['name']}`: its {key} are malformed (at most {limit}, each a name and a "
                        f"{TYPE_NAMES.get(option['type'], 'value')}).")


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
        if option.get("choices") is not None and option.get("suggestions") is not None:
            raise UserError(f"Option `{option['name']}` has both choices and suggestions; give one.")
        _check_pairs(option, "choices", CHOICES_LIMIT)
        _check_pairs(option, "suggestions", SUGGESTIONS_LIMIT)
        names.add(option["name"])
        if not option.get("required", True):
            seen_optional = True
        elif seen_optional:
            raise UserError(f"Required option `{option['name']}` must come before the optional ones (Discord's rule).")
    return options


def describe_options(options) -> str:
    return ", ".join(f"{o['name']}{'' if o.get('required', True) else '?'}:{TYPE_NAMES[o['type']]}"
                     + (" (autocomplete)" if o.get("suggestions") else "") for o in options)


def registration_json(row) -> dict:
    """The guild command Discord registers for a custom command row."""
    def shown(option):
        data = {k: v for k, v in option.items() if k in ("type", "name", "description", "required", "choices")}
        if option.get("suggestions"):
            data["autocomplete"] = True
        return data
    return {"name": row["name"], "type": 1, "description": row["description"],
            "options": [shown(o) for o in row["options"]], "contexts": [GUILD_CONTEXT]}


def suggest(option, typed, limit: int = CHOICES_LIMIT) -> list:
    """Autocomplete: the option's suggestions matching what the member typed, those starting with it first,
    then those containing it (case-insensitive), at most `limit`, as (name, value) pairs."""
    typed = str(typed or "").strip().casefold()
    pairs = option.get("suggestions") or option.get("choices") or []
    if not typed:
        return [(p["name"], p["value"]) for p in pairs[:limit]]
    starts = [p for p in pairs if p["name"].casefold().startswith(typed)]
    contains = [p for p in pairs if typed in p["name"].casefold() and not p["name"].casefold().startswith(typed)]
    return [(p["name"], p["value"]) for p in (starts + contains)[:limit]]
