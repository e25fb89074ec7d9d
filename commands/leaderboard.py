"""/leaderboard: the XP leaderboard of this week or of all time, paged with buttons."""
from app.interactions.declare import Option, SlashCommand, component, custom_id
from app.interactions.responses import action_row, button, embed
from app.social import leaderboard as boards
from app.social import xp

leaderboard = SlashCommand("leaderboard", "The XP leaderboard of this server", options=[
    Option.string("period", "This week or all time", required=False,
                  choices=[("This week", "weekly"), ("All time", "all")]),
    Option.integer("page", "Page number", required=False, min_value=1, max_value=100_000)])


def _line(period, entry) -> str:
    if period == "weekly":
        return f"**#{entry['place']:,}** <@{entry['user_id']}> — {entry['xp']:,} XP this week"
    return f"**#{entry['place']:,}** <@{entry['user_id']}> — level {entry['level']:,} · {entry['xp']:,} XP"


def render(board) -> dict:
    """The message of one leaderboard page: an embed and Previous / Next / other-period buttons."""
    period, page, pages = board["period"], board["page"], board["pages"]
    if board["entries"]:
        description = "\n".join(_line(period, entry) for entry in board["entries"])
    else:
        description = ("No one has earned XP this week yet." if period == "weekly"
                       else "No one has earned XP here yet.") + " Chat to get on the board!"
    other = "all" if period == "weekly" else "weekly"
    buttons = action_row(
        button("Previous", custom_id("lb", period, page - 1), disabled=page <= 1, emoji="◀️"),
        button("Next", custom_id("lb", period, page + 1), disabled=page >= pages, emoji="▶️"),
        button(boards.PERIODS[other], custom_id("lb", other, 1), style=1))
    title = f"XP leaderboard · {boards.PERIODS[period].lower()}"
    footer = f"Page {page} of {pages} · {board['members']:,} member(s) ranked"
    return {"embeds": [embed(title, description, footer=footer)], "components": [buttons]}


@leaderboard
def show_leaderboard(ctx, period=None, page=None):
    xp.award_command_use(ctx.db, ctx.guild_id, ctx.channel_id, ctx.user.id, ctx.now)
    board = boards.page(ctx.db, ctx.guild_id, period or "weekly", page or 1, ctx.now)
    return ctx.reply(**render(board))


@component("lb")
def turn_page(ctx, period, page):
    number = int(page) if page.lstrip("-").isdigit() else 1
    return ctx.update(**render(boards.page(ctx.db, ctx.guild_id, period, number, ctx.now)))
