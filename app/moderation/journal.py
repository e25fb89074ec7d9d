"""Journal, act, complete: the record of a moderation action exists before Discord is called.

    open_action(conn, ...)     the intent (state pending), in a short transaction the caller commits
    perform(discord, conn, row, now)
                               with no transaction open: the DM that must come first (at most once), the
                               call to Discord, then complete() or cancel() in a short transaction
    complete(conn, row, now)   records the case (the case counter is locked only here), marks the row
                               done and queues the mod-log post in the outbox, in one transaction
    execute(discord, conn, id, now)
                               claim a row journaled earlier (scan, escalation) and perform it, once

An answer that never came (a timeout, a crash) leaves the row pending: the audit-log sync finds the
bot's entry and completes it, or cancels it when Discord's log shows nothing after a few minutes.
"""
import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from .. import db, deadlines
from ..discord.errors import DiscordError
from . import modlog, on_discord
from .cases import get_case, record_case
from .text import check_text

log = logging.getLogger(__name__)

UNKNOWN_BAN = 10026
RESUME_WITHIN = timedelta(minutes=10)  # a punishment later than this is no longer worth giving
ON_DISCORD = ("ban", "unban", "kick", "timeout", "untimeout")
DM_VERBS = {"ban": "banned from", "kick": "kicked from"}
REPORT_NOW_S = 0.7  # what an action's own reports (mod-log post, DM) may take right after it: no rate-limit waits


@dataclass
class Result:
    row: dict
    case: dict | None = None
    error: DiscordError | None = None  # Discord refused: nothing was done, nothing recorded
    pending: bool = False  # Discord may have acted; the audit-log sync will tell
    notes: list = field(default_factory=list)
    outbox_ids: list = field(default_factory=list)


def outcome_unknown(error: DiscordError) -> bool:
    """Discord may have acted: the request went out and its answer didn't come back."""
    return bool(getattr(error, "maybe_done", False)) or error.status == 0


def dm_text(settings: dict, action, guild_name, reason) -> str | None:
    """The DM a ban or kick sends first (the member must still share a server to receive it), if any."""
    if action not in DM_VERBS or not settings["modlog"]["dm_members"]:
        return None
    text = f"You were {DM_VERBS[action]} **{guild_name or 'a server'}**."
    return text + (f"\nReason: {reason}" if reason else "")


def interaction_key(interaction_id, action) -> str:
    return f"interaction:{interaction_id}:{action}"


def open_action(conn, *, guild_id, user_id, action, moderator_id, reason, now, source, key=None, until=None,
                delete_seconds=0, details=None, interaction_id=None, dm_text=None, claimed=False):
    """(row, fresh). fresh False: that key was journaled before (read the row's state); caller commits.

    claimed=True marks the attempt in the same insert (the caller acts right after committing it).
    """
    if action not in ON_DISCORD:
        raise ValueError(f"not an action on Discord: {action!r}")
    check_text(reason)
    key = key or (interaction_key(interaction_id, action) if interaction_id else f"{source}:{uuid.uuid4()}")
    params = {"guild_id": int(guild_id), "user_id": int(user_id), "action": action,
              "moderator_id": int(moderator_id) if moderator_id else None, "reason": reason, "until": until,
              "delete_seconds": int(delete_seconds or 0), "source": source, "details": json.dumps(details or {}),
              "interaction_id": int(interaction_id) if interaction_id else None, "idem_key": key,
              "dm_text": dm_text, "dm_state": ("attempted" if claimed else "wanted") if dm_text else None,
              "attempted_at": now if claimed else None, "now": now}
    row = db.one(conn, "journal.open_action", params)
    if row is not None:
        return dict(row, dm_now=bool(claimed and dm_text)), True
    row = db.one(conn, "journal.reopen_action", params)
    if row is not None:
        return row, True
    return db.one(conn, "journal.action_by_key", {"idem_key": key}), False


def claim(conn, action_id, now) -> dict | None:
    """Mark a journaled row attempted (committed) before acting; None when it was attempted or finished."""
    row = db.one(conn, "journal.claim_action", {"id": int(action_id), "now": now})
    conn.commit()
    return row


def perform(discord, conn, row, now, *, out_of_time="cancel") -> Result:
    """Act for a claimed row (no transaction may be open on `conn`), then complete or cancel it.

    When the deadline stops the work before the call (DeadlineExceeded, nothing done), the row is
    cancelled (the same request may reopen it) or, out_of_time="release", left for a later run."""
    result = Result(row)
    dm_state = dm_error = None
    try:
        if row["dm_text"] and row.get("dm_now"):  # at most once: the claim that set 'attempted' sends it
            dm_state, dm_error = on_discord.send_dm(discord, row)
            if dm_error:
                result.notes.append(dm_error)
        if row["source"] == "automod" and row["action"] == "timeout":
            try:  # a read: when it fails, nothing was done
                longer = on_discord.timed_out_until(discord, row["guild_id"], row["user_id"]) >= row["until"]
            except DiscordError as error:
                cancel(conn, row, str(error)[:500], now)
                result.error = error
                return result
            if longer:
                cancel(conn, row, "already timed out for longer", now)
                result.error = DiscordError(409, 0, "already timed out for longer")
                return result
        on_discord.call(discord, row)
    except deadlines.DeadlineExceeded:
        if out_of_time == "release":
            db.run(conn, "journal.release_action", {"id": row["id"]})
            conn.commit()
        else:
            cancel(conn, row, "no time left before the call", now, dm_state=dm_state, dm_error=dm_error)
        raise
    except DiscordError as error:
        if outcome_unknown(error):
            log.warning("guild %s: %s of %s (journal %s) unconfirmed, left for the audit-log sync: %s",
                        row["guild_id"], row["action"], row["user_id"], row["id"], error)
            if dm_state:
                db.run(conn, "journal.note_dm", {"id": row["id"], "dm_state": dm_state, "dm_error": dm_error})
                conn.commit()
            result.pending = True
            return result
        cancel(conn, row, str(error)[:500], now, dm_state=dm_state, dm_error=dm_error,
               reopen_ban=error.code != UNKNOWN_BAN)
        result.error = error
        return result
    result.case, result.outbox_ids = complete(conn, row, now, dm_state=dm_state, dm_error=dm_error)
    return result


def complete(conn, row, now, *, audit_entry_id=None, dm_state=None, dm_error=None, commit=True) -> tuple:
    """(case, outbox ids): record the case for a row Discord acted on; the row's lock makes it once."""
    current = db.one(conn, "journal.lock_action", {"id": row["id"]})
    if current["state"] != "pending":
        case = get_case(conn, current["guild_id"], current["case_number"]) if current["case_number"] else None
        if commit:
            conn.commit()
        return case, []
    guild_id, user_id, action = current["guild_id"], current["user_id"], current["action"]
    if action in ("ban", "unban"):
        db.run(conn, "moderation.end_active_bans", {"guild_id": guild_id, "user_id": user_id})
    case = record_case(conn, guild_id, action, user_id, current["moderator_id"], current["reason"], now,
                       expires_at=current["until"], source=current["source"], audit_entry_id=audit_entry_id,
                       details=current["details"], active=action == "ban" and current["until"] is not None)
    db.run(conn, "journal.finish_action", {"id": current["id"], "case_number": case["case_number"],
                                           "audit_entry_id": audit_entry_id, "now": now,
                                           "dm_state": dm_state, "dm_error": dm_error})
    ids = [i for i in [modlog.enqueue_case(conn, case, now)] if i]
    if commit:
        conn.commit()
    return case, ids


def cancel(conn, row, error, now, *, dm_state=None, dm_error=None, commit=True, reopen_ban=True) -> bool:
    """Not acted: close the row without a case (an expired ban it was lifting waits for the next run,
    unless Discord said it's already gone)."""
    cancelled = db.one(conn, "journal.cancel_action", {"id": row["id"], "error": error, "now": now,
                                                       "dm_state": dm_state, "dm_error": dm_error})
    if reopen_ban and cancelled and cancelled["source"] == "expiry" and (cancelled["details"] or {}).get("ban_case"):
        db.run(conn, "journal.reactivate_ban", {"guild_id": cancelled["guild_id"],
                                                "case_number": int(cancelled["details"]["ban_case"])})
    if commit:
        conn.commit()
    return cancelled is not None


def execute(discord, conn, action_id, now) -> Result | None:
    """Claim and perform a row journaled earlier; None when another run already attempted it."""
    row = claim(conn, action_id, now)
    if row is None:
        return None
    return perform(discord, conn, row, now, out_of_time="release")


def resume(discord, conn, guild_id, now) -> int:
    """Carry out what a stopped run journaled but never tried (recent rows only; older ones the audit-log
    sync cancels). A row that was tried is never tried again. Returns how many were carried out."""
    from .. import outbox
    rows = db.all_rows(conn, "journal.unattempted_actions", {"guild_id": int(guild_id), "since": now - RESUME_WITHIN})
    conn.commit()
    done, ids = 0, []
    for row in rows:
        result = execute(discord, conn, row["id"], now)
        if result is not None:
            done += 1
            ids += result.outbox_ids
    outbox.deliver(discord, conn, now, ids=ids)
    return done


def deliver_after(discord, conn, now, ids, dm_ids=()) -> list:
    """Deliver a request's own outbox rows now (one claim for all); plain-words problems for the moderator."""
    from .. import outbox
    # A report must not slow the moderator's answer: one that would wait (a busy channel's rate limit,
    # a slow Discord) is left to the outbox job.
    with deadlines.within(REPORT_NOW_S):
        problems = outbox.deliver(discord, conn, now, ids=list(ids) + list(dm_ids))
    return [f"I couldn't DM them about it: {p}" if i in dm_ids else
            f"The case is saved, but I couldn't post it to the mod log: {p} I'll retry it."
            for i, p in problems.items() if p]
