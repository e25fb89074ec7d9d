"""What /automod (and later the dashboard) changes: rules, their lists and exemptions; plain arguments, no Flask."""
from app.automod.native import MAX_KEYWORDS, MAX_RULES
from app.automod.rules import RULE_TYPES, RuleError, check_pattern, check_word, normalize_rule
from app.automod.store import load_rule, load_rules, save_rule
from app.premium import tiers

# The editable lists: key -> (rule type, config field, what a moderator calls it)
LISTS = {
    "words": ("bad_words", "words", "bad words"),
    "patterns": ("regex", "patterns", "regex patterns"),
    "block": ("links", "block", "blocked domains"),
    "allow": ("links", "allow", "allowed domains"),
    "allow_codes": ("invites", "allow_codes", "allowed invite codes"),
}


def set_rule(conn, guild_id, rule_type, now, *, actor_id=None, source="command", **changes):
    """Change some fields of one rule (None means keep); raises RuleError. Returns the saved rule."""
    rule = load_rule(conn, guild_id, rule_type)
    rule.update({key: value for key, value in changes.items() if value is not None})
    return save_rule(conn, guild_id, rule, now, actor_id=actor_id, source=source)


def set_exemption(conn, guild_id, rule_type, now, role_id=None, channel_id=None, remove=False, *, actor_id=None,
                  source="command"):
    rule = load_rule(conn, guild_id, rule_type)
    for key, value in (("exempt_roles", role_id), ("exempt_channels", channel_id)):
        if value is None:
            continue
        values = [v for v in rule[key] if v != str(value)]
        rule[key] = values if remove else values + [str(value)]
    return save_rule(conn, guild_id, rule, now, actor_id=actor_id, source=source)


def split_items(list_key, text):
    """A regex is one item (commas belong to it); other lists take commas or new lines between items."""
    if list_key == "patterns":
        return [text.strip()] if text.strip() else []
    return [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]


def add_items(conn, guild_id, list_key, items, now, *, actor_id=None, source="command"):
    """Add items to a list; returns (saved rule, [refused (item, why)]). Raises RuleError when nothing fits."""
    rule_type, field, _ = LISTS[list_key]
    check = {"words": check_word, "patterns": check_pattern}.get(list_key)
    refused = [(item, check(item)) for item in items if check and check(item)]
    accepted = [item for item in items if item not in {bad for bad, _ in refused}]
    if not accepted:
        raise RuleError("; ".join(why for _, why in refused) if refused else "give at least one item")
    rule = load_rule(conn, guild_id, rule_type)
    if list_key == "words":  # the tier's limit (app/premium/tiers.py) counts the words kept, not the ones sent
        present = {word.lower() for word in rule["config"][field]}
        new = {item.lower() for item in accepted} - present
        tiers.check_room(conn, guild_id, now, "automod_words", len(present), len(new))
    if not rule["enabled"] and not any(rule["config"][f] for f in rule["config"] if isinstance(rule["config"][f], list)):
        rule["enabled"] = True  # a first list entry switches the rule on; that is why it was added
    rule["config"][field] = rule["config"][field] + accepted
    return save_rule(conn, guild_id, rule, now, actor_id=actor_id, source=source), refused


def remove_items(conn, guild_id, list_key, items, now, *, actor_id=None, source="command"):
    """Remove items (case-insensitively, except regex); returns (saved rule, items that weren't there)."""
    rule_type, field, _ = LISTS[list_key]
    rule = load_rule(conn, guild_id, rule_type)
    fold = (lambda s: s) if list_key == "patterns" else str.lower
    wanted = {fold(item) for item in items}
    present = {fold(item) for item in rule["config"][field]}
    rule["config"][field] = [item for item in rule["config"][field] if fold(item) not in wanted]
    return (save_rule(conn, guild_id, rule, now, actor_id=actor_id, source=source),
            [item for item in items if fold(item) not in present])


def list_items(conn, guild_id, list_key):
    rule_type, field, _ = LISTS[list_key]
    return load_rule(conn, guild_id, rule_type)["config"][field]


def word_capacity_note(count):
    """How Discord's limits apply to `count` bad words (plain words; * inside a word travels as a regex)."""
    rules_needed = max(1, -(-count // MAX_KEYWORDS))
    note = (f"{count} bad word(s): Discord holds {MAX_KEYWORDS} per AutoMod rule and {MAX_RULES[1]} keyword rules "
            f"per server (shared with other bots and your own rules), so they need {rules_needed} rule(s).")
    if rules_needed > MAX_RULES[1]:
        note += " Words past what Discord holds are enforced by the scan only (a few minutes late)."
    return note


def rules_overview(conn, guild_id):
    """Every rule type with its stored settings or defaults (off)."""
    stored = {rule["type"]: rule for rule in load_rules(conn, guild_id)}
    return [stored.get(kind) or normalize_rule(kind, {"enabled": False}) for kind in RULE_TYPES]
