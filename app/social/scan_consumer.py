"""XP's side of the message-scan seam: app/scanning.py finds this module and feeds it messages.

Contract: NAME; wants_guild(conn, guild_id) -> bool; consume(runtime, conn, guild_id, channel_id,
messages, now) with messages oldest first, non-bot, each exactly once, inside the scan's
transaction. after_commit(runtime, guild_id) is optional for the scan job: it delivers level-up
roles and announcements now; otherwise `python -m app job levelups` does.
"""
from app.social import xp

NAME = "xp"


def wants_guild(conn, guild_id: str) -> bool:
    return xp.enabled(conn, guild_id)


def consume(runtime, conn, guild_id: str, channel_id: str, messages: list, now) -> None:
    xp.award_messages(conn, runtime.rng, guild_id, channel_id, messages, now)


def after_commit(runtime, guild_id: str | None = None) -> None:
    from app.social import level_rewards
    level_rewards.deliver(runtime, guild_id)
