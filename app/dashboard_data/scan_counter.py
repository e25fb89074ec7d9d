"""The dashboard's side of the scan seam: members' messages per UTC day, counted as the scan reads them.

It never makes the scan read a guild it would skip: it wants a guild only when automod or XP already does.
"""
from collections import Counter

from app import db
from app.dashboard_data import names
from app.discord.snowflake import created_at

NAME = "message_counts"


def wants_guild(conn, guild_id: str) -> bool:
    from app.automod.store import has_enabled_rules
    from app.social import xp
    return xp.enabled(conn, guild_id) or has_enabled_rules(conn, guild_id)


def consume(runtime, conn, guild_id: str, channel_id: str, messages: list, now) -> None:
    names.remember(conn, [m.get("author") or {} for m in messages], now)
    days = Counter(created_at(m["id"]).date() for m in messages)
    for day, count in sorted(days.items()):
        db.run(conn, "dashboard.count_messages", {"guild_id": int(guild_id), "day": day, "messages": count})
