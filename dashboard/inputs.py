"""Reading what a browser sent: query parameters and JSON bodies, checked before any service sees them."""
import math
from datetime import datetime, timezone

from flask import request

MAX_SNOWFLAKE = 2 ** 63 - 1


class BadInput(ValueError):
    """Answered 400 with str(error)."""


def snowflake(value, name: str, required: bool = True) -> str | None:
    if value is None or value == "":
        if required:
            raise BadInput(f"{name} is required (a Discord id).")
        return None
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 20 \
            or int(value) > MAX_SNOWFLAKE or int(value) == 0:
        raise BadInput(f"{name} must be a Discord id (a snowflake: digits only).")
    return str(int(value))


def integer(value, name: str, default: int, low: int, high: int) -> int:
    if value is None or value == "":
        return default
    if not isinstance(value, str) or not value.isascii() or not value.lstrip("-").isdigit() or len(value) > 12:
        raise BadInput(f"{name} must be a whole number.")
    number = int(value)
    if not low <= number <= high:
        raise BadInput(f"{name} must be between {low} and {high}.")
    return number


def choice(value, name: str, options, default=None):
    if value is None or value == "":
        return default
    if value not in options:
        raise BadInput(f"{name} must be one of: {', '.join(options)}.")
    return value


def moment(value, name: str):
    """An ISO 8601 date or date-time (UTC when no offset is given), or None."""
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, str) or len(value) > 40:
            raise ValueError
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(f"{name} must be a date like 2026-11-30 or 2026-11-30T12:00:00Z.") from None
    if not 2015 <= parsed.year <= 9998:
        raise BadInput(f"{name} is out of range.")
    # In UTC: Python takes offsets up to ±24 h, PostgreSQL only to ±15:59 (a 500 schemathesis found)
    return parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _clean(value, path="body", depth=0):
    """NUL bytes and lone surrogates can't be stored (PostgreSQL refuses them): refused here, said where."""
    if depth > 20:
        raise BadInput("The body is nested too deeply.")
    if isinstance(value, str):
        if "\x00" in value:
            raise BadInput(f"{path} contains a NUL character.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BadInput(f"{path} is not valid Unicode text.") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _clean(key, path, depth + 1)
            _clean(item, f"{path}.{key}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _clean(item, f"{path}[{index}]", depth + 1)
    elif isinstance(value, float) and not math.isfinite(value):
        raise BadInput(f"{path} must be a finite number.")
    return value


def json_object(allowed=None) -> dict:
    """The request's JSON object body; BadInput when it is missing, malformed, not an object, or has keys
    outside `allowed`."""
    if not request.is_json:
        raise BadInput("Send a JSON body with Content-Type: application/json.")
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # json nests past Python's stack: no setting is shaped like that
        raise BadInput("The body is nested too deeply.") from None
    if not isinstance(body, dict):
        raise BadInput("The body must be a JSON object.")
    _clean(body)
    if allowed is not None:
        unknown = sorted(set(body) - set(allowed))
        if unknown:
            raise BadInput(f"Unknown field(s): {', '.join(unknown)[:200]}.")
    return body
