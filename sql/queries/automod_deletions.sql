-- name: record
INSERT INTO automod_deletions (guild_id, message_id, channel_id, author_id, rule, created_at)
VALUES (%(guild_id)s, %(message_id)s, %(channel_id)s, %(author_id)s, %(rule)s, %(now)s)
ON CONFLICT DO NOTHING;

-- name: mark
-- What the deletion did: deleted (or already gone), or refused.
UPDATE automod_deletions
SET deleted_at = CASE WHEN message_id = ANY (%(deleted)s::bigint[]) THEN %(now)s END,
    failed_at = CASE WHEN message_id = ANY (%(deleted)s::bigint[]) THEN NULL ELSE %(now)s END
WHERE guild_id = %(guild_id)s AND message_id = ANY (%(ids)s::bigint[]) AND deleted_at IS NULL;

-- name: unfinished
-- Decided but never marked: the run stopped between its commit and Discord's answer.
SELECT channel_id, message_id FROM automod_deletions
WHERE guild_id = %(guild_id)s AND deleted_at IS NULL AND failed_at IS NULL AND reported_at IS NULL
ORDER BY channel_id, message_id;

-- name: to_report
SELECT * FROM automod_deletions
WHERE guild_id = %(guild_id)s AND reported_at IS NULL AND (deleted_at IS NOT NULL OR failed_at IS NOT NULL)
ORDER BY message_id
FOR UPDATE SKIP LOCKED;

-- name: mark_reported
UPDATE automod_deletions SET reported_at = %(now)s
WHERE guild_id = %(guild_id)s AND message_id = ANY (%(ids)s::bigint[]);

-- name: prune
DELETE FROM automod_deletions WHERE guild_id = %(guild_id)s AND reported_at < %(before)s;
