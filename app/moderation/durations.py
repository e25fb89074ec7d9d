"""Durations as moderators type them: 10m, 2h, 7d, 1w, 1h30m."""
import re
from datetime import timedelta

from ..errors import UserError

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d{1,6})\s*([smhdw])")
_WHOLE = re.compile(r"^(?:\d{1,6}\s*[smhdw]\s*)+$")
MAX_TIMEOUT = timedelta(days=28)
MAX_BAN = timedelta(days=3650)
HELP = "Write durations like `10m`, `2h`, `7d`, `1w` or `1h30m` (s, m, h, d, w)."


def parse_duration(text: str, *, maximum: timedelta = MAX_BAN, what: str = "duration") -> timedelta:
    """The timedelta `text` names; UserError saying what is allowed otherwise."""
    cleaned = (text or "").strip().lower()
    if not _WHOLE.match(cleaned):
        raise UserError(f"I can't read the {what} `{text}`. {HELP}")
    seconds = sum(int(number) * UNITS[unit] for number, unit in _PART.findall(cleaned))
    if seconds <= 0:
        raise UserError(f"The {what} must be longer than zero. {HELP}")
    if timedelta(seconds=seconds) > maximum:
        raise UserError(f"The {what} can be at most {format_duration(maximum)}.")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """1w 2d 3h style, largest units first; `28 days` reads better than `4w` for the limits."""
    seconds = int(delta.total_seconds())
    if seconds % 86400 == 0 and seconds >= 86400:
        days = seconds // 86400
        return f"{days} day" + ("s" if days != 1 else "")
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return " ".join(parts) or "0s"
