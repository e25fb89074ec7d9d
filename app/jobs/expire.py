"""Lifts temporary bans whose time is up, recording an "unban (expired)" case for each."""
import logging

from .. import db, guild_settings
from ..discord.rest import DiscordError
from ..moderation import modlog
from ..moderation.cases import record_case
from . import job

log = logging.getLogger(__name__)
UNKNOWN_BAN = 10026


def lift_expired_bans(runtime, now) -> tuple:
    """(lifted, already gone, failed). Each ban is claimed with SKIP LOCKED: concurrent runs never share one."""
    lifted = gone = 0
    failed = []
    with runtime.connection() as conn:
        while True:
            ban = db.one(conn, "moderation.claim_expired_ban", {"now": now, "skip": failed})
            if ban is None:
                conn.rollback()
                return lifted, gone, len(failed)
            key = {"guild_id": ban["guild_id"], "case_number": ban["case_number"]}
            try:
                runtime.discord.delete(f"/guilds/{ban['guild_id']}/bans/{ban['user_id']}",
                                       reason=f"Temporary ban expired (case #{ban['case_number']})")
            except DiscordError as error:
                if error.code != UNKNOWN_BAN:
                    log.warning("could not lift ban case %s in guild %s: %s", ban["case_number"], ban["guild_id"], error)
                    conn.rollback()
                    failed.append(f"{ban['guild_id']}:{ban['case_number']}")
                    continue
                db.run(conn, "moderation.finish_ban", key)  # someone unbanned them already: nothing to record
                conn.commit()
                gone += 1
                continue
            db.run(conn, "moderation.finish_ban", key)
            case = record_case(conn, ban["guild_id"], "unban", ban["user_id"], runtime.discord.application_id,
                               f"Temporary ban expired (case #{ban['case_number']})", now, source="expiry",
                               details={"ban_case": ban["case_number"]}, active=False)
            conn.commit()
            lifted += 1
            modlog.post_case(runtime.discord, guild_settings.load_section(conn, ban["guild_id"], "modlog")["channel_id"],
                             case)
            conn.rollback()  # end the read-only transaction of the settings lookup


@job("expire")
def expire_temporary_bans(runtime) -> str:
    lifted, gone, failed = lift_expired_bans(runtime, runtime.clock())
    summary = f"{lifted} temporary ban(s) lifted"
    if gone:
        summary += f", {gone} already lifted by someone else"
    if failed:
        summary += f", {failed} could not be lifted (will retry next run)"
    return summary
