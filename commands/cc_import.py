"""/cc import file: answers "thinking…" at once; the deferred task queues what fits, registers it paced within
Discord's limits and its own time (editing the reply with progress), and leaves the rest to the cc_sync job."""
import time

from app.errors import UserError
from app.interactions.declare import Option

from commands.cc import _builtin_names, _require_manager, cc

IMPORT_LIMIT_BYTES = 512 * 1024
IMPORT_BUDGET_S = 25.0  # of a deferred run (Lambda gives it 60 s; JOB_BUDGET_SECONDS lowers it); cc_sync does the rest
PROGRESS_EVERY_S = 1.0  # Discord's edit rate limit for one message is about 5 per 5 s
SYNC_EVERY = "10 minutes"  # zappa_settings.json / deploy/crontab: the cc_sync job


@cc.subcommand("import", "Add custom commands from a file made by /cc export", options=[
    Option.attachment("file", "The JSON file /cc export made")])
def import_file(ctx, file):
    _require_manager(ctx)
    if int(file.get("size") or 0) > IMPORT_LIMIT_BYTES:
        raise UserError("That file is too large for custom commands (at most 512 KB).")
    return ctx.defer(import_commands, ephemeral=True, url=file.get("url"))


def import_commands(ctx, url):
    """Deferred: fetch the file from Discord's CDN, queue what fits, register it paced, say what happened."""
    from app import deadlines
    from app.custom import pending, transfer
    from app.discord.cdn import fetch_attachment
    from app.jobs.guilds import budget_of
    data = fetch_attachment(ctx.settings.get("DISCORD_CDN_BASE") or "https://cdn.discordapp.com", url,
                            IMPORT_LIMIT_BYTES)
    if data is None:
        return ctx.error("I couldn't download that file from Discord. Try again.")
    try:
        commands = transfer.read_export(data)
    except UserError as exc:
        return ctx.error(str(exc))
    staged, refused = transfer.stage(ctx.db, guild_id=ctx.guild_id, commands=commands,
                                     builtin_names=_builtin_names(ctx), user_id=ctx.user.id, import_id=ctx.id,
                                     now=ctx.now)
    shown = _Progress(ctx, len(staged))
    with deadlines.within(min(IMPORT_BUDGET_S, budget_of(ctx.runtime))):
        outcome = pending.finish_guild(ctx.db, ctx.discord, ctx.guild_id, ctx.now, names=set(staged),
                                       fresh_before=ctx.now, progress=shown)
    return ctx.reply(report(ctx, staged, refused, outcome)[:2000], ephemeral=True)


class _Progress:
    """Edits the "thinking…" reply with how far the import got, at most once a PROGRESS_EVERY_S."""

    def __init__(self, ctx, total):
        self.ctx, self.total, self.last = ctx, total, time.monotonic()

    def __call__(self, outcome):
        if time.monotonic() - self.last < PROGRESS_EVERY_S:
            return
        self.last = time.monotonic()
        from app.deadlines import DeadlineExceeded
        from app.discord.errors import DiscordError
        from app.interactions.deferred import edit_original
        try:
            edit_original(self.ctx.runtime, self.ctx.token,
                          {"content": f"Importing… {len(outcome.done)} of {self.total} command(s) registered so far.",
                           "allowed_mentions": {"parse": []}})
        except (DiscordError, DeadlineExceeded):
            pass  # progress is a courtesy; the final answer still replaces it


def report(ctx, staged, refused, outcome) -> str:
    from app.custom import service
    registered = {r["name"] for r in service.listing(ctx.db, ctx.guild_id) if r["state"] == "registered"}
    done = [name for name in staged if name in registered]
    lines = [f"Imported {len(done)} command(s)" + (": " + ", ".join(f"`/{n}`" for n in done) if done else ".")]
    lines += [f"Not imported `/{name}`: {why}" for name, why in refused + outcome.refused]
    waiting = [name for name in staged if name not in registered and name not in dict(outcome.refused)]
    if waiting:
        why = ("this import ran out of time" if outcome.stopped in (None, "time") else outcome.stopped.rstrip("."))
        then = ("once there is room" if outcome.full else f"by itself (it checks every {SYNC_EVERY})")
        lines.append(f"Waiting for Discord: {len(waiting)} command(s) ({', '.join(f'`/{n}`' for n in waiting[:20])}"
                     f"{'…' if len(waiting) > 20 else ''}) — {why}. StatusSync registers them {then}; `/cc list` "
                     "shows them as waiting until then.")
    return "\n".join(lines)
