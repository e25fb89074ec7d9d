"""The cc_sync job: custom commands whose registration is unfinished (an answer that never came, a crash,
an import's queue, a removal cut short) are finished from Discord's own list of each guild's commands, inside
the job budget (app/jobs/guilds.py). A second run finds nothing left to do and does nothing."""
import logging

from .. import db
from ..jobs import job
from . import pending

log = logging.getLogger(__name__)


def guilds_to_serve(runtime, now) -> list:
    with runtime.connection() as conn:
        rows = db.all_rows(conn, "custom.guilds_with_unfinished", {"stale_before": now - pending.GRACE})
        conn.rollback()
    return [str(row["guild_id"]) for row in rows]


@job("cc_sync")
def sync_custom_commands(runtime) -> str:
    from ..jobs.guilds import serve_guilds
    now = runtime.clock()
    totals = {"registered": 0, "adopted": 0, "removed": 0, "refused": 0, "left": 0}

    def serve_one(guild_id):
        with runtime.connection() as conn:
            outcome = pending.finish_guild(conn, runtime.discord, guild_id, now)
        for key in totals:
            totals[key] += len(getattr(outcome, key))
        if outcome.stopped:
            log.info("cc_sync: guild %s stopped: %s", guild_id, outcome.stopped[:120])

    served = serve_guilds(runtime, "cc_sync", lambda: guilds_to_serve(runtime, now), serve_one)
    return (f"custom commands: {totals['registered']} registered, {totals['adopted']} found on Discord, "
            f"{totals['removed']} removed, {totals['refused']} refused by Discord, {totals['left']} still waiting"
            + served.note())
