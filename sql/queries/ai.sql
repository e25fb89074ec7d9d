-- name: claim_guild_answer
-- One more answer for the guild today, unless it already has `max_answers`: no row back means over quota.
INSERT INTO ai_usage_guild AS u (guild_id, day, answers) VALUES (%(guild_id)s, %(day)s, 1)
ON CONFLICT (guild_id, day) DO UPDATE SET answers = u.answers + 1
WHERE u.answers < %(max_answers)s
RETURNING answers;

-- name: claim_member_answer
INSERT INTO ai_usage_member AS u (guild_id, user_id, day, answers) VALUES (%(guild_id)s, %(user_id)s, %(day)s, 1)
ON CONFLICT (guild_id, user_id, day) DO UPDATE SET answers = u.answers + 1
WHERE u.answers < %(max_answers)s
RETURNING answers;

-- name: refund_guild_answer
UPDATE ai_usage_guild SET answers = GREATEST(answers - 1, 0) WHERE guild_id = %(guild_id)s AND day = %(day)s;

-- name: refund_member_answer
UPDATE ai_usage_member SET answers = GREATEST(answers - 1, 0)
WHERE guild_id = %(guild_id)s AND user_id = %(user_id)s AND day = %(day)s;

-- name: add_tokens
UPDATE ai_usage_guild SET tokens = tokens + %(tokens)s WHERE guild_id = %(guild_id)s AND day = %(day)s;

-- name: usage_today
SELECT g.answers AS guild_answers, g.tokens AS guild_tokens, COALESCE(m.answers, 0) AS member_answers
FROM ai_usage_guild g
LEFT JOIN ai_usage_member m ON m.guild_id = g.guild_id AND m.day = g.day AND m.user_id = %(user_id)s
WHERE g.guild_id = %(guild_id)s AND g.day = %(day)s;
