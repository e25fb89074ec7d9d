"""Running a confirmed restore in links of deferred work, each inside a time budget.

Journal, act, complete: every step is marked started (committed) before Discord is asked and done after,
with the id Discord gave. A link that died leaves its step "started"; the next link adopts what Discord
made meanwhile (a role or channel of that name no other step claimed) instead of making it twice.
A link that runs out of time stops between steps, and the next link carries on (app/backups/chain.py).
"""
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from psycopg2.extras import Json

from .. import db, deadlines
from ..discord.errors import DiscordError
from . import live as live_state
from .apply import CREATES, Applier
from .restore import counts, summary

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # a step Discord fails this often (5xx, timeouts) is skipped and reported
LEASE_GRACE_S = 60  # past its budget, a link that hasn't been heard from is taken as dead
PROGRESS_EVERY_S = 2.0
MAX_LINKS = 100  # a restore still not done after this many links (Discord down for long) ends with a report
GAVE_UP = "Discord kept failing; restore again later to finish this"


@dataclass
class Link:
    state: str                      # "done", "more" (the next link carries on), "elsewhere" (not ours to run)
    calls: int = 0
    counts: dict = field(default_factory=dict)


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
        if link > MAX_LINKS:
            db.run(conn, "backups.give_up_steps", {"restore_id": row["id"], "detail": GAVE_UP})
            return _finish(runtime, conn, row, db.all_rows(conn, "backups.steps", {"restore_id": row["id"]}), 0)
        document = db.one(conn, "backups.get_backup", {"guild_id": row["guild_id"], "backup_id": row["backup_id"]})["document"]
        steps = db.all_rows(conn, "backups.steps", {"restore_id": row["id"]})
        conn.commit()
        try:
            current = live_state.read(runtime.discord, guild_id)
        except (deadlines.DeadlineExceeded, DiscordError) as exc:
            if isinstance(exc, DiscordError) and not _transient(exc):  # the bot was removed, say: no use going on
                db.run(conn, "backups.give_up_steps", {"restore_id": row["id"], "detail": _why(exc)})
                return _finish(runtime, conn, row, db.all_rows(conn, "backups.steps", {"restore_id": row["id"]}), 3)
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
        return _finish(runtime, conn, row, steps, applier.calls)


def _finish(runtime, conn, row, steps, calls) -> Link:
    db.run(conn, "backups.finish_restore", {"restore_id": row["id"], "report": Json(summary(steps)),
                                            "now": runtime.clock()})
    conn.commit()
    return Link("done", calls, counts(steps))


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
        outcome = ("skipped", None, GAVE_UP)
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
                if not exc.maybe_done:  # nothing was done; when it may have been, the next link looks first
                    db.run(conn, "backups.retry_step", key)
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
