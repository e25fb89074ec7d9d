-- name: serve_order
-- The given guilds, never served by this job first (in id order), then the longest ago served first.
SELECT g.guild_id, coalesce(s.found_new, 0) AS found_new
FROM unnest(%(guild_ids)s::bigint[]) AS g (guild_id)
LEFT JOIN job_guilds s ON s.job = %(job)s AND s.guild_id = g.guild_id
ORDER BY s.served_seq NULLS FIRST, g.guild_id;

-- name: mark_served
-- found_new: channels with new messages the serve found or left unread (0 for jobs that don't count them).
INSERT INTO job_guilds (job, guild_id, last_served_at, found_new)
VALUES (%(job)s, %(guild_id)s, %(now)s, %(found_new)s)
ON CONFLICT (job, guild_id) DO UPDATE
SET last_served_at = EXCLUDED.last_served_at, served_seq = nextval('job_guild_serves'),
    found_new = EXCLUDED.found_new;
