"""The outbox: Discord messages that report state, written in the state's own transaction, sent after commit.

    enqueue(conn, guild_id=..., channel_id=... | user_id=..., body={...}, now=now)  -> row id
        in the caller's transaction (it commits with the state it reports, or not at all);
    deliver(discord, conn, now, ids=None, guild_id=None)  -> {id: None (sent) | "error text"}
        after commit, by requests (their own ids, while their deadline leaves time) and by the
        `outbox` job (everything due). Each row is claimed with a lease in a short transaction, sent
        with no transaction open, and marked sent in another: sent once; failures back off and give up
        after MAX_ATTEMPTS.

Message bodies carry a nonce Discord enforces, so a send whose answer was lost and is retried within
Discord's nonce window doesn't post twice.
"""
import json
import logging
from datetime import timedelta

from . import db, deadlines
from .discord.errors import DiscordError
from .discord.messages import NO_MENTIONS

log = logging.getLogger(__name__)

# Covers a whole claimed batch (a sender lives at most a Lambda's 60 s; jobs stop at their 40 s budget), and keeps
# a crashed sender's retry within the few minutes Discord remembers a message nonce, so it can't post twice.
LEASE = timedelta(seconds=90)
BATCH = 20  # rows claimed per short transaction
MAX_ATTEMPTS = 8
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
GIVE_UP_AT_ONCE = {50007, 10003, 10013}  # DMs closed, channel gone, user unknown: retrying can't help
KEEP_FINISHED = timedelta(days=7)  # sent or given-up rows are kept this long for inspection
SEND_NEEDS_S = 0.6  # a request leaves its rows to the job when less than this is left of its deadline


def enqueue(conn, *, body: dict, now, guild_id=None, channel_id=None, user_id=None, key=None) -> int | None:
    """Queue one message (to a channel, or a DM to a user); None when `key` was queued before."""
    if (channel_id is None) == (user_id is None):
        raise ValueError("an outbox message goes to a channel or to a user")
    body = {"allowed_mentions": NO_MENTIONS, **body}
    row = db.one(conn, "outbox.enqueue", {
        "guild_id": int(guild_id) if guild_id else None, "channel_id": int(channel_id) if channel_id else None,
        "user_id": int(user_id) if user_id else None, "body": json.dumps(body), "dedupe_key": key, "now": now})
    return row["id"] if row else None


def backoff(attempts: int) -> timedelta:
    return min(MAX_BACKOFF, FIRST_BACKOFF * (2 ** max(0, attempts - 1)))


def _send(discord, row) -> dict:
    body = dict(row["body"])
    body.setdefault("nonce", f"ob{row['id']}"[:25])
    body.setdefault("enforce_nonce", True)
    channel_id = row["channel_id"]
    if channel_id is None:
        channel_id = discord.post("/users/@me/channels", {"recipient_id": str(row["user_id"])})["id"]
    return discord.post(f"/channels/{channel_id}/messages", body) or {}


def _time_left() -> bool:
    left = deadlines.remaining()
    return left is None or left > SEND_NEEDS_S


def deliver(discord, conn, now, *, ids=None, guild_id=None, limit: int = 200) -> dict:
    """Send due rows (only `ids`, or one guild's, or all); commits on `conn`, so call it after your commit."""
    if ids is not None:
        ids = [int(i) for i in ids if i]
        if not ids:
            return {}
    results, after_id = {}, 0
    while len(results) < limit and _time_left():
        batch = min(BATCH, limit - len(results))
        rows = db.all_rows(conn, "outbox.claim", {
            "now": now, "lease_until": now + LEASE, "ids": ids, "guild_id": int(guild_id) if guild_id else None,
            "after_id": after_id, "batch": batch})
        conn.commit()
        rows.sort(key=lambda r: r["id"])
        for index, row in enumerate(rows):
            if not _time_left() or not _send_one(discord, conn, row, now, results):
                _release(conn, [r["id"] for r in rows[index:]])
                return results
        if len(rows) < batch:
            break
        after_id = rows[-1]["id"]
    return results


def _send_one(discord, conn, row, now, results) -> bool:
    """Send one claimed row and mark it; False when the deadline stopped it before the send."""
    try:
        sent = _send(discord, row)
    except deadlines.DeadlineExceeded:
        return False
    except DiscordError as error:
        give_up = row["attempts"] >= MAX_ATTEMPTS or error.code in GIVE_UP_AT_ONCE
        db.run(conn, "outbox.mark_failed", {"id": row["id"], "error": str(error)[:500], "now": now,
                                            "retry_at": now + backoff(row["attempts"]), "give_up": give_up})
        conn.commit()
        log.warning("outbox %s (guild %s) not sent, attempt %s%s: %s", row["id"], row["guild_id"],
                    row["attempts"], ", giving up" if give_up else "", error)
        results[row["id"]] = error.explain()
        return True
    db.run(conn, "outbox.mark_sent", {"id": row["id"], "now": now,
                                      "message_id": int(sent["id"]) if str(sent.get("id", "")).isdigit() else None})
    conn.commit()
    results[row["id"]] = None
    return True


def _release(conn, ids) -> None:
    if ids:
        db.run(conn, "outbox.release", {"ids": ids})
        conn.commit()


def prune(conn, now) -> int:
    """Forget rows sent or given up more than KEEP_FINISHED ago; the caller commits."""
    return db.run(conn, "outbox.prune", {"before": now - KEEP_FINISHED})
