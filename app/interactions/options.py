"""Typed option values from an interaction, checked against the declaration (registrations can be stale)."""
import math

from . import declare as d
from .wire import has_bad_characters, is_snowflake

MAX_STRING = 6000  # Discord's own bound on a string option; stale registrations can drop max_length


class OptionError(Exception):
    """An option value the declaration doesn't allow; the message tells the user what is allowed."""


def _number(option, value, kind):
    """A JSON number of the declared kind: no bool, no string, no NaN or infinity, no float for INTEGER."""
    whole = kind is int
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and isinstance(value, float)):
        raise OptionError(f"`{option.name}` must be a {'whole ' if whole else ''}number.")
    if isinstance(value, float) and not math.isfinite(value):
        raise OptionError(f"`{option.name}` must be a finite number.")
    if abs(value) > d.MAX_INTEGER:
        raise OptionError(f"`{option.name}` is out of range.")
    value = kind(value)
    low, high = option.min_value, option.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        raise OptionError(f"`{option.name}` must be between {low if low is not None else '-∞'} "
                          f"and {high if high is not None else '∞'}.")
    return value


def _string(option, value):
    if not isinstance(value, str):
        raise OptionError(f"`{option.name}` must be text.")
    if has_bad_characters(value):
        raise OptionError(f"`{option.name}` holds a character I can't store (a NUL or an unpaired surrogate).")
    if option.min_length is not None and len(value) < option.min_length:
        raise OptionError(f"`{option.name}` must be at least {option.min_length} characters.")
    limit = option.max_length if option.max_length is not None else MAX_STRING
    if len(value) > limit:
        raise OptionError(f"`{option.name}` can be at most {limit} characters.")
    return value


def _resolved(ctx, option, value, kind):
    items = ctx.resolved.get(kind) or {}
    if str(value) not in items:
        raise OptionError(f"Discord didn't tell me about that {kind[:-1]}. Pick it from the list.")
    return items[str(value)]


def convert(ctx, option, value):
    t = option.type
    if t == d.STRING:
        value = _string(option, value)
    elif t == d.INTEGER:
        value = _number(option, value, int)
    elif t == d.NUMBER:
        value = _number(option, value, float)
    elif t == d.BOOLEAN:
        if not isinstance(value, bool):
            raise OptionError(f"`{option.name}` must be true or false.")
    elif t == d.USER or t == d.MENTIONABLE:
        if not is_snowflake(str(value)):  # a stale registration lets members type any text, even past bigint
            raise OptionError(f"`{option.name}` must be a user: pick one from the list.")
        return ctx.target(value)
    elif t == d.CHANNEL:
        return _resolved(ctx, option, value, "channels")
    elif t == d.ROLE:
        return _resolved(ctx, option, value, "roles")
    elif t == d.ATTACHMENT:
        return _resolved(ctx, option, value, "attachments")
    if option.choices and value not in [v for _, v in option.choices]:
        allowed = ", ".join(str(label) for label, _ in option.choices)
        raise OptionError(f"`{option.name}` must be one of: {allowed}.")
    return value


def parse(ctx, declared: list, given: list) -> dict:
    """{name: typed value} for every declared option (None when absent); OptionError when invalid."""
    by_name = {o.name: o for o in declared}
    values = {o.name: None for o in declared}
    for item in given:
        option = by_name.get(item.get("name"))
        if option is None:
            raise StaleCommand()
        values[option.name] = convert(ctx, option, item.get("value"))
    for option in declared:
        if option.required and values[option.name] is None:
            raise OptionError(f"`{option.name}` is required.")
    return values


def focused(given: list):
    """(option name, partial value) of the option being typed, through subcommands."""
    for item in given or []:
        if item.get("focused"):
            return item.get("name"), item.get("value")
        if item.get("options"):
            found = focused(item["options"])
            if found:
                return found
    return None


class StaleCommand(Exception):
    """The interaction names a command, subcommand or option we no longer declare."""
