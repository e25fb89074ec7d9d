"""The embed form of a custom command's answer: its parts (the shown text being templates), checked at save
time and rendered at run time within Discord's embed limits, under the one budget of the whole answer."""
import re

from ..errors import UserError
from . import templates

TEXT_LIMITS = {"title": 256, "description": 4096, "author": 256, "footer": 2048}
FIELD_NAME_LIMIT, FIELD_VALUE_LIMIT, MAX_FIELDS, TOTAL_LIMIT = 256, 1024, 25, 6000
URL_PARTS = ("url", "image", "thumbnail")
PARTS = (*TEXT_LIMITS, "fields", "color", *URL_PARTS, "timestamp")
SOURCE_TOTAL = 12_000  # of all the embed's templates together; each one is at most templates.SOURCE_LIMIT
URL_RE = re.compile(r"^https?://[^\s<>\"]{1,2040}$")
COLOR_NAMES = {"red": 0xED4245, "green": 0x57F287, "blue": 0x5865F2, "yellow": 0xFEE75C, "orange": 0xE67E22,
               "purple": 0x9B59B6, "pink": 0xEB459E, "black": 0x23272A, "white": 0xFFFFFF, "grey": 0x95A5A6,
               "gray": 0x95A5A6, "blurple": 0x5865F2}
FIELD_SEPARATOR = re.compile(r"\n|;;")


def parse_color(text):
    """`#5865F2`, `5865f2`, `0x5865F2` or a name (red, green, blue...) → an int; None for "none"/empty."""
    text = (text or "").strip().lower()
    if text in ("", "none"):
        return None
    if text in COLOR_NAMES:
        return COLOR_NAMES[text]
    found = re.fullmatch(r"(?:#|0x)?([0-9a-f]{6})", text)
    if not found:
        raise UserError(f"I can't read the colour `{text[:20]}`: write it like `#5865F2`, or a name such as "
                        f"{', '.join(list(COLOR_NAMES)[:6])}.")
    return int(found.group(1), 16)


def parse_fields(text) -> list:
    """One field a line (or separated by `;;` in a slash option): `name | value`, `name | value | inline`."""
    fields = []
    for line in (part.strip() for part in FIELD_SEPARATOR.split(text or "")):
        if not line:
            continue
        parts = [p.strip() for p in line.split("|")]
        inline = len(parts) >= 3 and parts[-1].lower() == "inline"
        name, value = parts[0], "|".join(parts[1:-1] if inline else parts[1:]).strip()
        if len(parts) < 2 or not name or not value:
            raise UserError(f"I can't read the field `{line[:60]}`: write `name | value` (add `| inline` to "
                            "put it beside the next one), one field a line or separated by `;;`.")
        fields.append({"name": name, "value": value, "inline": inline})
    if len(fields) > MAX_FIELDS:
        raise UserError(f"An embed has at most {MAX_FIELDS} fields (Discord's limit).")
    return fields


def describe_fields(fields) -> str:
    return "\n".join(f"{f['name']} | {f['value']}" + (" | inline" if f.get("inline") else "") for f in fields or [])


def checked(embed) -> dict | None:
    """An embed's stored shape (from /cc embed or an import), checked again; None when it has nothing."""
    if embed in (None, {}):
        return None
    if not isinstance(embed, dict) or set(embed) - set(PARTS):
        raise UserError(f"An embed is made of: {', '.join(PARTS)}.")
    shaped = {}
    for part in TEXT_LIMITS:
        if embed.get(part) not in (None, ""):
            shaped[part] = _source(embed[part], part)
    fields = embed.get("fields") or []
    if not isinstance(fields, list) or len(fields) > MAX_FIELDS:
        raise UserError(f"An embed has at most {MAX_FIELDS} fields (Discord's limit).")
    if fields:
        shaped["fields"] = [{"name": _source(f.get("name"), "field name"),
                             "value": _source(f.get("value"), "field value"), "inline": bool(f.get("inline"))}
                            if isinstance(f, dict) else _bad_field() for f in fields]
    color = embed.get("color")
    if color is not None:
        if isinstance(color, bool) or not isinstance(color, int) or not 0 <= color <= 0xFFFFFF:
            raise UserError("An embed's colour is a number from 0 to 16777215 (0xFFFFFF).")
        shaped["color"] = color
    for part in URL_PARTS:
        if embed.get(part) not in (None, ""):
            if not isinstance(embed[part], str) or not URL_RE.match(embed[part]):
                raise UserError(f"The embed's {part} must be an http(s) link.")
            shaped[part] = embed[part]
    if embed.get("timestamp"):
        shaped["timestamp"] = True
    if sum(len(v) for k, v in shaped.items() if k in TEXT_LIMITS) + \
            sum(len(f["name"]) + len(f["value"]) for f in shaped.get("fields", [])) > SOURCE_TOTAL:
        raise UserError(f"The embed's templates are longer than {SOURCE_TOTAL:,} characters together.")
    return shaped or None


def _source(text, part) -> str:
    if not isinstance(text, str):
        raise UserError(f"The embed's {part} must be text.")
    if not text.strip():
        raise UserError(f"The embed's {part} is empty.")
    if len(text) > templates.SOURCE_LIMIT:
        raise UserError(f"The embed's {part} is longer than {templates.SOURCE_LIMIT:,} characters.")
    return text


def _bad_field():
    raise UserError("An embed field needs a name and a value.")


def render(embed: dict, context: dict, budget, now_iso: str) -> dict:
    """The Discord embed for a stored one; TemplateError naming the part that broke a limit."""
    out, total = {"type": "rich"}, 0
    for part, limit in TEXT_LIMITS.items():
        if part in embed:
            text = templates.render(embed[part], context, budget=budget, limit=limit, what=f"the embed's {part}",
                                    required=False)
            if text:
                total += len(text)
                out[part] = {"name": text} if part == "author" else {"text": text} if part == "footer" else text
    fields = []
    for number, field in enumerate(embed.get("fields") or [], 1):
        name = templates.render(field["name"], context, budget=budget, limit=FIELD_NAME_LIMIT,
                                what=f"the name of field {number}", required=False) or "\u200b"
        value = templates.render(field["value"], context, budget=budget, limit=FIELD_VALUE_LIMIT,
                                 what=f"the value of field {number}", required=False) or "\u200b"
        total += len(name) + len(value)
        fields.append({"name": name, "value": value, "inline": field["inline"]})
    if fields:
        out["fields"] = fields
    if total > TOTAL_LIMIT:
        raise templates.TemplateError(f"the embed would hold {total:,} characters, past Discord's {TOTAL_LIMIT:,} "
                                      "for one embed")
    if "color" in embed:
        out["color"] = embed["color"]
    if "url" in embed and "title" in out:
        out["url"] = embed["url"]
    for part in ("image", "thumbnail"):
        if part in embed:
            out[part] = {"url": embed[part]}
    if embed.get("timestamp"):
        out["timestamp"] = now_iso
    if len(out) == 1 or set(out) <= {"type", "color", "timestamp", "url"}:
        raise templates.TemplateError("the embed rendered nothing to show")
    return out


def merged(current, parts: dict, clear=()) -> dict | None:
    """The stored embed after /cc embed: `parts` given (None: unchanged) over `current`, `clear` removed."""
    embed = dict(current or {})
    for part in clear:
        if part not in PARTS:
            raise UserError(f"`clear` takes a comma-separated list of: {', '.join(PARTS)}, or `all`.")
        if parts.get(part) is not None:
            raise UserError(f"You asked to both set and clear the embed's {part}; do one.")
        embed.pop(part, None)
    for part, value in parts.items():
        if value is not None:
            embed[part] = value
    return {k: v for k, v in embed.items() if v not in (None, "", [], False)} or None
