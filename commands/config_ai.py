"""/config ai: /ask on or off, its system prompt, the channels it works in, and today's usage."""
from app import guild_settings
from app.interactions.declare import Option
from app.interactions.responses import embed
from commands.config import ANNOUNCEMENT_CHANNEL, TEXT_CHANNEL, config, require_manager

CHANNEL_TYPES = (TEXT_CHANNEL, ANNOUNCEMENT_CHANNEL)


@config.subcommand("ai", "AI answers (/ask): on or off, system prompt, allowed channels, today's usage", options=[
    Option.boolean("enabled", "Members may use /ask", required=False),
    Option.string("system_prompt", "Instructions the model gets before every question", required=False,
                  max_length=1000),
    Option.channel("allow_channel", "Add a channel where /ask works (none listed: everywhere)", required=False,
                   channel_types=CHANNEL_TYPES),
    Option.channel("disallow_channel", "Remove a channel from the list", required=False,
                   channel_types=CHANNEL_TYPES),
    Option.boolean("everywhere", "Clear the list: /ask works in every channel", required=False)])
def set_ai(ctx, enabled, system_prompt, allow_channel, disallow_channel, everywhere):
    from app.ai import usage
    from app.premium import tiers
    require_manager(ctx)
    section = guild_settings.load_section(ctx.db, ctx.guild_id, "ai")
    channels = [str(c) for c in section.get("allowed_channel_ids") or []]
    if everywhere:
        channels = []
    if allow_channel and allow_channel["id"] not in channels:
        channels.append(allow_channel["id"])
    if disallow_channel:
        channels = [c for c in channels if c != disallow_channel["id"]]
    changes = {"allowed_channel_ids": channels}
    if enabled is not None:
        changes["enabled"] = enabled
    if system_prompt is not None:
        changes["system_prompt"] = system_prompt.strip()
    section = guild_settings.update(ctx.db, ctx.guild_id, "ai", changes, ctx.now, actor_id=ctx.user.id)
    tier = tiers.tier_of(ctx.db, ctx.guild_id, ctx.now)
    used = usage.today(ctx.db, ctx.guild_id, ctx.user.id, ctx.now)
    lines = [f"**enabled**: {'on' if section['enabled'] else 'off'}",
             f"**channels**: {', '.join(f'<#{c}>' for c in section['allowed_channel_ids']) or 'every channel'}",
             f"**system prompt**: {(section['system_prompt'] or 'the default')[:300]}",
             f"**today (UTC)**: {used['guild_answers']}/{tier.ai_answers_per_day} answers for the server "
             f"({tier.title} tier), {tier.ai_answers_per_member_day} per member; "
             f"{used['guild_tokens']} tokens"]
    return ctx.reply(embeds=[embed("AI answers (/ask)", "\n".join(lines))], ephemeral=True)
