"""/case view|reason|delete and /cases (paged with buttons)."""
from app.discord import permissions as perms
from app.errors import UserError
from app.interactions.declare import Option, SlashCommand, component, custom_id
from app.interactions.responses import action_row, button, embed
from app.moderation import cases as case_store

NUMBER = Option.integer("number", "The case number", min_value=1, max_value=2_000_000_000)

case = SlashCommand("case", "Look at or change one moderation case", default_member_permissions=perms.MODERATE_MEMBERS)
cases = SlashCommand("cases", "List moderation cases, newest first", default_member_permissions=perms.MODERATE_MEMBERS,
                     options=[Option.user("user", "Only this member's cases", required=False)])


def require_moderator(ctx) -> None:
    if not (ctx.has(perms.MODERATE_MEMBERS) or ctx.has(perms.BAN_MEMBERS) or ctx.has(perms.KICK_MEMBERS)):
        raise UserError("You need the Timeout Members, Kick Members or Ban Members permission to see cases.")


@case.subcommand("view", "Show a case", options=[NUMBER])
def view_case(ctx, number):
    require_moderator(ctx)
    found = case_store.get_case(ctx.db, ctx.guild_id, number)
    notes = case_store.case_notes(ctx.db, ctx.guild_id, number)
    from app.moderation import modlog  # with the REST client under it: only when a case is shown
    return ctx.reply(embeds=[modlog.case_embed(found, notes)], ephemeral=True)


@case.subcommand("reason", "Change a case's reason (the old one is kept)",
                 options=[NUMBER, Option.string("text", "The new reason", max_length=512)])
def change_reason(ctx, number, text):
    require_moderator(ctx)
    case_store.change_reason(ctx.db, ctx.guild_id, number, text, ctx.user.id, ctx.now)
    return ctx.reply(f"Case #{number} now reads: {text}\nThe previous reason is kept in its history "
                     f"(`/case view {number}`).", ephemeral=True)


@case.subcommand("delete", "Delete a case (needs Manage Server; an audit record is kept)", options=[NUMBER])
def delete_case(ctx, number):
    if not ctx.has(perms.MANAGE_GUILD):
        raise UserError("Deleting a case needs the Manage Server or Administrator permission.")
    case_store.delete_case(ctx.db, ctx.guild_id, number, ctx.user.id, ctx.now)
    return ctx.reply(f"Case #{number} is deleted. Its number won't be reused and an audit record is kept.",
                     ephemeral=True)


def case_page(ctx, user_id, page):
    from app.moderation import modlog
    rows, pages, page = case_store.list_cases(ctx.db, ctx.guild_id, user_id, page)
    whose = f" of <@{user_id}>" if user_id else ""
    if not rows:
        return {"content": f"No cases{whose} yet.", "embeds": [], "components": []}
    lines = [f"**#{row['case_number']}** {modlog.action_title(row)} · <@{row['user_id']}> · "
             f"<t:{int(row['created_at'].timestamp())}:d> — {(row['reason'] or 'no reason')[:80]}" for row in rows]
    marker = user_id or "-"
    buttons = action_row(button("Previous", custom_id("cases", page - 1, marker), disabled=page == 0),
                         button("Next", custom_id("cases", page + 1, marker), disabled=page >= pages - 1))
    return {"content": None, "components": [buttons],
            "embeds": [embed(f"Cases{' of ' + user_id if user_id else ''}", "\n".join(lines),
                             footer=f"Page {page + 1} of {pages}")]}


@cases
def list_cases(ctx, user=None):
    require_moderator(ctx)
    return ctx.reply(**case_page(ctx, user.id if user else None, 0), ephemeral=True)


@component("cases")
def turn_page(ctx, page, user_id):
    require_moderator(ctx)
    if not page.lstrip("-").isdigit() or not (user_id == "-" or user_id.isdigit()):
        raise UserError("These buttons are broken. Run /cases again.")
    return ctx.update(**case_page(ctx, None if user_id == "-" else user_id, int(page)))
