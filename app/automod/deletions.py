"""Messages automod removes: decided in the scan's transaction, deleted after its commit, reported once.

record()  in the scan's transaction, one row per message to delete (automod_deletions);
carry_out()  after commit: delete on Discord, then mark each row deleted or refused;
resume()  a stopped run's unmarked rows are deleted again (idempotent at Discord);
report()  every marked, unreported row of the guild in one compact mod-log message (outbox), once.
"""
import logging
from datetime import timedelta

from app import db, guild_settings, outbox
from app.discord.errors import DiscordError
from app.discord.snowflake import created_at

log = logging.getLogger(__name__)

BULK_DELETE_MAX = 100
BULK_DELETE_AGE = timedelta(days=14) - timedelta(minutes=5)  # margin: the request takes time to arrive
AUDIT_REASON = "StatusSync automod"
SUMMARY_LINES = 25
KEEP_REPORTED = timedelta(days=7)


def record(conn, guild_id, channel_id, why: dict, now) -> None:
    """why: {message_id: (author_id, rule)} — the messages this batch's verdict removes."""
    for message_id, (author_id, rule) in why.items():
        db.run(conn, "automod_deletions.record", {"guild_id": int(guild_id), "message_id": int(message_id),
                                                  "channel_id": int(channel_id), "author_id": int(author_id),
                                                  "rule": rule, "now": now})


def carry_out(discord, conn, guild_id, channel_id, message_ids, now) -> set:
    """Delete on Discord (no transaction open), then mark the rows; returns the ids that are gone."""
    if not message_ids:
        return set()
    deleted = delete_messages(discord, channel_id, message_ids, now)
    db.run(conn, "automod_deletions.mark", {"guild_id": int(guild_id), "ids": [int(i) for i in message_ids],
                                            "deleted": [int(i) for i in deleted], "now": now})
    conn.commit()
    return deleted


def resume(discord, conn, guild_id, now) -> int:
    """Delete what a stopped run decided but never marked; returns how many are gone now."""
    rows = db.all_rows(conn, "automod_deletions.unfinished", {"guild_id": int(guild_id)})
    conn.commit()
    by_channel = {}
    for row in rows:
        by_channel.setdefault(str(row["channel_id"]), []).append(str(row["message_id"]))
    return sum(len(carry_out(discord, conn, guild_id, channel, ids, now)) for channel, ids in by_channel.items())


def delete_messages(discord, channel_id, message_ids, now):
    """Bulk delete what is young enough (≤100 per call), single DELETE otherwise; vanished ones are skipped."""
    young = [i for i in message_ids if now - created_at(i) < BULK_DELETE_AGE]
    old = [i for i in message_ids if now - created_at(i) >= BULK_DELETE_AGE]
    deleted, singles = set(), list(old)
    for start in range(0, len(young), BULK_DELETE_MAX):
        chunk = young[start:start + BULK_DELETE_MAX]
        if len(chunk) == 1:
            singles += chunk
            continue
        try:
            discord.post(f"/channels/{channel_id}/messages/bulk-delete", {"messages": chunk}, reason=AUDIT_REASON)
            deleted.update(chunk)
        except DiscordError as error:
            if error.status == 403:
                log.warning("channel %s: can't delete messages (missing Manage Messages): %s", channel_id, error)
                return deleted
            singles += chunk  # e.g. one of them vanished or aged out meanwhile: one by one instead
    for message_id in singles:
        try:
            discord.delete(f"/channels/{channel_id}/messages/{message_id}", reason=AUDIT_REASON)
            deleted.add(message_id)
        except DiscordError as error:
            if error.status == 404:
                log.info("channel %s: message %s vanished before deletion; skipped", channel_id, message_id)
                deleted.add(message_id)  # gone either way
            else:
                log.warning("channel %s: deleting message %s failed: %s", channel_id, message_id, error)
    return deleted


def _summary(rows) -> dict:
    from app.discord.messages import clip, embed
    done = [r for r in rows if r["deleted_at"]]
    lines = [f"<#{r['channel_id']}> · <@{r['author_id']}> · {r['rule']}" for r in done[:SUMMARY_LINES]]
    if len(done) > SUMMARY_LINES:
        lines.append(f"…and {len(done) - SUMMARY_LINES} more.")
    refused = len(rows) - len(done)
    if refused:
        lines.append(f"{refused} more I couldn't delete (check my Manage Messages permission).")
    count = len(done)
    title = f"AutoMod deleted {count} message{'s' if count != 1 else ''}" if count else \
        f"AutoMod couldn't delete {refused} message{'s' if refused != 1 else ''}"
    return embed(title, clip("\n".join(lines), 4000), color=0x99AAB5, footer="Channel · member · rule")


def report(discord, conn, guild_id, now) -> int | None:
    """One mod-log message for every deletion not reported yet (queued and marked together, then sent)."""
    db.run(conn, "automod_deletions.prune", {"guild_id": int(guild_id), "before": now - KEEP_REPORTED})
    rows = db.all_rows(conn, "automod_deletions.to_report", {"guild_id": int(guild_id)})
    if not rows:
        conn.commit()
        return None
    channel_id = guild_settings.load_section(conn, guild_id, "modlog")["channel_id"]
    row_id = outbox.enqueue(conn, guild_id=guild_id, channel_id=channel_id, now=now,
                            body={"embeds": [_summary(rows)]}) if channel_id else None
    db.run(conn, "automod_deletions.mark_reported", {"guild_id": int(guild_id), "now": now,
                                                     "ids": [r["message_id"] for r in rows]})
    conn.commit()
    if row_id:
        outbox.deliver(discord, conn, now, ids=[row_id])
    return row_id
