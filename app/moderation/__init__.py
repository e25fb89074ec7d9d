"""Moderation: actions on members, numbered cases, the mod log, temporary bans, escalation, audit-log sync.

Services take plain arguments (a connection, the REST client, ids, the time); commands/ stays thin.
"""
from ..errors import UserError
from ..features import Feature
from ..guild_settings import Section

ESCALATION_ACTIONS = ("timeout", "kick", "ban")


def _validate(values: dict) -> None:
    from .durations import MAX_TIMEOUT, parse_duration
    days = values.get("warning_expiry_days")
    if days is not None and not 0 <= days <= 3650:
        raise UserError("warning_expiry_days must be 0 (never) to 3650.")
    for step in values.get("escalation") or []:
        if not isinstance(step, dict) or step.get("action") not in ESCALATION_ACTIONS:
            raise UserError("Each escalation step needs an action: timeout, kick or ban.")
        if not isinstance(step.get("warnings"), int) or not 1 <= step["warnings"] <= 100:
            raise UserError("Each escalation step needs a number of warnings from 1 to 100.")
        if not isinstance(step.get("within_days"), int) or not 1 <= step["within_days"] <= 3650:
            raise UserError("Each escalation step needs within_days from 1 to 3650.")
        if step["action"] == "timeout":
            parse_duration(step.get("duration") or "", maximum=MAX_TIMEOUT, what="timeout")
        elif step.get("duration"):
            parse_duration(step["duration"], what="ban duration")


# Escalation steps: {"warnings": 3, "within_days": 30, "action": "timeout", "duration": "1h"}.
FEATURE = Feature(
    "moderation",
    sections=[Section("moderation", {"warning_expiry_days": 0, "escalation": []}, "Moderation",
                      kinds={"warning_expiry_days": "int", "escalation": "list"}, validate=_validate)],
    jobs={"expire": "app.jobs.expire:expire_temporary_bans", "audit": "app.jobs.audit:sync_audit_logs"},
    tasks={"confirm_action": "commands.moderation:confirm_when_discord_does"},
    commands=["commands.moderation", "commands.moderation_warnings", "commands.moderation_purge", "commands.cases"],
)
