"""/ban, /unban, /kick, /timeout, /untimeout: thin handlers over app.moderation."""
from datetime import datetime

from app.discord import permissions as perms
from app.errors import UserError
from app.interactions.declare import Option, SlashCommand
from app.interactions.responses import embed
from app.moderation.durations import MAX_TIMEOUT, format_duration, parse_duration

# The moderation services (and the REST client under them) load in the handlers: declarations stay cheap,
# so a cold start pays for them only when a moderation command runs.
REASON = Option.string("reason", "Why (shown in the audit log and the mod log)", required=False, max_length=512)
DELETE_CHOICES = [("Don't delete any", 0), ("Previous hour", 3600), ("Previous 24 hours", 86400),
                  ("Previous 7 days", 604800)]

ban = SlashCommand("ban", "Ban a member, for a while or for good", default_member_permissions=perms.BAN_MEMBERS,
                   options=[Option.user("user", "Who to ban"), REASON,
                            Option.string("duration", "How long, like 7d or 1w (leave out for a permanent ban)",
                                          required=False, max_length=32),
                            Option.integer("delete_messages", "Delete their recent messages",
                                           required=False, choices=DELETE_CHOICES)])
unban = SlashCommand("unban", "Lift a ban", default_member_permissions=perms.BAN_MEMBERS,
                     options=[Option.user("user", "Who to unban (their user id works too)"), REASON])
kick = SlashCommand("kick", "Remove a member from the server", default_member_permissions=perms.KICK_MEMBERS,
                    options=[Option.user("user", "Who to kick"), REASON])
timeout = SlashCommand("timeout", "Time a member out (up to 28 days)",
                       default_member_permissions=perms.MODERATE_MEMBERS,
                       options=[Option.user("user", "Who to time out"),
                                Option.string("duration", "How long, like 10m, 2h or 1h30m", max_length=32), REASON])
untimeout = SlashCommand("untimeout", "End a member's timeout", default_member_permissions=perms.MODERATE_MEMBERS,
                         options=[Option.user("user", "Whose timeout to end"), REASON])


def checked(ctx, user, permission, verb, needs_member=True):
    from app.moderation.targets import check_request
    return check_request(ctx.discord, guild_id=ctx.guild_id, invoker=ctx.user, invoker_bits=ctx.permissions,
                         bot_bits=ctx.app_permissions, target=user, permission=permission, verb=verb,
                         needs_member=needs_member)


PENDING = ("Discord didn't confirm this in time. If it went through, its case is recorded from Discord's "
           "audit log within a few minutes; check with /cases before trying again.")


def confirm(ctx, outcome, text):
    """The moderator's answer: what happened, the case number, and any side problem.

    When Discord took the request but its answer didn't come in time, the answer continues as deferred
    work that watches Discord's audit log for the action (and records its case) before replying."""
    case = outcome.case
    if case is None and outcome.action_id is not None:
        return ctx.defer(confirm_when_discord_does, ephemeral=True, action_id=outcome.action_id, text=text,
                         notes=outcome.notes)
    if case is None:
        return waiting(ctx, outcome.notes)
    return confirmed(ctx, case, text, outcome.notes)


def waiting(ctx, notes):
    return ctx.reply(embeds=[embed("Waiting for Discord", "\n".join([PENDING] + list(notes)), color=0x99AAB5)],
                     ephemeral=True)


def confirm_when_discord_does(ctx, action_id, text, notes):
    """Deferred: the journaled action once Discord's audit log shows it (its case recorded), or why not."""
    from app.moderation.actions import await_confirmation
    from app.moderation.cases import get_case
    row = await_confirmation(ctx.discord, ctx.db, action_id, ctx.runtime.clock)
    if row is not None and row["state"] == "done" and row["case_number"]:
        return confirmed(ctx, get_case(ctx.db, row["guild_id"], row["case_number"]), text, notes)
    if row is not None and row["state"] == "cancelled":
        raise UserError(f"Discord didn't do it: {row['error'] or 'no trace of it in the audit log'}.")
    return waiting(ctx, notes)


def confirmed(ctx, case, text, notes):
    from app.moderation import modlog
    lines = [f"{text} (case #{case['case_number']})."] + list(notes)
    return ctx.reply(embeds=[embed(f"Case #{case['case_number']} · {modlog.action_title(case)}", "\n".join(lines),
                                   color=modlog.COLORS.get(case["action"], 0x99AAB5))], ephemeral=True)


def act(ctx, user, action, reason, checks, **kw):
    from app.moderation.actions import take_action
    return take_action(ctx.discord, ctx.db, action=action, guild_id=ctx.guild_id, user_id=user.id,
                       moderator_id=ctx.user.id, reason=reason, now=ctx.now, interaction_id=ctx.id,
                       guild_name=checks.guild_name if checks else None, **kw)


@ban
def ban_member(ctx, user, reason=None, duration=None, delete_messages=None):
    length = parse_duration(duration, what="ban duration") if duration else None
    checks = checked(ctx, user, perms.BAN_MEMBERS, "ban", needs_member=False)
    outcome = act(ctx, user, "ban", reason, checks, duration=length, delete_seconds=delete_messages or 0,
                  dm=checks.member is not None)
    return confirm(ctx, outcome, f"Banned {user.mention}" + (f" for {format_duration(length)}" if length else ""))


@unban
def unban_member(ctx, user, reason=None):
    if not ctx.guild_id:
        raise UserError("Moderation commands work in servers only.")
    from app.moderation.checks import require_permission
    require_permission(ctx.permissions, ctx.app_permissions, perms.BAN_MEMBERS)
    outcome = act(ctx, user, "unban", reason, None)
    return confirm(ctx, outcome, f"Unbanned {user.mention}")


@kick
def kick_member(ctx, user, reason=None):
    checks = checked(ctx, user, perms.KICK_MEMBERS, "kick")
    outcome = act(ctx, user, "kick", reason, checks, dm=True)
    return confirm(ctx, outcome, f"Kicked {user.mention}")


@timeout
def timeout_member(ctx, user, duration, reason=None):
    length = parse_duration(duration, maximum=MAX_TIMEOUT, what="timeout")
    checks = checked(ctx, user, perms.MODERATE_MEMBERS, "time out")
    outcome = act(ctx, user, "timeout", reason, checks, duration=length)
    return confirm(ctx, outcome, f"Timed out {user.mention} for {format_duration(length)}")


@untimeout
def untimeout_member(ctx, user, reason=None):
    checks = checked(ctx, user, perms.MODERATE_MEMBERS, "remove the timeout of")
    until = (checks.member or {}).get("communication_disabled_until")
    if not until or datetime.fromisoformat(until.replace("Z", "+00:00")) <= ctx.now:
        raise UserError(f"{user.mention} isn't timed out.")
    outcome = act(ctx, user, "untimeout", reason, checks)
    return confirm(ctx, outcome, f"Ended the timeout of {user.mention}")
