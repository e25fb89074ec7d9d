"""Lifts temporary bans whose time is up, recording an "unban (expired)" case for each.

Each ban is claimed and journaled in one short transaction (SKIP LOCKED: concurrent runs never share
one), lifted on Discord with no transaction open, then completed (the unban's case) or cancelled.
"""
import logging

from .. import db
from ..moderation import journal
from . import job

log = logging.getLogger(__name__)
UNKNOWN_BAN = 10026


def _claim(conn, now, failed, bot_id):
    """The next expired ban, marked lifted and journaled (committed), or None."""
    ban = db.one(conn, "moderation.claim_expired_ban", {"now": now, "skip": failed})
    if ban is None:
        conn.rollback()
        return None, None
    db.run(conn, "moderation.finish_ban", {"guild_id": ban["guild_id"], "case_number": ban["case_number"]})
    row, fresh = journal.open_action(
        conn, guild_id=ban["guild_id"], user_id=ban["user_id"], action="unban", moderator_id=bot_id, now=now,
        reason=f"Temporary ban expired (case #{ban['case_number']})", source="expiry",
        key=f"expiry:{ban['guild_id']}:{ban['case_number']}", details={"ban_case": ban["case_number"]},
        claimed=True)
    conn.commit()
    return ban, row if fresh else None


def lift_expired_bans(runtime, now) -> tuple:
    """(lifted, already gone, failed)."""
    lifted = gone = 0
    failed = []
    with runtime.connection() as conn:
        while True:
            ban, row = _claim(conn, now, failed, runtime.discord.application_id)
            if ban is None:
                return lifted, gone, len(failed)
            if row is None:
                continue  # journaled by a run whose outcome is still open: the audit-log sync decides
            result = journal.perform(runtime.discord, conn, row, now)
            if result.error is not None and result.error.code == UNKNOWN_BAN:
                gone += 1  # someone unbanned them already: nothing to record, the ban stays finished
            elif result.error is not None:
                log.warning("could not lift ban case %s in guild %s: %s", ban["case_number"], ban["guild_id"],
                            result.error)
                failed.append(f"{ban['guild_id']}:{ban['case_number']}")
            elif result.case is not None:
                lifted += 1
                journal.deliver_after(runtime.discord, conn, now, result.outbox_ids)


@job("expire")
def expire_temporary_bans(runtime) -> str:
    lifted, gone, failed = lift_expired_bans(runtime, runtime.clock())
    summary = f"{lifted} temporary ban(s) lifted"
    if gone:
        summary += f", {gone} already lifted by someone else"
    if failed:
        summary += f", {failed} could not be lifted (will retry next run)"
    return summary
