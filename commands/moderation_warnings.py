"""/warn, /warnings, and the /config escalation and warnexpiry settings."""
from app import guild_settings
from app.discord import permissions as perms
from app.errors import UserError
from app.interactions.declare import Option, SlashCommand
from app.interactions.responses import embed
from app.moderation.durations import MAX_TIMEOUT, parse_duration
from commands.config import config, require_manager
from commands.moderation import checked, confirm

warn = SlashCommand("warn", "Warn a member (warnings can escalate, see /config escalation)",
                    default_member_permissions=perms.MODERATE_MEMBERS,
                    options=[Option.user("user", "Who to warn"),
                             Option.string("reason", "Why (the member is told)", max_length=512)])
warnings = SlashCommand("warnings", "List a member's warnings", default_member_permissions=perms.MODERATE_MEMBERS,
                        options=[Option.user("user", "Whose warnings")])


@warn
def warn_member(ctx, user, reason):
    from app.moderation.actions import warn as warn_service
    checks = checked(ctx, user, perms.MODERATE_MEMBERS, "warn")
    outcome = warn_service(ctx.discord, ctx.db, guild_id=ctx.guild_id, user_id=user.id, moderator_id=ctx.user.id,
                          reason=reason, now=ctx.now, bot_bits=ctx.app_permissions, guild_name=checks.guild_name,
                          interaction_id=ctx.id)
    return confirm(ctx, outcome, f"Warned {user.mention}: {reason}")


@warnings
def list_warnings(ctx, user):
    if not ctx.has(perms.MODERATE_MEMBERS):
        raise UserError("You need the Timeout Members permission to see warnings.")
    from app.moderation.cases import warnings as member_warnings
    settings = guild_settings.load_section(ctx.db, ctx.guild_id, "moderation")
    rows = member_warnings(ctx.db, ctx.guild_id, user.id, ctx.now, settings["warning_expiry_days"])
    if not rows:
        return ctx.reply(f"{user.mention} has no warnings.", ephemeral=True)
    counting = sum(1 for row in rows if row["counts"])
    lines = [f"**#{row['case_number']}** <t:{int(row['created_at'].timestamp())}:d> — {row['reason']}"
             + ("" if row["counts"] else " *(expired)*") for row in rows]
    expiry = settings["warning_expiry_days"]
    footer = f"Warnings expire after {expiry} days." if expiry else "Warnings don't expire."
    return ctx.reply(embeds=[embed(f"Warnings of {user.name}", "\n".join(lines),
                                   fields=[("Counting", str(counting), True), ("Shown", str(len(rows)), True)],
                                   footer=footer)], ephemeral=True)


ACTIONS = [("Timeout", "timeout"), ("Kick", "kick"), ("Ban", "ban"), ("Remove this step", "off")]


@config.subcommand("escalation", "What happens when a member reaches a number of warnings",
                   options=[Option.integer("warnings", "Number of warnings", min_value=1, max_value=100),
                            Option.string("action", "What to do then", choices=ACTIONS),
                            Option.integer("within_days", "Count warnings from the last N days (default 30)",
                                           required=False, min_value=1, max_value=3650),
                            Option.string("duration", "Timeout length (required for timeout) or ban length",
                                          required=False, max_length=32)])
def set_escalation(ctx, warnings, action, within_days=None, duration=None):
    require_manager(ctx)
    from app.moderation import escalation
    steps = [s for s in guild_settings.load_section(ctx.db, ctx.guild_id, "moderation")["escalation"]
             if s["warnings"] != warnings]
    if action != "off":
        if action == "timeout" and not duration:
            duration = "1h"
        if duration:
            parse_duration(duration, **({"maximum": MAX_TIMEOUT} if action == "timeout" else {}),
                           what=f"{action} duration")
        step = {"warnings": warnings, "within_days": within_days or 30, "action": action}
        if duration and action != "kick":
            step["duration"] = duration
        steps.append(step)
    steps.sort(key=lambda s: s["warnings"])
    guild_settings.update(ctx.db, ctx.guild_id, "moderation", {"escalation": steps}, ctx.now, actor_id=ctx.user.id)
    summary = "\n".join(escalation.describe(s) for s in steps) or "No escalation: warnings never trigger an action."
    return ctx.reply(embeds=[embed("Warning escalation", summary)], ephemeral=True)


@config.subcommand("warnexpiry", "After how many days a warning stops counting (0: never)",
                   options=[Option.integer("days", "Days (0 means warnings never expire)", min_value=0, max_value=3650)])
def set_warning_expiry(ctx, days):
    require_manager(ctx)
    guild_settings.update(ctx.db, ctx.guild_id, "moderation", {"warning_expiry_days": days}, ctx.now, actor_id=ctx.user.id)
    text = f"Warnings now stop counting after {days} days." if days else "Warnings now never expire."
    return ctx.reply(text, ephemeral=True)
