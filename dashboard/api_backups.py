"""/dashboard/api/backups: list and make backups, preview a restore (the diff), confirm it and follow its
progress, through app/backups/service.py as /backup does. Restoring rewrites roles and channels, so the
preview and the confirmation are for managers only; a confirmed restore is carried out by the backups job."""
from flask import Blueprint, jsonify

from dashboard import inputs
from dashboard.access import guild_access, runtime

bp = Blueprint("dashboard_api_backups", __name__, url_prefix="/dashboard/api/backups")
MAX_ID = 2 ** 62


def _shown(row) -> dict:
    return {"id": row["id"], "note": row["note"], "origin": row["origin"], "size_bytes": row["size_bytes"],
            "author_id": str(row["author_id"]) if row["author_id"] else None,
            "created_at": row["created_at"].isoformat()}


@bp.get("")
@guild_access(write=False)
def listing(guild, conn):
    from app.backups import service
    return jsonify(backups=[_shown(r) for r in service.listing(conn, guild.guild_id)],
                   schedule=service.schedule(conn, guild.guild_id))


@bp.post("")
@guild_access(write=True)
def create(guild, conn):
    from app.backups import service
    body = inputs.json_object(allowed=("note",))
    note = body.get("note") or ""
    if not isinstance(note, str) or len(note) > 200:
        raise inputs.BadInput("note is text of at most 200 characters.")
    rt = runtime()
    backup_id = service.create(conn, rt.discord, guild_id=guild.guild_id, note=note, author_id=guild.user_id,
                               now=rt.clock(), origin="dashboard")
    conn.commit()
    [row] = [r for r in service.listing(conn, guild.guild_id) if r["id"] == backup_id]
    return jsonify(backup=_shown(row)), 201


@bp.post("/<backup_id>/preview")
@guild_access(write=True, manager_only=True)
def preview(guild, conn, backup_id):
    from app.backups import diff, service
    body = inputs.json_object(allowed=("parts",))
    parts = body.get("parts", [])
    if not isinstance(parts, list) or any(not isinstance(p, str) or p not in (*diff.PARTS, "all") for p in parts):
        raise inputs.BadInput(f"parts is a list of: {', '.join(diff.PARTS)} (empty: all).")
    rt = runtime()
    restore_id, plan = service.preview_restore(
        conn, rt.discord, guild_id=guild.guild_id, backup_id=inputs.integer(backup_id, "backup id", 0, 1, MAX_ID),
        parts=" ".join(parts), invoker_id=guild.user_id, invoker_bits=guild.permissions, now=rt.clock())
    return jsonify(service.plan_summary(restore_id, plan))


@bp.post("/restores/<restore_id>/confirm")
@guild_access(write=True, manager_only=True)
def confirm(guild, conn, restore_id):
    from app.backups import service
    rt = runtime()
    number = inputs.integer(restore_id, "restore id", 0, 1, MAX_ID)
    service.start_restore(conn, rt.discord, guild_id=guild.guild_id, restore_id=number,
                          invoker_bits=guild.permissions, now=rt.clock(), by_job=True)
    conn.commit()
    return jsonify(service.restore_progress(conn, guild.guild_id, number)), 202


@bp.get("/restores/<restore_id>")
@guild_access(write=False)
def progress(guild, conn, restore_id):
    from app.backups import service
    return jsonify(service.restore_progress(conn, guild.guild_id,
                                            inputs.integer(restore_id, "restore id", 0, 1, MAX_ID)))
