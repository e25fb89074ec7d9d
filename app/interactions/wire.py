"""The value types of Discord's interaction JSON, checked: snowflakes, permission sets, storable text.

Checks that decide raise Invalid (the payload is no interaction Discord could send); display fields
(names, avatars, positions) that are not of Discord's type become None: they describe, they decide nothing.
"""
MAX_SNOWFLAKE = 2 ** 63
MAX_PERMISSION_DIGITS = 32


class Invalid(Exception):
    """Not a valid interaction; the message (fixed text, never the input) is the 400's error."""


class Refused(Exception):
    """A valid interaction whose content we refuse; the message is shown to the user, ephemeral."""


def has_bad_characters(text: str) -> bool:
    """True when `text` holds a NUL (PostgreSQL refuses it) or a lone surrogate (not encodable as UTF-8)."""
    if "\x00" in text:
        return True
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def clean_text(text: str) -> str:
    """Display text as it can be stored and shown: NUL dropped, lone surrogates replaced by U+FFFD."""
    if not has_bad_characters(text):
        return text
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text if c != "\x00")


def is_integer(value) -> bool:
    """A JSON integer: not a bool (True == 1 in Python), not a float."""
    return type(value) is int


def is_snowflake(value) -> bool:
    """An id Discord could have made: a string of ASCII digits that fits PostgreSQL's bigint."""
    return (isinstance(value, str) and 0 < len(value) <= 19 and value.isascii() and value.isdigit()
            and int(value) < MAX_SNOWFLAKE)


def snowflake(value, what: str, *, required=True):
    if value is None and not required:
        return None
    if not is_snowflake(value):
        raise Invalid(f"{what} is not a snowflake")
    return value


def permission_bits(value, what: str) -> int:
    """A permission set: Discord sends a decimal string; absent means none."""
    if value is None:
        return 0
    if not (isinstance(value, str) and 0 < len(value) <= MAX_PERMISSION_DIGITS and value.isascii()
            and value.isdigit()):
        raise Invalid(f"{what} is not a permission set")
    return int(value)


def json_object(value, what: str, *, required=False) -> dict:
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise Invalid(f"{what} is not an object")
    return value


def json_list(value, what: str, limit=None) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or (limit is not None and len(value) > limit):
        raise Invalid(f"{what} is not a list" + (f" of at most {limit}" if limit else ""))
    return value


def cleaned(value):
    """A copy of decoded JSON (already depth-checked) with every string and key made displayable."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k): cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [cleaned(v) for v in value]
    return value


def _text_or_none(value):
    return value if isinstance(value, str) and len(value) <= 1000 else None


def _hash_or_none(value):
    """An image hash as Discord makes them (avatars, banners): anything else is no image."""
    ok = isinstance(value, str) and 0 < len(value) <= 64 and value.isascii() and value.replace("_", "").isalnum()
    return value if ok else None


def _int_or_none(value):
    return value if is_integer(value) and abs(value) < MAX_SNOWFLAKE else None


def _digits_or_none(limit):
    def digits(value):
        ok = isinstance(value, str) and 0 < len(value) <= limit and value.isascii() and value.isdigit()
        return value if ok else None
    return digits


# The display fields of users, members, roles and channels: kept when of Discord's type, else None.
DISPLAY_FIELDS = {
    "username": _text_or_none, "global_name": _text_or_none, "nick": _text_or_none, "name": _text_or_none,
    "avatar": _hash_or_none, "banner": _hash_or_none, "icon": _hash_or_none,
    "discriminator": _digits_or_none(4), "position": _int_or_none, "type": _int_or_none, "flags": _int_or_none,
    "bot": lambda value: value is True, "managed": lambda value: value is True,
    "communication_disabled_until": _text_or_none, "joined_at": _text_or_none,
}


def described(obj: dict) -> dict:
    for key, coerce in DISPLAY_FIELDS.items():
        if key in obj:
            obj[key] = coerce(obj[key])
    return obj


def short_text(value, limit=35):
    """Informational text (locales): kept when it is a short clean string, dropped otherwise."""
    return value if isinstance(value, str) and len(value) <= limit and not has_bad_characters(value) else None
