"""Automod rule types, their defaults, and validation of what a moderator configures.

A rule is a plain dict (what the DB stores and the engine compiles):

    {"type": "caps", "enabled": True, "action": "timeout", "duration": 600,
     "alert_channel_id": None, "threshold": 70, "config": {"min_length": 10},
     "exempt_roles": ["123"], "exempt_channels": []}

`threshold` is the rule's one tunable number; what it means depends on the type (see RULE_TYPES).
"""
import re2

from app.automod.patterns import MAX_PATTERN_CHARS, MAX_WORD_CHARS, parse_domain, parse_word

ACTIONS = ("delete", "warn", "timeout", "alert")
MAX_TIMEOUT_SECONDS = 2419200  # Discord's 28-day ceiling for timeouts
MAX_EXEMPT_ROLES = 20  # Discord AutoMod's limits, so native rules can carry the same exemptions
MAX_EXEMPT_CHANNELS = 50
MAX_WORDS = 5000
MAX_PATTERNS = 25
MAX_DOMAINS = 500

# Every rule type and its defaults, in one place. threshold: (default, min, max, what it counts) or None.
RULE_TYPES = {
    "spam": {
        "summary": "too many messages from one member in a short time",
        "threshold": (5, 2, 100, "messages allowed per member within the window"),
        "config": {"seconds": 5},
    },
    "duplicates": {
        "summary": "the same text posted again and again",
        "threshold": (2, 1, 50, "copies of the same text allowed per member within the window"),
        "config": {"seconds": 60, "min_length": 5},
    },
    "bad_words": {
        "summary": "words from a list; * is a wildcard (cat* prefix, *cat suffix, *cat* anywhere, f*ck inside)",
        "threshold": None,
        "config": {"words": []},
    },
    "regex": {
        "summary": "regular expressions (RE2 syntax, case-sensitive unless they start with (?i))",
        "threshold": None,
        "config": {"patterns": []},
    },
    "links": {
        "summary": "links: blocked domains, or with an allow list every other domain; with neither, all links",
        "threshold": None,
        "config": {"allow": [], "block": []},
    },
    "invites": {
        "summary": "Discord invite links (discord.gg, discord.com/invite)",
        "threshold": None,
        "config": {"allow_codes": []},
    },
    "caps": {
        "summary": "messages mostly in capital letters",
        "threshold": (70, 1, 100, "percent of letters in capitals"),
        "config": {"min_length": 10},
    },
    "mentions": {
        "summary": "too many mentions in one message",
        "threshold": (5, 1, 100, "unique user and role mentions allowed per message"),
        "config": {},
    },
}

# Bounds of the numeric config fields: (min, max).
_CONFIG_BOUNDS = {
    ("spam", "seconds"): (1, 3600),
    ("duplicates", "seconds"): (1, 86400),
    ("duplicates", "min_length"): (1, 2000),
    ("caps", "min_length"): (1, 2000),
}


class RuleError(ValueError):
    """A configuration a moderator can fix; str(error) says how."""


def check_word(word):
    """Return why `word` can't be a bad word, or None if it can."""
    if not isinstance(word, str) or not word.strip():
        return "a word can't be empty"
    word = word.strip()
    if len(word) > MAX_WORD_CHARS:
        return f"'{word[:20]}…' is {len(word)} characters; a word can be at most {MAX_WORD_CHARS}"
    if any(ord(c) < 32 for c in word):
        return f"'{word}' contains a line break or control character"
    parsed = parse_word(word)
    core = word.replace("*", "").replace(" ", "")
    if not core:
        return f"'{word}' is only wildcards; add some letters"
    if parsed.kind == "anywhere" and len(core) < 3:
        return f"'{word}' would match inside almost any message; use at least 3 letters between the wildcards"
    return None


def check_pattern(pattern):
    """Return why `pattern` can't be an automod regex, or None if it can."""
    if not isinstance(pattern, str) or not pattern:
        return "a pattern can't be empty"
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"the pattern is {len(pattern)} characters; it can be at most {MAX_PATTERN_CHARS}"
    try:
        compiled = re2.compile(pattern)
    except re2.error as error:
        return f"the pattern doesn't compile: {error}"
    if compiled.search("") is not None:
        return "the pattern matches empty text, so it would fire on every message"
    return None


def normalize_rule(rule_type, rule=None):
    """Validate a (partial) rule of `rule_type` and fill in defaults; raises RuleError."""
    if rule_type not in RULE_TYPES:
        raise RuleError(f"unknown rule type '{rule_type}'; choose one of: {', '.join(RULE_TYPES)}")
    rule = dict(rule or {})
    spec = RULE_TYPES[rule_type]
    action = rule.get("action") or "delete"
    if action not in ACTIONS:
        raise RuleError(f"unknown action '{action}'; choose one of: {', '.join(ACTIONS)}")
    return {
        "type": rule_type,
        "enabled": bool(rule.get("enabled", True)),
        "action": action,
        "duration": _duration(action, rule.get("duration")),
        "alert_channel_id": _alert_channel(action, rule.get("alert_channel_id")),
        "threshold": _threshold(rule_type, spec["threshold"], rule.get("threshold")),
        "config": _config(rule_type, spec["config"], rule.get("config") or {}),
        "exempt_roles": _snowflakes(rule.get("exempt_roles"), "exempt roles", MAX_EXEMPT_ROLES),
        "exempt_channels": _snowflakes(rule.get("exempt_channels"), "exempt channels", MAX_EXEMPT_CHANNELS),
    }


def _duration(action, duration):
    if action != "timeout":
        return None
    duration = 600 if duration is None else _integer(duration, "the timeout duration")
    if not 1 <= duration <= MAX_TIMEOUT_SECONDS:
        raise RuleError(f"a timeout lasts 1 second to 28 days ({MAX_TIMEOUT_SECONDS} seconds), not {duration}")
    return duration


def _alert_channel(action, channel_id):
    if action != "alert":
        return str(channel_id) if channel_id else None
    if not channel_id or not str(channel_id).isdigit():
        raise RuleError("the alert action needs a channel to post alerts in; pick one")
    return str(channel_id)


def _threshold(rule_type, bounds, value):
    if bounds is None:
        return None
    default, low, high, meaning = bounds
    value = default if value is None else _integer(value, f"the {rule_type} threshold")
    if not low <= value <= high:
        raise RuleError(f"the {rule_type} threshold ({meaning}) must be between {low} and {high}, not {value}")
    return value


def _config(rule_type, defaults, given):
    unknown = set(given) - set(defaults)
    if unknown:
        raise RuleError(f"{rule_type} has no setting '{sorted(unknown)[0]}'; it has: {', '.join(defaults) or 'none'}")
    config = {}
    for key, default in defaults.items():
        value = given.get(key, default)
        if isinstance(default, list):
            config[key] = _list_field(rule_type, key, value)
        else:
            low, high = _CONFIG_BOUNDS[(rule_type, key)]
            value = _integer(value, f"{rule_type} {key}")
            if not low <= value <= high:
                raise RuleError(f"{rule_type} {key} must be between {low} and {high}, not {value}")
            config[key] = value
    return config


def _list_field(rule_type, key, values):
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise RuleError(f"{rule_type} {key} must be a list")
    if key == "words":
        return _unique(_checked(values, check_word, MAX_WORDS, "words"))
    if key == "patterns":
        return _unique(_checked(values, check_pattern, MAX_PATTERNS, "patterns"), fold_case=False)
    if key in ("allow", "block"):
        return _unique(_domains(values))
    return _unique(_invite_codes(values))


def _checked(values, check, limit, what):
    if len(values) > limit:
        raise RuleError(f"at most {limit} {what}, not {len(values)}")
    for value in values:
        problem = check(value)
        if problem:
            raise RuleError(problem)
    return [value.strip() if what == "words" else value for value in values]


def _domains(values):
    if len(values) > MAX_DOMAINS:
        raise RuleError(f"at most {MAX_DOMAINS} domains per list, not {len(values)}")
    domains = []
    for value in values:
        domain = parse_domain(value) if isinstance(value, str) else None
        if domain is None:
            raise RuleError(f"'{value}' isn't a domain; write it like example.com")
        domains.append(domain)
    return domains


def _invite_codes(values):
    codes = []
    for value in values:
        code = str(value).strip().rstrip("/").rsplit("/", 1)[-1]
        if not code or not code.replace("-", "").isalnum() or len(code) > 40:
            raise RuleError(f"'{value}' isn't an invite code; write it like abc123 or discord.gg/abc123")
        codes.append(code)
    return codes


def _snowflakes(values, what, limit):
    values = list(values or [])
    if len(values) > limit:
        raise RuleError(f"at most {limit} {what}, not {len(values)}")
    ids = [str(value) for value in values]
    for snowflake in ids:
        if not snowflake.isdigit():
            raise RuleError(f"'{snowflake}' in {what} isn't a Discord id")
    return _unique(ids)


def _integer(value, what):
    if isinstance(value, bool):
        raise RuleError(f"{what} must be a whole number")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise RuleError(f"{what} must be a whole number, not '{value}'") from None


def _unique(values, fold_case=True):
    seen, kept = set(), []
    for value in values:
        key = value.lower() if fold_case else value
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return kept
