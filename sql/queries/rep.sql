-- name: claim_cooldown
-- Takes the cooldown if it has run out (or never existed); no row back means "still cooling down".
-- The conflicting row is locked and re-checked, so of two requests at once only one gets a row.
INSERT INTO rep_cooldowns (guild_id, giver_id, target_id, available_at)
VALUES (%(guild_id)s, %(giver_id)s, %(target_id)s, %(available_at)s)
ON CONFLICT (guild_id, giver_id, target_id) DO UPDATE
SET available_at = EXCLUDED.available_at
WHERE rep_cooldowns.available_at <= %(now)s
RETURNING available_at;

-- name: cooldown_until
SELECT available_at FROM rep_cooldowns
WHERE guild_id = %(guild_id)s AND giver_id = %(giver_id)s AND target_id = %(target_id)s;

-- name: add_rep
INSERT INTO user_rep (guild_id, user_id, rep, updated_at)
VALUES (%(guild_id)s, %(user_id)s, 1, %(now)s)
ON CONFLICT (guild_id, user_id) DO UPDATE
SET rep = user_rep.rep + 1, updated_at = %(now)s
RETURNING rep;

-- name: log_rep
INSERT INTO rep_log (guild_id, giver_id, target_id, giver_name, reason, given_at, interaction_id)
VALUES (%(guild_id)s, %(giver_id)s, %(target_id)s, %(giver_name)s, %(reason)s, %(now)s, %(interaction_id)s);

-- name: rep_of
SELECT rep FROM user_rep WHERE guild_id = %(guild_id)s AND user_id = %(user_id)s;

-- name: rank_of
-- Members ahead in /rep top's order (more rep, or as much and a smaller id); the user_rep_top index answers it.
SELECT 1
    + (SELECT count(*) FROM user_rep WHERE guild_id = %(guild_id)s AND rep > %(rep)s)
    + (SELECT count(*) FROM user_rep
       WHERE guild_id = %(guild_id)s AND rep = %(rep)s AND user_id < %(user_id)s) AS rank;

-- name: given_count
SELECT count(*) AS given FROM rep_log WHERE guild_id = %(guild_id)s AND giver_id = %(user_id)s;

-- name: recent_received
SELECT giver_id, giver_name, reason, given_at FROM rep_log
WHERE guild_id = %(guild_id)s AND target_id = %(user_id)s
ORDER BY given_at DESC, id DESC
LIMIT %(limit)s;

-- name: top
SELECT user_id, rep FROM user_rep
WHERE guild_id = %(guild_id)s AND rep > 0
ORDER BY rep DESC, user_id
LIMIT %(limit)s;
