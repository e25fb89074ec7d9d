-- name: enqueue
INSERT INTO outbox (guild_id, channel_id, user_id, body, dedupe_key, created_at, available_at)
VALUES (%(guild_id)s, %(channel_id)s, %(user_id)s, %(body)s::jsonb, %(dedupe_key)s, %(now)s, %(now)s)
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING id;

-- name: claim
-- Up to `batch` due rows (of the given ids, or of a guild, or any), leased for the send: the row locks end
-- with this short transaction, the lease keeps other senders off them while this one is on the network.
UPDATE outbox SET lease_until = %(lease_until)s, attempts = attempts + 1
WHERE id IN (
    SELECT id FROM outbox
    WHERE sent_at IS NULL AND gave_up_at IS NULL AND available_at <= %(now)s
      AND (lease_until IS NULL OR lease_until < %(now)s)
      AND (%(ids)s::bigint[] IS NULL OR id = ANY (%(ids)s::bigint[]))
      AND (%(guild_id)s::bigint IS NULL OR guild_id = %(guild_id)s::bigint)
      AND id > %(after_id)s
    ORDER BY id
    LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED)
RETURNING *;

-- name: mark_sent
UPDATE outbox SET sent_at = %(now)s, lease_until = NULL, message_id = %(message_id)s, last_error = NULL
WHERE id = %(id)s AND sent_at IS NULL;

-- name: mark_failed
UPDATE outbox SET lease_until = NULL, last_error = %(error)s, available_at = %(retry_at)s,
                  gave_up_at = CASE WHEN %(give_up)s THEN %(now)s END
WHERE id = %(id)s AND sent_at IS NULL;

-- name: release
-- Not tried (no time left): the attempts don't count.
UPDATE outbox SET lease_until = NULL, attempts = greatest(attempts - 1, 0)
WHERE id = ANY (%(ids)s::bigint[]) AND sent_at IS NULL;

-- name: prune
DELETE FROM outbox WHERE (sent_at < %(before)s OR gave_up_at < %(before)s);
