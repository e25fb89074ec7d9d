"""Stored backups: saved, listed, read and deleted by guild (another guild's backup is "not found")."""
from psycopg2.extras import Json

from .. import db
from ..errors import UserError
from . import document as doc

NOT_FOUND = "There is no backup #{id} on this server; `/backup list` shows them."


def save(conn, guild_id, document: dict, *, note, author_id, origin, now, request_key=None) -> int:
    """Store a normalized document; the same request_key stores it once (a redelivered command)."""
    size = len(doc.encode(document))
    if size > doc.MAX_BYTES:
        raise UserError(f"This server's backup would be {size // 1000} KB, over the {doc.MAX_BYTES // 1000} KB limit.")
    row = db.one(conn, "backups.insert_backup", {
        "guild_id": int(guild_id), "schema_version": document["version"], "document": Json(document),
        "size_bytes": size, "note": (note or "")[:200], "author_id": int(author_id) if author_id else None,
        "origin": origin, "now": now, "request_key": request_key})
    if row is None:
        return db.one(conn, "backups.backup_by_key", {"request_key": request_key, "guild_id": int(guild_id)})["id"]
    return row["id"]


def made_by(conn, guild_id, request_key):
    row = db.one(conn, "backups.backup_by_key", {"request_key": request_key, "guild_id": int(guild_id)})
    return row["id"] if row else None


def listing(conn, guild_id, limit=100) -> list:
    return db.all_rows(conn, "backups.list_backups", {"guild_id": int(guild_id), "limit": limit})


def count(conn, guild_id) -> int:
    return db.one(conn, "backups.count_backups", {"guild_id": int(guild_id)})["n"]


def get(conn, guild_id, backup_id) -> dict:
    try:
        key = int(str(backup_id).lstrip("#"))
    except ValueError:
        key = -1
    row = db.one(conn, "backups.get_backup", {"guild_id": int(guild_id), "backup_id": key}) if 0 < key < 2 ** 63 else None
    if row is None:
        raise UserError(NOT_FOUND.format(id=str(backup_id)[:20]))
    return row


def delete(conn, guild_id, backup_id) -> None:
    row = get(conn, guild_id, backup_id)
    db.run(conn, "backups.delete_backup", {"guild_id": int(guild_id), "backup_id": row["id"]})
