"""/rank: a member's level, XP and standing as a rank card."""
from app.interactions.declare import Option, SlashCommand
from app.interactions.responses import Attachment
from app.social import member_cards, xp

rank = SlashCommand("rank", "Show a member's level, XP and rank",
                    options=[Option.user("user", "Whose rank (yours if empty)", required=False)])


@rank
def show_rank(ctx, user=None):
    target = user or ctx.user
    if target.is_bot:
        return ctx.error("Bots don't earn XP. Try `/rank` on a member.")
    xp.award_command_use(ctx.db, ctx.guild_id, ctx.channel_id, ctx.user.id, ctx.now)
    return ctx.defer(send_rank_card, member=member_cards.member_dict(target))


def send_rank_card(ctx, member):
    png, text, description = member_cards.rank_card(ctx.runtime, ctx.db, ctx.guild_id, member, ctx.now)
    return ctx.reply(text, files=[Attachment("rank.png", png, "image/png", description=description)])
