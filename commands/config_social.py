"""/config xp, /config levelrole, /config rep: the settings of levels and reputation."""
from app import guild_settings
from app.discord import permissions as perms
from app.interactions.declare import Option
from app.interactions.responses import embed
from commands.config import ANNOUNCEMENT_CHANNEL, TEXT_CHANNEL, config, require_manager, show

CHANNEL_TYPES = (TEXT_CHANNEL, ANNOUNCEMENT_CHANNEL)


def _section_embed(ctx, name: str, title: str):
    section = guild_settings.sections()[name]
    values = guild_settings.load_section(ctx.db, ctx.guild_id, name)
    lines = [f"**{key.replace('_', ' ')}**: {show(section, key, value)}" for key, value in values.items()
             if key != "level_roles"]
    return embed(title, "\n".join(lines))


@config.subcommand("xp", "Turn XP on or off and choose where level-ups and weekly winners are announced", options=[
    Option.boolean("enabled", "Members earn XP by chatting", required=False),
    Option.boolean("announce_level_ups", "Announce level-ups", required=False),
    Option.channel("announce_channel", "Where level-ups are announced (default: where it happened)",
                   required=False, channel_types=CHANNEL_TYPES),
    Option.channel("weekly_channel", "Where the weekly top three are announced", required=False,
                   channel_types=CHANNEL_TYPES),
    Option.boolean("command_xp", "Members also earn a little XP for using commands", required=False)])
def set_xp(ctx, enabled, announce_level_ups, announce_channel, weekly_channel, command_xp):
    require_manager(ctx)
    changes = {key: value for key, value in (
        ("enabled", enabled), ("announce_level_ups", announce_level_ups),
        ("announce_channel_id", announce_channel and announce_channel["id"]),
        ("weekly_channel_id", weekly_channel and weekly_channel["id"])) if value is not None}
    if changes:
        guild_settings.update(ctx.db, ctx.guild_id, "xp", changes, ctx.now, actor_id=ctx.user.id)
    if command_xp is not None:
        guild_settings.update(ctx.db, ctx.guild_id, "general", {"command_xp": command_xp}, ctx.now, actor_id=ctx.user.id)
    return ctx.reply(embeds=[_section_embed(ctx, "xp", "XP and levels")], ephemeral=True)


@config.subcommand("levelrole", "Give a role when members reach a level (leave out the role to remove it)",
                   options=[Option.integer("level", "The level", min_value=1, max_value=1000),
                            Option.role("role", "The role to give", required=False)])
def set_level_role(ctx, level, role):
    require_manager(ctx)
    rewards = [r for r in guild_settings.load_section(ctx.db, ctx.guild_id, "xp")["level_roles"]
               if r["level"] != level]
    notes = []
    if role is not None:
        if role.get("managed") or str(role["id"]) == str(ctx.guild_id):
            return ctx.error(f"I can't give <@&{role['id']}>: it belongs to an integration or is @everyone.")
        from app.premium import tiers
        tiers.check_room(ctx.db, ctx.guild_id, ctx.now, "level_rewards", len(rewards))  # the tier's limit
        rewards.append({"level": level, "role_id": str(role["id"])})
        if not ctx.bot_has(perms.MANAGE_ROLES):
            notes.append("I don't have the Manage Roles permission yet: give it to my role, and keep my role "
                         "above the reward roles, or members won't get them.")
    rewards.sort(key=lambda r: r["level"])
    guild_settings.update(ctx.db, ctx.guild_id, "xp", {"level_roles": rewards}, ctx.now, actor_id=ctx.user.id)
    listing = "\n".join(f"Level {r['level']}: <@&{r['role_id']}>" for r in rewards) or "No level rewards."
    return ctx.reply("\n".join(notes) or None, embeds=[embed("Level rewards", listing)], ephemeral=True)


@config.subcommand("rep", "Reputation: on or off, and how often members may give it", options=[
    Option.boolean("enabled", "Members can give reputation", required=False),
    Option.integer("cooldown_hours", "Hours between two reps from the same member (default 24)",
                   required=False, min_value=0, max_value=720),
    Option.integer("pair_cooldown_hours", "Hours before the same member may rep the same person again",
                   required=False, min_value=0, max_value=720)])
def set_rep(ctx, enabled, cooldown_hours, pair_cooldown_hours):
    require_manager(ctx)
    changes = {key: value for key, value in (("enabled", enabled), ("cooldown_hours", cooldown_hours),
                                             ("pair_cooldown_hours", pair_cooldown_hours)) if value is not None}
    if changes:
        guild_settings.update(ctx.db, ctx.guild_id, "rep", changes, ctx.now, actor_id=ctx.user.id)
    return ctx.reply(embeds=[_section_embed(ctx, "rep", "Reputation")], ephemeral=True)
