"""A restore: previewed, confirmed, then run in links of deferred work, each inside a time budget.

Journal, act, complete: every step is marked started (committed) before Discord is asked and done after,
with the id Discord gave. A link that died leaves its step "started"; the next link adopts what Discord
made meanwhile (a role or channel of that name no other step claimed) instead of making it twice.
A link that runs out of time stops between steps and the next link carries on (app/backups/chain.py).
"""
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from psycopg2.extras import Json

from .. import db, deadlines
from ..discord.errors import DiscordError
from ..errors import UserError
from . import diff, live as live_state, store
from .apply import CREATES, Applier

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # a step Discord fails this often (5xx, timeouts) is skipped and reported
LEASE_GRACE_S = 60  # past its budget, a link that hasn't been heard from is taken as dead
PROGRESS_EVERY_S = 2.0
BOOKKEEPING = ("cannot", "note")


@dataclass
class Link:
    state: str                      # "done", "more" (the next link carries on), "elsewhere" (not ours to run)
    calls: int = 0
    counts: dict = field(default_factory=dict)


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


def confirm(conn, discord, *, guild_id, restore_id, invoker_bits, now):
    """Plan again against fresh data, journal every step, mark the restore running (once). The Plan."""
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


def _transient(exc: DiscordError) -> bool:
    return exc.status == 0 or exc.status == 429 or exc.status >= 500


def _why(exc: DiscordError) -> str:
    if exc.code == 50013:
        return "Discord refused: I'm missing a permission or my role is too low"
    if exc.code in (30005, 30013):
        return f"Discord's cap is reached ({exc.message})"
    return f"Discord refused: {exc.message}"[:300]


def budget_of(runtime) -> float:
    from ..jobs.guilds import budget_of as job_budget
    return job_budget(runtime)


def run_link(runtime, conn, guild_id, restore_id, link, progress=None) -> Link:
    """Run steps of a confirmed restore until it is done or this link's time budget is spent."""
    budget = budget_of(runtime)
    reserve = min(3.0, budget * 0.4)  # a step started with less left could time out on a slow answer
    with deadlines.within(budget):
        now = runtime.clock()
        row = db.one(conn, "backups.take_link", {"restore_id": int(restore_id), "link": int(link), "now": now,
                                                 "lease_until": now + timedelta(seconds=budget + LEASE_GRACE_S)})
        conn.commit()
        if row is None or str(row["guild_id"]) != str(guild_id):
            return Link("elsewhere")
        document = db.one(conn, "backups.get_backup", {"guild_id": row["guild_id"], "backup_id": row["backup_id"]})["document"]
        steps = db.all_rows(conn, "backups.steps", {"restore_id": row["id"]})
        conn.commit()
        try:
            current = live_state.read(runtime.discord, guild_id)
        except (deadlines.DeadlineExceeded, DiscordError) as exc:
            if isinstance(exc, DiscordError) and not _transient(exc):
                raise
            return Link("more", counts=counts(steps))
        done_ids = {s["key"]: str(s["new_id"]) for s in steps if s["new_id"] and s["kind"] in CREATES}
        applier = Applier(runtime, conn, document, current, row["matches"], done_ids, row["invoker_bits"],
                          row["invoker_id"])
        applier.calls = 3
        shown = time.monotonic()
        for step in steps:
            if step["state"] in ("done", "skipped"):
                continue
            if deadlines.remaining() < reserve:
                return Link("more", applier.calls, counts(steps))
            outcome = _run_step(conn, applier, row["id"], step)
            if outcome is None:
                return Link("more", applier.calls, counts(steps))
            step["state"], step["new_id"], step["detail"] = outcome
            if progress is not None and time.monotonic() - shown > PROGRESS_EVERY_S:
                shown = time.monotonic()
                progress(counts(steps))
        report = summary(steps)
        db.run(conn, "backups.finish_restore", {"restore_id": row["id"], "report": Json(report), "now": runtime.clock()})
        conn.commit()
        return Link("done", applier.calls, counts(steps))


def _run_step(conn, applier, restore_id, step):
    """(state, new_id, detail) once the step is recorded; None when the link must stop before it."""
    key = {"restore_id": restore_id, "seq": step["seq"]}
    if step["state"] == "started" and step["kind"] in CREATES:
        adopted = applier.adopt(step["kind"], step["key"])
        if adopted is not None:
            applier.id_map[step["key"]] = adopted
            db.run(conn, "backups.mark_step", {**key, "state": "done", "new_id": int(adopted), "detail": "adopted"})
            conn.commit()
            return "done", int(adopted), "adopted"
    if step["attempts"] >= MAX_ATTEMPTS:
        outcome = ("skipped", None, "Discord kept failing; try this part again later")
    else:
        db.run(conn, "backups.start_step", key)
        conn.commit()
        step["attempts"] += 1
        try:
            outcome = applier.run(step["kind"], step["key"])
        except deadlines.DeadlineExceeded:
            db.run(conn, "backups.release_step", key)
            conn.commit()
            return None
        except DiscordError as exc:
            if _transient(exc):
                log.warning("restore %s step %s: %s", restore_id, step["seq"], exc.message)
                if not exc.maybe_done:
                    db.run(conn, "backups.release_step", key)
                    conn.commit()
                return None
            outcome = ("skipped", None, _why(exc))
    state, new_id, detail = outcome
    if new_id is not None:
        applier.id_map[step["key"]] = new_id
    db.run(conn, "backups.mark_step", {**key, "state": state, "new_id": int(new_id) if new_id else None,
                                       "detail": detail or ""})
    conn.commit()
    return state, int(new_id) if new_id else None, detail


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
    return {"created": [s["label"] for s in acted if s["kind"] in CREATES and s["state"] == "done"],
            "changed": sorted({s["label"] for s in acted if s["kind"] not in CREATES and s["state"] == "done"
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

