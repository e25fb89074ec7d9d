"""Loading and saving a guild's automod rules (the automod_rules table), in the shape rules.py checks."""
import json
import logging

from app import db
from app.automod.rules import RULE_TYPES, RuleError, normalize_rule

log = logging.getLogger(__name__)


def _from_row(row):
    return {
        "type": row["rule_type"], "enabled": row["enabled"], "action": row["action"],
        "duration": row["duration"],
        "alert_channel_id": str(row["alert_channel_id"]) if row["alert_channel_id"] else None,
        "threshold": row["threshold"], "config": row["config"] or {},
        "exempt_roles": [str(r) for r in row["exempt_roles"] or ()],
        "exempt_channels": [str(c) for c in row["exempt_channels"] or ()],
    }


def load_rules(conn, guild_id):
    """The guild's stored rules, normalized, in RULE_TYPES order (a rule that no longer validates is skipped)."""
    rules = {}
    for row in db.all_rows(conn, "automod.rules", {"guild_id": int(guild_id)}):
        try:
            rules[row["rule_type"]] = normalize_rule(row["rule_type"], _from_row(row))
        except RuleError as error:
            log.warning("guild %s: stored automod rule %s is invalid and ignored: %s", guild_id, row["rule_type"], error)
    return [rules[kind] for kind in RULE_TYPES if kind in rules]


def load_rule(conn, guild_id, rule_type):
    """The stored rule of `rule_type`, or its defaults (off) when the guild never set it."""
    for rule in load_rules(conn, guild_id):
        if rule["type"] == rule_type:
            return rule
    return normalize_rule(rule_type, {"enabled": False})


def save_rule(conn, guild_id, rule, now, *, actor_id=None, source="command"):
    """Validate and store one rule (raises RuleError); returns the normalized rule. What changed goes into
    the change log (section "automod"), with who changed it and from where (a command or the dashboard)."""
    rule = normalize_rule(rule["type"], rule)
    log_rule_changes(conn, guild_id, load_rule(conn, guild_id, rule["type"]), rule, actor_id, source, now)
    db.run(conn, "automod.save_rule", {
        "guild_id": int(guild_id), "rule_type": rule["type"], "enabled": rule["enabled"],
        "action": rule["action"], "duration": rule["duration"],
        "alert_channel_id": int(rule["alert_channel_id"]) if rule["alert_channel_id"] else None,
        "threshold": rule["threshold"], "config": json.dumps(rule["config"]),
        "exempt_roles": [int(r) for r in rule["exempt_roles"]],
        "exempt_channels": [int(c) for c in rule["exempt_channels"]], "now": now})
    return rule


def has_enabled_rules(conn, guild_id):
    return db.one(conn, "automod.has_enabled_rules", {"guild_id": int(guild_id)})["enabled"]


def log_rule_changes(conn, guild_id, before, after, actor_id, source, now):
    """One change-log row per field that changed; a list (words, domains) logs what was removed and added."""
    from app.guild_settings import log_change
    fields = [(k, before.get(k), after.get(k)) for k in after if k not in ("type", "config")]
    fields += [(f"config.{k}", before["config"].get(k), v) for k, v in after["config"].items()]
    for field, old, new in fields:
        if old == new:
            continue
        if isinstance(old, list) and isinstance(new, list):
            old, new = {"removed": [i for i in old if i not in new]}, {"added": [i for i in new if i not in old]}
        log_change(conn, guild_id, "automod", f"{after['type']}.{field}", old, new, actor_id=actor_id,
                   source=source, now=now)
