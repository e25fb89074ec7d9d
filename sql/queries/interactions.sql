-- name: claim
-- Returns a row only the first time an interaction id is seen.
INSERT INTO processed_interactions (interaction_id, guild_id, received_at)
VALUES (%(interaction_id)s, %(guild_id)s, %(now)s)
ON CONFLICT (interaction_id) DO NOTHING
RETURNING interaction_id;

-- name: forget_before
DELETE FROM processed_interactions WHERE received_at < %(before)s;
