"""/rep give, /rep view, /rep top: reputation between members."""
from app.errors import UserError
from app.interactions.declare import Option, SlashCommand
from app.interactions.responses import Attachment, embed
from app.social import member_cards, rep, text_layout, xp

rep_command = SlashCommand("rep", "Reputation: thank members who helped you")


@rep_command.subcommand("give", "Give a member +1 reputation", options=[
    Option.user("user", "Who helped you"),
    Option.string("reason", "What for", required=False, max_length=200)])
def give(ctx, user, reason=None):
    rep.check_target(ctx.user.id, user)
    if user.member is None:
        raise UserError("You can only give reputation to members of this server.")
    reason = text_layout.clean_text(reason or "")[:200] or None
    total = rep.give(ctx.db, guild_id=ctx.guild_id, giver_id=ctx.user.id, giver_name=ctx.user.name,
                     target_id=user.id, reason=reason, now=ctx.now, interaction_id=ctx.id)
    xp.award_command_use(ctx.db, ctx.guild_id, ctx.channel_id, ctx.user.id, ctx.now)
    why = f" for “{reason}”" if reason else ""
    return ctx.reply(f"⭐ {ctx.user.mention} gave {user.mention} +1 rep{why}. They now have {total:,} rep.")


@rep_command.subcommand("view", "Show a member's reputation card", options=[
    Option.user("user", "Whose card (yours if empty)", required=False)])
def view(ctx, user=None):
    target = user or ctx.user
    return ctx.defer(send_rep_card, member=member_cards.member_dict(target))


def send_rep_card(ctx, member):
    png, text, description = member_cards.rep_card(ctx.runtime, ctx.db, ctx.guild_id, member)
    return ctx.reply(text, files=[Attachment("rep.png", png, "image/png", description=description)])


@rep_command.subcommand("top", "The members with the most reputation here")
def top(ctx):
    rows = rep.top(ctx.db, ctx.guild_id, limit=10)
    if not rows:
        return ctx.reply(embeds=[embed("Reputation", "No one has received reputation here yet. "
                                                     "Thank someone with `/rep give`!")])
    lines = [f"**#{place}** <@{row['user_id']}> — ★ {row['rep']:,}" for place, row in enumerate(rows, 1)]
    return ctx.reply(embeds=[embed("Most reputation", "\n".join(lines), color=0xF0B232)])
