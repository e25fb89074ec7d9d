-- name: serve_order
-- The given guilds, never served by this job first (in id order), then the longest ago served first.
SELECT g.guild_id
FROM unnest(%(guild_ids)s::bigint[]) AS g (guild_id)
LEFT JOIN job_guilds s ON s.job = %(job)s AND s.guild_id = g.guild_id
ORDER BY s.served_seq NULLS FIRST, g.guild_id;

-- name: mark_served
INSERT INTO job_guilds (job, guild_id, last_served_at)
VALUES (%(job)s, %(guild_id)s, %(now)s)
ON CONFLICT (job, guild_id) DO UPDATE
SET last_served_at = EXCLUDED.last_served_at, served_seq = nextval('job_guild_serves');
