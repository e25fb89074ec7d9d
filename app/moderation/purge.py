"""Bulk deletion of recent messages, within Discord's limits (2-100 per call, younger than 14 days)."""
import json
from datetime import timedelta

from .. import db, guild_settings, outbox
from ..discord.snowflake import created_at

BULK_DELETE_AGE = timedelta(days=14) - timedelta(minutes=1)  # a margin so a message can't age out in transit


def purge_messages(discord, conn, *, guild_id, channel_id, count: int, author_id, moderator_id, now) -> str:
    """Delete up to `count` of the channel's latest messages (only `author_id`'s when given); what happened."""
    latest = discord.get(f"/channels/{channel_id}/messages", params={"limit": 100}) or []
    chosen = [m for m in latest if author_id is None or m["author"]["id"] == str(author_id)][:count]
    young = [m["id"] for m in chosen if now - created_at(m["id"]) < BULK_DELETE_AGE]
    too_old = len(chosen) - len(young)
    if not young:
        return ("Nothing to delete: " + ("Discord only bulk-deletes messages younger than 14 days."
                                         if too_old else "no matching messages among the last 100."))
    reason = f"/purge by {moderator_id}"
    if len(young) == 1:
        discord.delete(f"/channels/{channel_id}/messages/{young[0]}", reason=reason)
    else:
        discord.post(f"/channels/{channel_id}/messages/bulk-delete", {"messages": young}, reason=reason)
    db.run(conn, "moderation.log_event", {
        "guild_id": int(guild_id), "case_number": None, "event": "purge", "actor_id": int(moderator_id), "now": now,
        "details": json.dumps({"channel_id": str(channel_id), "deleted": len(young),
                               "author_id": str(author_id) if author_id else None})})
    queued = _queue_summary(conn, guild_id, channel_id, len(young), author_id, moderator_id, now)
    conn.commit()
    text = f"Deleted {len(young)} message{'s' if len(young) != 1 else ''}."
    if too_old:
        text += f" Skipped {too_old} older than 14 days (Discord won't bulk-delete those)."
    problem = next(iter(outbox.deliver(discord, conn, now, ids=[queued]).values()), None) if queued else None
    return text + (f" (I couldn't post this to the mod log yet: {problem} I'll retry it.)" if problem else "")


def _queue_summary(conn, guild_id, channel_id, deleted, author_id, moderator_id, now):
    """The mod-log line of a purge, queued with the purge's own log row."""
    from ..discord.messages import embed
    target = guild_settings.load_section(conn, guild_id, "modlog")["channel_id"]
    if not target:
        return None
    who = f" from <@{author_id}>" if author_id else ""
    return outbox.enqueue(conn, guild_id=guild_id, channel_id=target, now=now, body={"embeds": [
        embed("Messages purged", f"<@{moderator_id}> deleted {deleted} message(s){who} in <#{channel_id}>.",
              color=0x5865F2)]})
