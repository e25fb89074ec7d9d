"""The overview's figures for one guild: members, cases by type per day, messages per day, most active."""
from datetime import timedelta

from app import db
from app.dashboard_data import discord_view, names

TOP = 10


def overview(conn, discord, guild_id, now, days: int) -> dict:
    """Series aligned on `days` (oldest first, UTC dates, today last)."""
    members = discord_view.member_count(discord, guild_id, now)  # before the reads: no transaction waits on it
    today = now.date()
    dates = [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]
    index = {day: i for i, day in enumerate(dates)}
    key = {"guild_id": int(guild_id), "since": dates[0]}
    cases_by_type: dict = {}
    for row in db.all_rows(conn, "dashboard.cases_per_day", key):
        if row["day"] in index:
            cases_by_type.setdefault(row["action"], [0] * days)[index[row["day"]]] = row["n"]
    messages = [0] * days
    for row in db.all_rows(conn, "dashboard.messages_per_day", key):
        if row["day"] in index:
            messages[index[row["day"]]] = row["messages"]
    recorded = db.one(conn, "dashboard.cases_recorded", {"guild_id": int(guild_id)})
    top = db.all_rows(conn, "dashboard.most_active", {"guild_id": int(guild_id), "limit": TOP})
    return {
        "guild_id": str(guild_id), "days": [d.isoformat() for d in dates],
        "members": members,
        "cases": {"recorded": recorded["last_number"] if recorded else 0,
                  "by_type": dict(sorted(cases_by_type.items()))},
        "messages": {"per_day": messages, "total": sum(messages)},
        "most_active": names.add_names(conn, [{"user_id": str(r["user_id"]), "messages": r["message_count"],
                                               "xp": r["xp"], "level": r["level"]} for r in top], {"user_id": "name"}),
    }
