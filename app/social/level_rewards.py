"""Discord side effects of level-ups, done after the XP's transaction committed.

Each xp_level_ups row is handled in its own transaction, locked with SKIP LOCKED so two runs
share the queue. Role rewards (PUT, idempotent at Discord) are given before the row is marked;
the announcement is queued in the outbox in the same transaction and sent after that commit (once;
the outbox job retries it), so a rerun can repeat a role grant but never a message.
"""
import logging

from app import db, guild_settings, outbox
from app.discord.errors import DiscordError

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


def reward_roles(settings: dict, old_level: int, new_level: int) -> list:
    """Role ids earned by going from old_level to new_level (every level passed on the way)."""
    return [str(reward["role_id"]) for reward in sorted(settings.get("level_roles") or [], key=lambda r: r["level"])
            if old_level < reward["level"] <= new_level]


def _transient(error: DiscordError) -> bool:
    return error.status in (0, 429) or error.status >= 500


def _grant_roles(runtime, level_up, role_ids) -> str | None:
    """None when every role was given; otherwise the error text (raised again when worth a retry)."""
    for role_id in role_ids:
        try:
            runtime.discord.put(f"/guilds/{level_up['guild_id']}/members/{level_up['user_id']}/roles/{role_id}",
                                reason=f"Level reward: reached level {level_up['new_level']}")
        except DiscordError as error:
            if _transient(error) and level_up["attempts"] + 1 < MAX_ATTEMPTS:
                raise
            log.warning("level reward role %s for %s in %s failed: %s", role_id, level_up["user_id"],
                        level_up["guild_id"], error)
            return str(error)[:500]
    return None


def _queue_announcement(conn, level_up, settings, now) -> int | None:
    """The level-up message, queued in the transaction that marks the level-up delivered (sent once)."""
    channel_id = settings.get("announce_channel_id") or level_up["channel_id"]
    if not settings.get("announce_level_ups") or not channel_id:
        return None
    user = str(level_up["user_id"])
    return outbox.enqueue(conn, guild_id=level_up["guild_id"], channel_id=channel_id, now=now,
                          key=f"level-up:{level_up['id']}",
                          body={"content": f"🎉 <@{user}> reached **level {level_up['new_level']}**!",
                                "allowed_mentions": {"parse": [], "users": [user]}})


def deliver(runtime, guild_id=None, limit: int = 500) -> int:
    """Deliver up to `limit` pending level-ups (of one guild, or all); returns how many were finished."""
    finished, after_id = 0, 0
    for _ in range(limit):
        with runtime.transaction() as conn:
            level_up = db.one(conn, "xp.pending_level_up", {"after_id": after_id,
                                                            "guild_id": int(guild_id) if guild_id else None})
            if level_up is None:
                break
            after_id = level_up["id"]
            settings = guild_settings.load_section(conn, level_up["guild_id"], "xp")
            try:
                error = _grant_roles(runtime, level_up, reward_roles(settings, level_up["old_level"],
                                                                     level_up["new_level"]))
            except DiscordError as transient:
                db.run(conn, "xp.retry_level_up", {"id": level_up["id"], "error": str(transient)[:500]})
                continue
            now = runtime.clock()
            db.run(conn, "xp.finish_level_up", {"id": level_up["id"], "error": error, "now": now})
            queued = _queue_announcement(conn, level_up, settings, now)
        finished += 1
        if queued:
            with runtime.connection() as conn:
                outbox.deliver(runtime.discord, conn, now, ids=[queued])
    return finished
