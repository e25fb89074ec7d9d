"""The backups job: scheduled backups of every guild whose schedule is due, and restores left stalled.

A restore whose link died and that Lambda stopped retrying (or that the dashboard started) is carried on
here; it reports in `/backup show` when done.
"""
import logging

from .. import db
from ..discord.errors import DiscordError
from ..errors import UserError
from ..jobs import job
from ..jobs.guilds import serve_guilds
from ..premium import tiers
from . import links, restore, service

log = logging.getLogger(__name__)


@job("backups")
def run_backups(runtime) -> str:
    resumed = _resume_stalled(runtime)
    with runtime.connection() as conn:
        schedules = {str(r["guild_id"]): r["schedule"] for r in db.all_rows(conn, "backups.scheduled_guilds")}
        conn.rollback()
    made = []

    def serve_one(guild_id):
        if _backup_if_due(runtime, guild_id, schedules[guild_id]):
            made.append(guild_id)
        return 0

    served = serve_guilds(runtime, "backups", list(schedules), serve_one)
    return f"backups: {len(made)} scheduled backup(s) made, {resumed} stalled restore(s) carried on" + served.note()


def _backup_if_due(runtime, guild_id, schedule) -> bool:
    try:
        return _make_if_due(runtime, guild_id, schedule)
    except (DiscordError, UserError) as exc:  # this guild's turn is spent; the others still get theirs
        log.warning("backups job: guild %s: %s", guild_id, getattr(exc, "message", exc))
        return False


def _make_if_due(runtime, guild_id, schedule) -> bool:
    now = runtime.clock()
    with runtime.connection() as conn:
        tier = tiers.tier_of(conn, guild_id, now)
        interval = max(float(schedule.get("interval_hours") or 0), tier.backup_interval_hours)
        last = db.one(conn, "backups.latest_scheduled", {"guild_id": int(guild_id)})["at"]
        if not service.due(last, interval, now):
            conn.rollback()
            return False
        slot = int(now.timestamp() // (interval * 3600))
        service.create(conn, runtime.discord, guild_id=guild_id, note="scheduled", author_id=None, now=now,
                       origin="scheduled", request_key=f"scheduled:{guild_id}:{int(interval)}:{slot}")
        keep = min(int(schedule.get("keep") or tier.backups), tier.backups)
        db.run(conn, "backups.prune_scheduled", {"guild_id": int(guild_id), "keep": keep})
        conn.commit()
    return True


def _resume_stalled(runtime) -> int:
    resumed = 0
    with runtime.connection() as conn:
        for row in restore.stalled(conn, runtime.clock()):
            outcome = links.run_link(runtime, conn, row["guild_id"], row["id"], row["link"] + 1)
            resumed += outcome.state != "elsewhere"
            if outcome.state == "more":
                break  # the budget is spent: the next run carries on
    return resumed
