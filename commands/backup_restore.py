"""/backup restore id [parts]: the diff first, Confirm / Cancel for the invoker only, then the restore as
chained deferred work that edits the message with its progress and ends with its report."""
import logging

from app.discord import permissions as perms
from app.errors import UserError
from app.interactions import responses as r
from app.interactions.declare import Option, component, custom_id
from app.interactions.responses import action_row, button, embed
from commands.backup import backup, require_manager

log = logging.getLogger(__name__)
SHOWN = 10  # lines of each list in the preview; the rest is counted
NOT_YOURS = "Only the member who asked for this restore can confirm or cancel it."


@backup.subcommand("restore", "Preview, then restore a backup onto this server", options=[
    Option.integer("id", "The backup's number", min_value=1),
    Option.string("parts", "roles, channels, settings, statussync (default: all)", required=False, max_length=100)])
def restore_backup(ctx, id, parts=None):
    from app.backups import restore
    require_manager(ctx)
    chosen = restore.parse_parts(parts)
    if not ctx.bot_has(perms.MANAGE_ROLES) and not ctx.bot_has(perms.MANAGE_CHANNELS):
        raise UserError("I need the Manage Roles and Manage Channels permissions to restore a backup.")
    return ctx.defer(show_preview, ephemeral=True, backup_id=int(id), parts=chosen)


def _lines(items, limit=SHOWN) -> str:
    items = list(items)
    shown = "\n".join(items[:limit])
    return shown + (f"\n…and {len(items) - limit} more" if len(items) > limit else "")


def preview_embed(backup_id, plan) -> dict:
    fields = []
    if plan.create:
        fields.append((f"Will create ({len(plan.create)})", _lines(plan.create)))
    if plan.change:
        fields.append((f"Will change ({len(plan.change)})", _lines(plan.change)))
    fields.append(("Left alone", f"{plan.kept} already as saved; nothing on the server is deleted"))
    if plan.cannot:
        fields.append((f"Cannot be done ({len(plan.cannot)})", _lines(f"{label}: {why}" for label, why in plan.cannot)))
    if plan.notes:
        fields.append(("Notes", _lines(f"{label}: {what}" for label, what in plan.notes)))
    title = f"Restore backup #{backup_id}?" if not plan.empty else f"Backup #{backup_id}: nothing to restore"
    return embed(title, "Roles are never given to members, and no permission you or I lack is granted."
                 if not plan.empty else "The server already matches this backup.", fields=fields)


def show_preview(ctx, backup_id, parts):
    """Deferred: read the server, compare, show the diff with Confirm / Cancel."""
    from app.backups import service
    restore_id, plan = service.preview_restore(ctx.db, ctx.discord, guild_id=ctx.guild_id, backup_id=backup_id,
                                               parts=" ".join(parts), invoker_id=ctx.user.id,
                                               invoker_bits=ctx.permissions, now=ctx.now)
    buttons = [] if plan.empty else [action_row(
        button("Confirm", custom_id("backupr", "confirm", restore_id), style=3),
        button("Cancel", custom_id("backupr", "cancel", restore_id), style=2))]
    return ctx.reply(embeds=[preview_embed(backup_id, plan)], components=buttons, allowed_mentions={"parse": []})


@component("backupr")
def restore_button(ctx, action, restore_id):
    """Confirm or Cancel, pressed by the invoker, who must still be able to manage the server."""
    from app.backups import restore
    if action not in ("confirm", "cancel") or not restore_id.isdigit():
        return ctx.error("That button is no longer valid.")
    row = restore.get(ctx.db, ctx.guild_id, int(restore_id))
    if str(row["invoker_id"]) != str(ctx.user.id):
        return ctx.error(NOT_YOURS)
    require_manager(ctx)  # the click's own payload: permissions as they are now
    if action == "cancel":
        restore.cancel(ctx.db, guild_id=ctx.guild_id, restore_id=row["id"], now=ctx.now)
        return ctx.update(embeds=[embed(f"Restore of backup #{row['backup_id']} cancelled", "Nothing was changed.")],
                          components=[])
    if row["state"] != "preview":
        return ctx.error("That restore was already confirmed or cancelled.")
    from app import features
    return r.Deferred(features.task_name(run_restore), {"restore_id": row["id"], "link": 1}, update=True)


def progress_text(backup_id, counts) -> str:
    return f"⏳ Restoring backup #{backup_id}: " + ", ".join(
        f"{part} {done}/{total}" for part, (done, total) in counts.items() if total)


def report_embed(backup_id, report) -> dict:
    skipped = report.get("skipped") or []
    fields = [("Created", _lines(report["created"]) if report["created"] else "nothing"),
              ("Changed", _lines(report["changed"]) if report["changed"] else "nothing")]
    if skipped:
        fields.append((f"Skipped ({len(skipped)})", _lines(f"{label}: {why}" for label, why in skipped)))
    if report.get("notes"):
        fields.append(("Notes", _lines(f"{label}: {what}" for label, what in report["notes"])))
    return embed(f"✅ Backup #{backup_id} restored", "Nothing on the server was deleted.", fields=fields)


def _hand_on(ctx, restore_id, link):
    """The next link as deferred work of its own (a thread here, an asynchronous invocation on Lambda)."""
    from app.backups import chain
    from app.interactions.runners import runner_for_environment
    following = chain.link_interaction(ctx.runtime, ctx.db, ctx.interaction, ctx.guild_id)
    try:
        runner = ctx.runtime.deferred
    except RuntimeError:  # a task's runtime on Lambda is built from the environment, with no runner chosen
        runner = runner_for_environment()
    runner.submit(ctx.runtime, chain.TASK, following, {"restore_id": int(restore_id), "link": int(link)})


def run_restore(ctx, restore_id, link):
    """Deferred, one link: confirm (first link), run steps inside the time budget, hand on or report."""
    from app.backups import links, restore
    from app.discord.errors import DiscordError
    from app.interactions.deferred import edit_original
    row = restore.get(ctx.db, ctx.guild_id, restore_id)
    if link == 1 and row["state"] == "preview":
        require_manager(ctx)
        restore.confirm(ctx.db, ctx.discord, guild_id=ctx.guild_id, restore_id=restore_id,
                        invoker_bits=ctx.permissions, now=ctx.now)

    def show(counts):
        try:
            edit_original(ctx.runtime, ctx.token, {"content": progress_text(row["backup_id"], counts),
                                                   "embeds": [], "components": []})
        except DiscordError as exc:  # a lost progress edit only delays the news; the report follows
            log.warning("restore %s: a progress edit failed: %s", restore_id, exc)

    outcome = links.run_link(ctx.runtime, ctx.db, ctx.guild_id, restore_id, link, progress=show)
    if outcome.state == "more":
        _hand_on(ctx, restore_id, link + 1)
    state = restore.progress(ctx.db, ctx.guild_id, restore_id)
    if state["state"] == "done":
        return ctx.update(embeds=[report_embed(row["backup_id"], state["report"])], components=[],
                          allowed_mentions={"parse": []})
    return ctx.update(progress_text(row["backup_id"], state["counts"]), embeds=[], components=[])
