"""/backup create|list|show|delete|export|import|schedule: a server's layout and settings, kept (docs/backups.md).
/backup restore lives in commands/backup_restore.py."""
from app.discord import permissions as perms
from app.errors import UserError
from app.interactions.declare import Option, SlashCommand
from app.interactions.responses import Attachment, embed

backup = SlashCommand("backup", "Back up and restore this server's layout and settings",
                      default_member_permissions=perms.MANAGE_GUILD)
IMPORT_LIMIT_BYTES = 2_000_000
ORIGINS = {"command": "by hand", "scheduled": "scheduled", "import": "imported", "dashboard": "dashboard"}


def require_manager(ctx):
    if not ctx.has(perms.MANAGE_GUILD):
        raise UserError("You need the Manage Server permission to use backups.")


def describe_row(row) -> str:
    who = f" by <@{row['author_id']}>" if row["author_id"] else ""
    note = f" — {row['note']}" if row["note"] else ""
    return (f"**#{row['id']}** <t:{int(row['created_at'].timestamp())}:f> {ORIGINS.get(row['origin'], row['origin'])}"
            f"{who}, {max(1, row['size_bytes'] // 1000)} KB{note}")


@backup.subcommand("create", "Save this server's roles, channels and settings now", options=[
    Option.string("note", "A note to find it by", required=False, max_length=200)])
def create(ctx, note=None):
    require_manager(ctx)
    return ctx.defer(make_backup, ephemeral=True, note=note or "")


def make_backup(ctx, note):
    """Deferred: read the server (two calls) and StatusSync's settings, store the document once."""
    from app.backups import document as doc, service
    backup_id = service.create(ctx.db, ctx.discord, guild_id=ctx.guild_id, note=note, author_id=ctx.user.id,
                               now=ctx.now, request_key=f"interaction:{ctx.id}")
    row = service.get(ctx.db, ctx.guild_id, backup_id)
    found = doc.counts(row["document"])
    return ctx.reply(f"✅ Backup **#{backup_id}** saved: {found['roles']} roles, {found['categories']} categories, "
                     f"{found['channels']} channels, {found['custom_commands']} custom commands "
                     f"({max(1, row['size_bytes'] // 1000)} KB). `/backup restore id:{backup_id}` brings it back.",
                     allowed_mentions={"parse": []})


@backup.subcommand("list", "This server's backups")
def list_backups(ctx):
    from app.backups import service
    from app.premium import tiers
    require_manager(ctx)
    rows = service.listing(ctx.db, ctx.guild_id)
    allowed = tiers.limit(ctx.db, ctx.guild_id, ctx.now, "backups")
    if not rows:
        return ctx.reply("No backups yet: `/backup create` makes one.", ephemeral=True)
    return ctx.reply(embeds=[embed(f"Backups ({len(rows)} of {allowed})", "\n".join(map(describe_row, rows)))],
                     ephemeral=True, allowed_mentions={"parse": []})


@backup.subcommand("show", "What a backup holds", options=[Option.integer("id", "The backup's number", min_value=1)])
def show(ctx, id):
    from app.backups import document as doc, service
    from app.backups.compare import channel_label
    require_manager(ctx)
    row = service.get(ctx.db, ctx.guild_id, id)
    document, found = row["document"], doc.counts(row["document"])
    everyone = document["guild"].get("id")
    roles = [f"@{r['name']}" for r in reversed(document["roles"]) if r["id"] != everyone]
    channels = [channel_label(c) for c in document["channels"]]
    settings = document["statussync"]
    fields = [("Roles", f"{found['roles']}: " + ", ".join(roles)[:900] or "none"),
              ("Channels", f"{found['categories']} categories, {found['channels']} channels: "
                           + ", ".join(channels)[:900]),
              ("StatusSync", f"{len(settings['settings'])} settings sections, {found['automod_rules']} automod rules, "
                             f"{found['custom_commands']} custom commands")]
    last = _last_restore(ctx, row["id"])
    if last:
        fields.append(("Last restore", last))
    return ctx.reply(embeds=[embed(f"Backup #{row['id']}", describe_row(row), fields=fields)], ephemeral=True,
                     allowed_mentions={"parse": []})


def _last_restore(ctx, backup_id) -> str | None:
    from app import db
    from app.backups import restore
    row = db.one(ctx.db, "backups.latest_restore", {"guild_id": int(ctx.guild_id), "backup_id": backup_id})
    if row is None or row["state"] == "preview":
        return None
    counts = restore.progress(ctx.db, ctx.guild_id, row["id"])["counts"]
    return f"{row['state']}: " + ", ".join(f"{part} {done}/{total}" for part, (done, total) in counts.items())


@backup.subcommand("delete", "Delete a backup", options=[Option.integer("id", "The backup's number", min_value=1)])
def delete(ctx, id):
    from app.backups import service
    require_manager(ctx)
    service.delete(ctx.db, ctx.guild_id, id)
    return ctx.reply(f"🗑️ Backup #{id} deleted.", ephemeral=True)


@backup.subcommand("export", "Download a backup as a JSON file", options=[
    Option.integer("id", "The backup's number", min_value=1)])
def export(ctx, id):
    from app.backups import service
    require_manager(ctx)
    data = service.export(ctx.db, ctx.guild_id, id)
    return ctx.reply(f"Backup #{id}. `/backup import` on any server you manage stores it there.", ephemeral=True,
                     files=[Attachment(f"backup-{id}.json", data, "application/json")])


@backup.subcommand("import", "Store a file made by /backup export as a backup of this server", options=[
    Option.attachment("file", "The JSON file /backup export made"),
    Option.string("note", "A note to find it by", required=False, max_length=200)])
def import_file(ctx, file, note=None):
    require_manager(ctx)
    if int(file.get("size") or 0) > IMPORT_LIMIT_BYTES:
        raise UserError(f"That file is larger than a backup can be ({IMPORT_LIMIT_BYTES // 1_000_000} MB).")
    return ctx.defer(import_backup, ephemeral=True, url=file.get("url"), note=note or f"imported {file.get('filename')}"[:200])


def import_backup(ctx, url, note):
    """Deferred: fetch the file from Discord's CDN, check its schema version and size, store it."""
    from app.backups import document as doc, service
    from app.discord.cdn import fetch_attachment
    data = fetch_attachment(ctx.settings.get("DISCORD_CDN_BASE") or "https://cdn.discordapp.com", url,
                            IMPORT_LIMIT_BYTES)
    if data is None:
        return ctx.error("I couldn't download that file from Discord (or it is over 2 MB). Try again.")
    backup_id = service.import_document(ctx.db, guild_id=ctx.guild_id, data=data, note=note, author_id=ctx.user.id,
                                        now=ctx.now, request_key=f"interaction:{ctx.id}")
    found = doc.counts(service.get(ctx.db, ctx.guild_id, backup_id)["document"])
    return ctx.reply(f"✅ Imported as backup **#{backup_id}**: {found['roles']} roles, {found['channels']} channels, "
                     f"{found['categories']} categories. `/backup restore id:{backup_id}` shows what it would change.")


@backup.subcommand("schedule", "Show or set automatic backups", options=[
    Option.integer("interval_hours", "Hours between backups (0 turns them off)", required=False, min_value=0,
                   max_value=720),
    Option.integer("keep", "How many automatic backups to keep", required=False, min_value=1, max_value=100)])
def schedule(ctx, interval_hours=None, keep=None):
    from app.backups import service
    require_manager(ctx)
    current = service.schedule(ctx.db, ctx.guild_id)
    if interval_hours is not None or keep is not None:
        current = service.set_schedule(
            ctx.db, guild_id=ctx.guild_id, now=ctx.now,
            interval_hours=current["interval_hours"] if interval_hours is None else interval_hours,
            keep=current["keep"] if keep is None else keep)
    if not current["interval_hours"]:
        return ctx.reply("Automatic backups are off. `/backup schedule interval_hours:24` turns them on.",
                         ephemeral=True)
    return ctx.reply(f"🕒 A backup every {current['interval_hours']} hours; the newest {current['keep']} "
                     "automatic backups are kept (backups made by hand are never removed automatically).",
                     ephemeral=True)
