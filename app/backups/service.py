"""What commands, the job and the dashboard call: plain functions taking a connection and the Discord client."""
from datetime import timedelta

from .. import guild_settings
from ..errors import UserError
from ..premium import tiers
from . import capture, document as doc, restore, store

SECTION = "backups"


def create(conn, discord, *, guild_id, note, author_id, now, origin="command", request_key=None) -> int:
    """Capture the server now and store it; the tier's number of backups is the cap on hand-made ones."""
    if request_key and (made := store.made_by(conn, guild_id, request_key)) is not None:
        return made  # a redelivered request: the backup it made
    allowed = tiers.limit(conn, guild_id, now, "backups")
    if origin != "scheduled" and store.count(conn, guild_id) >= allowed:
        raise UserError(f"This server keeps {allowed} backups; delete one with `/backup delete`, "
                        "or upgrade with `/premium` for more.")
    conn.commit()
    document = capture.capture(conn, discord, guild_id)
    return store.save(conn, guild_id, document, note=note, author_id=author_id, origin=origin, now=now,
                      request_key=request_key)


def import_document(conn, *, guild_id, data: bytes, note, author_id, now, request_key=None) -> int:
    """A file from `/backup export` (any server's) stored as a backup of this one."""
    document = doc.decode(data)
    allowed = tiers.limit(conn, guild_id, now, "backups")
    if store.count(conn, guild_id) >= allowed:
        raise UserError(f"This server keeps {allowed} backups; delete one with `/backup delete` first.")
    return store.save(conn, guild_id, document, note=note, author_id=author_id, origin="import", now=now,
                      request_key=request_key)


def listing(conn, guild_id) -> list:
    return store.listing(conn, guild_id)


def get(conn, guild_id, backup_id) -> dict:
    return store.get(conn, guild_id, backup_id)


def delete(conn, guild_id, backup_id) -> None:
    store.delete(conn, guild_id, backup_id)


def export(conn, guild_id, backup_id) -> bytes:
    return doc.encode(store.get(conn, guild_id, backup_id)["document"])


def preview_restore(conn, discord, *, guild_id, backup_id, parts, invoker_id, invoker_bits, now):
    """(restore id, Plan): the diff, saved as a restore awaiting confirmation."""
    return restore.preview(conn, discord, guild_id=guild_id, backup_id=backup_id, parts=restore.parse_parts(parts),
                           invoker_id=invoker_id, invoker_bits=invoker_bits, now=now)


def start_restore(conn, discord, *, guild_id, restore_id, invoker_bits, now, by_job=False):
    """Confirm a previewed restore (planned again against fresh data). The caller runs its first link
    (app/backups/links.py: run_link, as deferred work), or with by_job=True the backups job starts it."""
    grace = {"first_link_grace": timedelta(0)} if by_job else {}
    return restore.confirm(conn, discord, guild_id=guild_id, restore_id=restore_id, invoker_bits=invoker_bits,
                           now=now, **grace)


def plan_summary(restore_id, plan) -> dict:
    """A preview as JSON (the dashboard's)."""
    return {"restore_id": restore_id, "create": plan.create, "change": plan.change, "kept": plan.kept,
            "cannot": [{"what": what, "why": why} for what, why in plan.cannot],
            "notes": [{"what": what, "note": note} for what, note in plan.notes], "empty": plan.empty}


def restore_progress(conn, guild_id, restore_id) -> dict:
    return restore.progress(conn, guild_id, restore_id)


def schedule(conn, guild_id) -> dict:
    return guild_settings.load_section(conn, guild_id, SECTION)


def set_schedule(conn, *, guild_id, interval_hours, keep, now) -> dict:
    """Turn scheduled backups on (every `interval_hours`, keeping `keep`) or off (0); the tier bounds both."""
    tier = tiers.tier_of(conn, guild_id, now)
    if interval_hours and interval_hours < tier.backup_interval_hours:
        raise UserError(f"On the {tier.title} tier backups run at most every {tier.backup_interval_hours} hours; "
                        "upgrade with `/premium` for shorter intervals.")
    if keep > tier.backups:
        raise UserError(f"The {tier.title} tier keeps at most {tier.backups} backups.")
    return guild_settings.update(conn, guild_id, SECTION, {"interval_hours": interval_hours, "keep": keep}, now)


def due(last, interval_hours, now) -> bool:
    return last is None or now - last >= timedelta(hours=interval_hours) - timedelta(minutes=5)


def validate_settings(values: dict) -> None:
    if values.get("interval_hours") is not None and not 0 <= values["interval_hours"] <= 24 * 30:
        raise UserError("interval_hours must be 0 (off) to 720.")
    if values.get("keep") is not None and not 1 <= values["keep"] <= 100:
        raise UserError("keep must be 1 to 100.")
