"""A restore: previewed (the diff, saved awaiting Confirm), confirmed (planned again against fresh data,
every step journaled), then run in links (app/backups/links.py); its progress and final report.
"""

from datetime import timedelta

from psycopg2.extras import Json

from .. import db
from ..errors import UserError
from . import diff, live as live_state, store
from .apply import CREATES

BOOKKEEPING = ("cannot", "note")
FIRST_LINK_GRACE = timedelta(minutes=5)  # the first link's to take; the backups job steps in only after it  # journal rows that only carry the preview's findings into the report


def parse_parts(text) -> list:
    """"roles, channels" -> ["roles", "channels"]; empty means every part; UserError on an unknown one."""
    words = [w.strip().lower() for w in str(text or "").replace(",", " ").split() if w.strip()]
    unknown = [w for w in words if w not in diff.PARTS and w != "all"]
    if unknown:
        raise UserError(f"Unknown part {unknown[0][:20]!r}: use any of {', '.join(diff.PARTS)} (or all).")
    return list(diff.PARTS) if not words or "all" in words else [p for p in diff.PARTS if p in words]


def preview(conn, discord, *, guild_id, backup_id, parts, invoker_id, invoker_bits, now):
    """(restore row id, Plan): the difference against the server now, saved as a restore awaiting Confirm."""
    backup = store.get(conn, guild_id, backup_id)
    conn.commit()
    current = live_state.read(discord, guild_id)
    plan = diff.build(backup["document"], current, parts, invoker_bits, conn)
    row = db.one(conn, "backups.open_restore", {"guild_id": int(guild_id), "backup_id": backup["id"],
                                                "invoker_id": int(invoker_id), "invoker_bits": int(invoker_bits),
                                                "parts": list(parts), "now": now})
    return row["id"], plan


def get(conn, guild_id, restore_id) -> dict:
    row = db.one(conn, "backups.get_restore", {"guild_id": int(guild_id), "restore_id": int(restore_id)}) \
        if 0 < int(restore_id) < 2 ** 63 else None
    if row is None:
        raise UserError("That restore is no longer here; run `/backup restore` again.")
    return row


def confirm(conn, discord, *, guild_id, restore_id, invoker_bits, now, first_link_grace=FIRST_LINK_GRACE):
    """Plan again against fresh data, journal every step, mark the restore running (once). The Plan.
    With first_link_grace=timedelta(0) nobody runs a first link: the backups job starts it."""
    row = get(conn, guild_id, restore_id)
    if row["state"] != "preview":
        raise UserError("That restore was already confirmed or cancelled.")
    other = db.one(conn, "backups.running_restore", {"guild_id": int(guild_id), "restore_id": row["id"]})
    if other is not None:
        raise UserError("Another restore is running on this server; wait for its report.")
    backup = store.get(conn, guild_id, row["backup_id"])
    conn.commit()
    current = live_state.read(discord, guild_id)
    plan = diff.build(backup["document"], current, row["parts"], invoker_bits, conn)
    if db.one(conn, "backups.confirm_restore", {"guild_id": int(guild_id), "restore_id": row["id"], "now": now,
                                                "lease_until": now + first_link_grace,
                                                "matches": Json(plan.matches), "invoker_bits": int(invoker_bits)}) is None:
        raise UserError("That restore was already confirmed or cancelled.")
    entries = [(kind, key, label, "pending", "") for kind, key, label in plan.steps]
    entries += [("cannot", label, label, "skipped", why) for label, why in plan.cannot]
    entries += [("note", label, label, "skipped", what) for label, what in plan.notes]
    for seq, (kind, key, label, state, detail) in enumerate(entries):
        db.run(conn, "backups.add_step", {"restore_id": row["id"], "seq": seq, "kind": kind, "key": key,
                                          "label": label[:200], "state": state, "detail": detail[:500]})
    conn.commit()
    return plan


def cancel(conn, *, guild_id, restore_id, now) -> bool:
    return db.one(conn, "backups.cancel_restore", {"guild_id": int(guild_id), "restore_id": int(restore_id),
                                                   "now": now}) is not None


def counts(steps) -> dict:
    """{"roles": [done, total], "channels": [...], "settings": [...]} of the steps that act."""
    found = {"roles": [0, 0], "channels": [0, 0], "settings": [0, 0]}
    for step in steps:
        if step["kind"] in BOOKKEEPING:
            continue
        group = found[diff.group_of(step["kind"])]
        group[1] += 1
        group[0] += step["state"] in ("done", "skipped")
    return found


def summary(steps) -> dict:
    """The final report: what was done, and every skipped thing with why."""
    acted = [s for s in steps if s["kind"] not in BOOKKEEPING]
    made = set(CREATES) | {"custom_command"}
    return {"created": [s["label"] for s in acted if s["kind"] in made and s["state"] == "done"],
            "changed": sorted({s["label"] for s in acted if s["kind"] not in made and s["state"] == "done"
                               and s["kind"] not in ("role_positions", "channel_positions")
                               and not (s["kind"] == "role_update" and any(
                                   c["key"] == s["key"] and c["kind"] == "role_create" for c in acted))}),
            "skipped": [[s["label"], s["detail"]] for s in steps if s["state"] == "skipped" and s["kind"] != "note"]
                       + [[s["label"], s["detail"]] for s in acted if s["state"] == "done" and s["detail"]
                          and s["kind"] == "statussync"],
            "notes": [[s["label"], s["detail"]] for s in steps if s["kind"] == "note"]}


def progress(conn, guild_id, restore_id) -> dict:
    """What the dashboard shows: state, per-part counts and, once done, the report."""
    row = get(conn, guild_id, restore_id)
    steps = db.all_rows(conn, "backups.steps", {"restore_id": row["id"]})
    return {"restore_id": row["id"], "backup_id": row["backup_id"], "state": row["state"], "parts": row["parts"],
            "counts": counts(steps), "report": row["report"],
            "finished_at": row["finished_at"].isoformat() if row["finished_at"] else None}


def stalled(conn, now) -> list:
    return db.all_rows(conn, "backups.stalled_restores", {"now": now})

