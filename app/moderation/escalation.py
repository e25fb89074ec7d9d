"""Escalation: a warning that brings a member to a configured count triggers a timeout, kick or ban.

Decided inside the warning's own transaction, under the member's lock (journal.lock_member), so
concurrent warnings see each other's counts: each step fires exactly once, for the warning that
reached it, recorded in mod_escalations. The punishment itself is journaled there and carried out
after commit (journal.execute).
"""
from dataclasses import dataclass

from .. import db, deadlines
from ..discord import permissions as perms
from . import journal
from .cases import count_warnings
from .durations import MAX_TIMEOUT, format_duration, parse_duration

SEVERITY = {"timeout": 1, "kick": 2, "ban": 3}
NEEDS = {"timeout": perms.MODERATE_MEMBERS, "kick": perms.KICK_MEMBERS, "ban": perms.BAN_MEMBERS}


@dataclass
class Plan:
    step: dict
    row: dict | None  # the journaled punishment (None: skipped, see note)
    note: str | None = None
    duration: object = None


def due_step(conn, guild_id, user_id, now, settings: dict):
    """(the most severe step whose warning count the member has just reached, that count), or None."""
    reached = []
    for step in settings.get("escalation") or []:
        count = count_warnings(conn, guild_id, user_id, now, step["within_days"], settings["warning_expiry_days"])
        if count == step["warnings"]:
            reached.append((step, count))
    return max(reached, key=lambda sc: (SEVERITY[sc[0]["action"]], sc[0]["warnings"]), default=None)


def describe(step: dict) -> str:
    what = step["action"]
    if step.get("duration"):
        what += f" for {step['duration']}"
    return f"{step['warnings']} warning(s) in {step['within_days']} days → {what}"


def plan(conn, *, guild_id, user_id, bot_id, bot_bits, now, settings: dict, warn_case, guild_name=None):
    """In the warning's transaction (member lock held): journal the due step's punishment, or None.

    bot_bits None means the bot's permissions aren't known here (the scan job): Discord's answer decides.
    """
    due = due_step(conn, guild_id, user_id, now, settings["moderation"])
    if due is None:
        return None
    step, count = due
    if bot_bits is not None and not perms.has(bot_bits, NEEDS[step["action"]]):
        return Plan(step, None, f"Escalation ({describe(step)}) skipped: I need the "
                                f"{perms.name(NEEDS[step['action']])} permission.")
    maximum = MAX_TIMEOUT if step["action"] == "timeout" else None
    duration = parse_duration(step["duration"], **({"maximum": maximum} if maximum else {})) \
        if step.get("duration") else None
    reason = f"Automatic: {step['warnings']} warning(s) within {step['within_days']} days (case #{warn_case['case_number']})"
    row, fresh = journal.open_action(
        conn, guild_id=guild_id, user_id=user_id, action=step["action"], moderator_id=bot_id, reason=reason,
        now=now, source="escalation", key=f"escalation:{guild_id}:{warn_case['case_number']}",
        until=now + duration if duration else None, details={"warn_case": warn_case["case_number"]},
        dm_text=journal.dm_text(settings, step["action"], guild_name, reason))
    fired = db.one(conn, "journal.record_escalation", {
        "guild_id": int(guild_id), "warn_case": warn_case["case_number"], "user_id": int(user_id),
        "step_warnings": step["warnings"], "warning_count": count, "action_id": row["id"], "now": now})
    if not fresh or fired is None:
        return None  # this warning's step was decided before
    return Plan(step, row, duration=duration)


def carry_out(discord, conn, planned: Plan | None, now):
    """After the warning committed: (journal.Result or None, plain-words note or None)."""
    if planned is None:
        return None, None
    if planned.row is None:
        return None, planned.note
    step = planned.step
    try:
        result = journal.execute(discord, conn, planned.row["id"], now)
    except deadlines.DeadlineExceeded:
        return None, f"Escalation ({describe(step)}) will be applied within a few minutes."
    if result is None:
        return None, None
    if result.error is not None:
        return result, f"Escalation ({describe(step)}) failed: {result.error.explain()}"
    if result.pending:
        return result, (f"Escalation ({describe(step)}): Discord didn't confirm in time; the audit-log sync "
                        "records it if it went through.")
    length = f" for {format_duration(planned.duration)}" if planned.duration else ""
    return result, f"Escalated: case #{result.case['case_number']} ({step['action']}{length})."
