"""/purge: delete up to 100 recent messages in this channel, optionally only one member's."""
from app.discord import permissions as perms
from app.interactions.declare import Option, SlashCommand

purge = SlashCommand("purge", "Delete recent messages in this channel (1-100, younger than 14 days)",
                     default_member_permissions=perms.MANAGE_MESSAGES,
                     options=[Option.integer("count", "How many messages (1-100)", min_value=1, max_value=100),
                              Option.user("user", "Only this member's messages", required=False)])


@purge
def purge_channel(ctx, count, user=None):
    from app.moderation.checks import require_permission
    from app.moderation.purge import purge_messages
    require_permission(ctx.permissions, ctx.app_permissions, perms.MANAGE_MESSAGES)
    result = purge_messages(ctx.discord, ctx.db, guild_id=ctx.guild_id, channel_id=ctx.channel_id, count=count,
                            author_id=user.id if user else None, moderator_id=ctx.user.id, now=ctx.now)
    return ctx.reply(result, ephemeral=True)
