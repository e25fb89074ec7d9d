"""Escalation: a warning that brings a member to a configured count triggers a timeout, kick or ban."""
from ..discord import permissions as perms
from ..discord.rest import DiscordError
from .actions import take_action
from .cases import count_warnings
from .durations import MAX_TIMEOUT, format_duration, parse_duration

SEVERITY = {"timeout": 1, "kick": 2, "ban": 3}
NEEDS = {"timeout": perms.MODERATE_MEMBERS, "kick": perms.KICK_MEMBERS, "ban": perms.BAN_MEMBERS}


def due_step(conn, guild_id, user_id, now, settings: dict):
    """The most severe step whose warning count the member has just reached, or None."""
    reached = []
    for step in settings.get("escalation") or []:
        count = count_warnings(conn, guild_id, user_id, now, step["within_days"], settings["warning_expiry_days"])
        if count == step["warnings"]:
            reached.append(step)
    return max(reached, key=lambda s: (SEVERITY[s["action"]], s["warnings"]), default=None)


def describe(step: dict) -> str:
    what = step["action"]
    if step.get("duration"):
        what += f" for {step['duration']}"
    return f"{step['warnings']} warning(s) in {step['within_days']} days → {what}"


def escalate(discord, conn, *, guild_id, user_id, bot_id, bot_bits, now, settings, warn_case, guild_name=None,
             commit=True):
    """Apply the due step, if any. Returns (Outcome or None, plain-words note or None).

    bot_bits None means the bot's permissions aren't known here (the scan job): Discord's answer decides.
    """
    step = due_step(conn, guild_id, user_id, now, settings)
    if step is None:
        return None, None
    if bot_bits is not None and not perms.has(bot_bits, NEEDS[step["action"]]):
        return None, f"Escalation ({describe(step)}) skipped: I need the {perms.name(NEEDS[step['action']])} permission."
    maximum = MAX_TIMEOUT if step["action"] == "timeout" else None
    duration = parse_duration(step["duration"], **({"maximum": maximum} if maximum else {})) \
        if step.get("duration") else None
    reason = f"Automatic: {step['warnings']} warning(s) within {step['within_days']} days (case #{warn_case['case_number']})"
    try:
        outcome = take_action(discord, conn, action=step["action"], guild_id=guild_id, user_id=user_id,
                              moderator_id=bot_id, reason=reason, now=now, duration=duration, dm=True,
                              guild_name=guild_name, source="escalation",
                              details={"warn_case": warn_case["case_number"]}, commit=commit)
    except DiscordError as error:
        return None, f"Escalation ({describe(step)}) failed: {error.explain()}"
    length = f" for {format_duration(duration)}" if duration else ""
    return outcome, f"Escalated: case #{outcome.case['case_number']} ({step['action']}{length})."
