"""StatusSync's own settings in a backup: read through each feature's service, restored through it too."""
import json
import re
import logging

from .. import guild_settings
from ..errors import UserError

log = logging.getLogger(__name__)


def collect(conn, guild_id) -> dict:
    """Every settings section, the automod rules (word lists inside) and the custom commands."""
    from ..automod import store
    from ..custom import transfer
    custom = json.loads(transfer.export_json(conn, guild_id))["commands"]
    return {"settings": guild_settings.load(conn, guild_id), "automod_rules": store.load_rules(conn, guild_id),
            "custom_commands": custom}


def remap(value, id_map: dict):
    """`value` with every id the backup had replaced by the id it has here (ids are unique snowflakes)."""
    if isinstance(value, str):
        return id_map.get(value, value)
    if isinstance(value, int) and not isinstance(value, bool) and str(value) in id_map:
        return int(id_map[str(value)])
    if isinstance(value, list):
        return [remap(v, id_map) for v in value]
    if isinstance(value, dict):
        return {k: remap(v, id_map) for k, v in value.items()}
    return value


def differing_sections(conn, guild_id, saved: dict, id_map: dict) -> list:
    """Names of the sections whose saved values (ids remapped) differ from what the guild has now."""
    current = guild_settings.load(conn, guild_id)
    known = guild_settings.sections()
    return [name for name, values in saved.items()
            if name in known and isinstance(values, dict)
            and {k: v for k, v in remap(values, id_map).items() if k in known[name].defaults} !=
            {k: current[name].get(k) for k in values if k in known[name].defaults}]


def restore_settings(conn, guild_id, saved: dict, id_map: dict, now) -> list:
    """Write the saved sections and automod rules; [(what, why not)] for those that no longer validate."""
    refused = []
    known = guild_settings.sections()
    for name in differing_sections(conn, guild_id, saved.get("settings") or {}, id_map):
        values = {k: v for k, v in remap(saved["settings"][name], id_map).items() if k in known[name].defaults}
        try:
            guild_settings.update(conn, guild_id, name, values, now)
        except UserError as exc:
            refused.append((f"settings: {name}", str(exc)))
    from ..automod import store
    from ..automod.rules import RuleError
    for rule in saved.get("automod_rules") or []:
        try:
            store.save_rule(conn, guild_id, remap(rule, id_map), now)
        except (RuleError, KeyError, TypeError, ValueError) as exc:
            refused.append((f"automod rule {str(rule.get('type'))[:20]}", str(exc)[:200]))
    return refused


def missing_commands(conn, guild_id, saved: list) -> list:
    from ..custom import service
    have = {row["name"] for row in service.listing(conn, guild_id)}
    return [c for c in saved if str(c.get("name") or "") not in have]


def restore_command(conn, discord, guild_id, command: dict, id_map: dict, builtin_names, user_id, now) -> str | None:
    """Register one saved custom command through app/custom (record, then Discord); None, or why not."""
    from ..custom import registration, service
    command = remap(command, id_map)
    try:
        registration.add(conn, discord, guild_id=guild_id, name=str(command.get("name") or "")[:32],
                         fields={k: command.get(k) for k in service.FIELDS}, builtin_names=builtin_names,
                         user_id=user_id, now=now)
    except UserError as exc:
        conn.rollback()
        return str(exc)
    return None


MENTION = re.compile(r"<(#|@&)(\d{1,20})>")


def remap_mentions(text: str, id_map: dict) -> str:
    """Channel and role mentions in a topic follow the restored ids."""
    return MENTION.sub(lambda m: f"<{m.group(1)}{id_map.get(m.group(2), m.group(2))}>"
                       if not str(id_map.get(m.group(2), "")).startswith("new:") else m.group(0), text)


def _rules_differ(conn, guild_id, saved_rules, id_map) -> bool:
    from ..automod import store
    from ..automod.rules import RuleError, normalize_rule
    current = {r["type"]: r for r in store.load_rules(conn, guild_id)}
    for rule in saved_rules:
        try:
            wanted = normalize_rule(rule["type"], remap(rule, id_map))
        except (RuleError, KeyError, TypeError, ValueError):
            continue  # reported when the restore tries it
        if current.get(wanted["type"]) != wanted:
            return True
    return False


def settings_differ(conn, guild_id, saved: dict, id_map: dict) -> bool:
    return bool(differing_sections(conn, guild_id, saved.get("settings") or {}, id_map)) or _rules_differ(
        conn, guild_id, saved.get("automod_rules") or [], id_map)
