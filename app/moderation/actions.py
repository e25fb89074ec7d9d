"""One moderation action, recorded then acted (see journal.py), and warnings with their escalation.

take_action: journal the intent (commit) → DM first for a ban/kick (at most once) → Discord, with no
transaction open → the case and its mod-log post (outbox) in one short transaction → the post is sent.
When Discord refuses, DiscordError propagates and nothing is recorded; when its answer never came the
Outcome is `pending` and the audit-log sync finishes the record.
"""
import logging
from dataclasses import dataclass, field

from .. import db, guild_settings, outbox
from . import escalation, journal, modlog
from .cases import get_case, record_case
from .text import check_text

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    case: dict | None  # None while pending
    notes: list = field(default_factory=list)  # side problems in plain words (DM closed, mod log failed...)
    settings: dict = field(default_factory=dict)  # the guild's settings as they were for this action
    pending: bool = False  # Discord may have acted without answering; the audit-log sync decides
    action_id: int | None = None  # the journal row, while pending


@dataclass
class Warning:
    case: dict
    outbox_ids: list
    escalation: object  # escalation.Plan or None
    seen_before: bool = False


def record_warning(conn, *, guild_id, user_id, moderator_id, reason, now, settings, source="command", details=None,
                   bot_id=None, bot_bits=None, guild_name=None, interaction_id=None) -> Warning:
    """In the caller's transaction: the warning's case, its mod-log post and the escalation it decides.

    With an interaction id the warning is keyed by it: the same interaction again records nothing."""
    check_text(reason)
    db.one(conn, "journal.lock_member", {"guild_id": int(guild_id), "user_id": int(user_id)})
    row = None
    if interaction_id:
        key = journal.interaction_key(interaction_id, "warn")
        row = db.one(conn, "journal.note_warning", {
            "guild_id": int(guild_id), "user_id": int(user_id), "moderator_id": int(moderator_id) if moderator_id else None,
            "reason": reason, "source": source, "interaction_id": int(interaction_id), "idem_key": key, "now": now})
        if row is None:
            first = db.one(conn, "journal.action_by_key", {"idem_key": key})
            return Warning(get_case(conn, guild_id, first["case_number"]), [], None, seen_before=True)
    case = record_case(conn, guild_id, "warn", user_id, moderator_id, reason, now, source=source, details=details)
    if row is not None:
        db.run(conn, "journal.set_case", {"id": row["id"], "case_number": case["case_number"]})
    ids = [i for i in [modlog.enqueue_case(conn, case, now, settings)] if i]
    planned = None
    if settings["moderation"]["escalation"]:
        planned = escalation.plan(conn, guild_id=guild_id, user_id=user_id, bot_id=bot_id, bot_bits=bot_bits,
                                  now=now, settings=settings, warn_case=case, guild_name=guild_name)
    return Warning(case, ids, planned)


def warn(discord, conn, *, guild_id, user_id, moderator_id, reason, now, bot_bits=None, guild_name=None,
         interaction_id=None) -> Outcome:
    """A moderator's warning, and the escalation it reaches carried out after the commit."""
    settings = guild_settings.load(conn, guild_id)
    warning = record_warning(conn, guild_id=guild_id, user_id=user_id, moderator_id=moderator_id, reason=reason,
                             now=now, settings=settings, bot_id=discord.application_id, bot_bits=bot_bits,
                             guild_name=guild_name, interaction_id=interaction_id)
    told = _queue_warning_dm(conn, settings, warning, guild_name, now) if not warning.seen_before else None
    conn.commit()
    if warning.seen_before:
        return Outcome(warning.case, ["This was already done."], settings)
    notes = journal.deliver_after(discord, conn, now, warning.outbox_ids, [told] if told else [])
    result, note = escalation.carry_out(discord, conn, warning.escalation, now)
    if result is not None:
        notes += result.notes + journal.deliver_after(discord, conn, now, result.outbox_ids)
    return Outcome(warning.case, notes + [note] if note else notes, settings)


def _queue_warning_dm(conn, settings, warning, guild_name, now):
    """The member hears of a moderator's warning (a DM that only reports it: through the outbox)."""
    if not settings["modlog"]["dm_members"]:
        return None
    case = warning.case
    text = f"You were warned in **{guild_name or 'a server'}**."
    if case["reason"]:
        text += f"\nReason: {case['reason']}"
    return outbox.enqueue(conn, guild_id=case["guild_id"], user_id=case["user_id"], body={"content": text}, now=now,
                          key=f"warn-dm:{case['guild_id']}:{case['case_number']}")


def take_action(discord, conn, *, action: str, guild_id, user_id, moderator_id, reason, now, duration=None,
                delete_seconds=0, dm=False, guild_name=None, source="command", details=None,
                interaction_id=None, key=None) -> Outcome:
    """Journal, act, complete. `interaction_id` keys the journal row: a redelivery never acts twice."""
    check_text(reason)
    settings = guild_settings.load(conn, guild_id)
    until = now + duration if duration else None
    row, fresh = journal.open_action(
        conn, guild_id=guild_id, user_id=user_id, action=action, moderator_id=moderator_id, reason=reason, now=now,
        source=source, key=key, until=until, delete_seconds=delete_seconds, details=details,
        interaction_id=interaction_id, dm_text=journal.dm_text(settings, action, guild_name, reason) if dm else None,
        claimed=True)
    conn.commit()  # the intent is on record before Discord hears of it
    if not fresh:
        return _seen_before(conn, row, settings)
    result = journal.perform(discord, conn, row, now)
    if result.error is not None:
        raise result.error
    if result.pending:
        return Outcome(None, result.notes, settings, pending=True, action_id=row["id"])
    notes = result.notes + journal.deliver_after(discord, conn, now, result.outbox_ids)
    return Outcome(result.case, notes, settings)


def _seen_before(conn, row, settings) -> Outcome:
    """The same request again (a redelivered interaction, a rerun): report the first one's result."""
    if row["state"] == "done" and row["case_number"]:
        case = get_case(conn, row["guild_id"], row["case_number"])
        conn.rollback()
        return Outcome(case, ["This was already done."], settings)
    conn.rollback()
    return Outcome(None, ["This request is already being carried out."], settings, pending=True,
                   action_id=row["id"] if row["state"] == "pending" else None)


CONFIRM_WAIT_S = 12.0  # how long deferred work waits for Discord's audit log before leaving it to the job
CONFIRM_EVERY_S = 1.5


def await_confirmation(discord, conn, action_id, clock, *, wait=CONFIRM_WAIT_S, sleep=None) -> dict:
    """The journal row once Discord's audit log settled it (done or cancelled), or as it still stands
    after `wait` seconds. Reads the guild's audit log as the audit job does, so what it finds is recorded."""
    import time

    from . import audit_sync
    sleep = sleep or time.sleep
    give_up = time.monotonic() + wait
    while True:
        row = db.one(conn, "journal.action_by_id", {"id": int(action_id)})
        conn.rollback()
        if row is None or row["state"] != "pending" or time.monotonic() >= give_up:
            return row
        sleep(CONFIRM_EVERY_S)
        audit_sync.sync_guild(discord, conn, row["guild_id"], clock())
