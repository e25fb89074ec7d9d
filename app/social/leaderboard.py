"""Leaderboards (all-time and this ISO week) and a member's standing, straight off the indexes.

Ranks follow the leaderboard's order (more XP first, ties by the smaller user id), counted
with the (guild_id, xp DESC, user_id) indexes rather than by sorting the guild.
"""
import math

from app import db
from app.social.levels import level_for_xp
from app.social.xp import week_start

PERIODS = {"weekly": "This week", "all": "All time"}
PAGE_SIZE = 10


def page(conn, guild_id, period: str, page_number: int, now, page_size: int = PAGE_SIZE) -> dict:
    """One page (1-based, clamped to the last) of a leaderboard: rows with place, user_id, xp, level."""
    if period not in PERIODS:
        period = "weekly"
    params = {"guild_id": int(guild_id), "week_start": week_start(now)}
    query = "xp.leaderboard_weekly" if period == "weekly" else "xp.leaderboard_all"
    members = db.one(conn, f"{query}_count", params)["members"]
    pages = max(1, math.ceil(members / page_size))
    page_number = min(max(1, int(page_number)), pages)
    offset = (page_number - 1) * page_size
    rows = db.all_rows(conn, query, {**params, "limit": page_size, "offset": offset})
    entries = [{"place": offset + index + 1, "user_id": str(row["user_id"]), "xp": row["xp"],
                "level": level_for_xp(row["xp"])[0] if period == "weekly" else row["level"]}
               for index, row in enumerate(rows)]
    return {"period": period, "page": page_number, "pages": pages, "members": members, "entries": entries}


def standing(conn, guild_id, user_id, now) -> dict:
    """Everything the rank card shows about one member."""
    key = {"guild_id": int(guild_id), "user_id": int(user_id)}
    row = db.one(conn, "xp.member", key)
    total = row["xp"] if row else 0
    level, into, step = level_for_xp(total)
    rank = db.one(conn, "xp.rank", {**key, "xp": total})["rank"]
    week = {**key, "week_start": week_start(now)}
    weekly_row = db.one(conn, "xp.weekly_member", week)
    weekly = weekly_row["xp"] if weekly_row else 0
    weekly_rank = db.one(conn, "xp.weekly_rank", {**week, "xp": weekly})["rank"] if weekly > 0 else None
    return {"xp": total, "level": level, "xp_into_level": into, "xp_for_next_level": step, "rank": rank,
            "weekly_xp": weekly, "weekly_rank": weekly_rank, "messages": row["message_count"] if row else 0}
