"""The weekly XP rollover: close every finished ISO week once, record its winners, announce the last one.

A week is closed by inserting its xp_weeks_closed row; the primary key makes a second run (or
two runs at once) find it closed and do nothing. The announcement is sent after that commit,
so it goes out at most once; weeks closed late (the job didn't run for a while) are not announced.
"""
import logging
from datetime import timedelta

from .. import db, guild_settings
from ..discord.errors import DiscordError
from . import job

log = logging.getLogger(__name__)
WINNER_PLACES = 3
MEDALS = ("🥇", "🥈", "🥉")


def _announce(runtime, channel_id, week_start, winners) -> bool:
    lines = [f"{MEDALS[w['place'] - 1] if w['place'] <= len(MEDALS) else w['place']} <@{w['user_id']}> — "
             f"{w['xp']:,} XP" for w in winners]
    text = f"🏆 **Weekly XP leaderboard**, week of {week_start:%d %B %Y}:\n" + "\n".join(lines)
    try:
        runtime.discord.send_message(channel_id, text, allowed_mentions={"parse": [], "users": [
            str(w["user_id"]) for w in winners]})
        return True
    except DiscordError as error:
        log.warning("weekly winners announcement in %s failed: %s", channel_id, error)
        return False


def close_week(runtime, guild_id, week, now):
    """(closed?, winners, xp settings) for one guild's week, in its own transaction."""
    params = {"guild_id": guild_id, "week_start": week, "now": now, "places": WINNER_PLACES}
    with runtime.transaction() as conn:
        if db.one(conn, "xp.close_week", params) is None:
            return False, [], {}
        winners = sorted(db.all_rows(conn, "xp.record_winners", params), key=lambda w: w["place"])
        settings = guild_settings.load_section(conn, guild_id, "xp")
    return True, winners, settings


@job("weekly")
def close_finished_weeks(runtime) -> str:
    from ..social.xp import week_start

    now = runtime.clock()
    current = week_start(now)
    with runtime.connection() as conn:
        weeks = db.all_rows(conn, "xp.unclosed_weeks", {"current_week": current})
        conn.rollback()
    closed = announced = 0
    for row in weeks:
        done, winners, settings = close_week(runtime, row["guild_id"], row["week_start"], now)
        if not done:
            continue
        closed += 1
        just_finished = row["week_start"] == current - timedelta(days=7)
        if just_finished and winners and settings.get("weekly_channel_id"):
            announced += _announce(runtime, settings["weekly_channel_id"], row["week_start"], winners)
    return f"closed {closed} week(s), announced {announced}"
