-- name: ensure_members
-- Empty rows first, so the FOR UPDATE below can lock every author (ids sorted: no deadlocks).
INSERT INTO user_xp (guild_id, user_id)
SELECT %(guild_id)s, user_id FROM unnest(%(user_ids)s::bigint[]) AS ids(user_id) ORDER BY user_id
ON CONFLICT (guild_id, user_id) DO NOTHING;

-- name: lock_members
SELECT user_id, xp, level, last_award_at FROM user_xp
WHERE guild_id = %(guild_id)s AND user_id = ANY(%(user_ids)s::bigint[])
ORDER BY user_id
FOR UPDATE;

-- name: save_member
UPDATE user_xp
SET xp = %(xp)s, level = %(level)s, message_count = message_count + %(messages)s,
    last_award_at = %(last_award_at)s
WHERE guild_id = %(guild_id)s AND user_id = %(user_id)s;

-- name: add_weekly
INSERT INTO user_xp_weekly (guild_id, week_start, user_id, xp)
VALUES (%(guild_id)s, %(week_start)s, %(user_id)s, %(xp)s)
ON CONFLICT (guild_id, week_start, user_id) DO UPDATE
SET xp = user_xp_weekly.xp + EXCLUDED.xp;

-- name: record_level_up
INSERT INTO xp_level_ups (guild_id, user_id, old_level, new_level, channel_id, created_at)
VALUES (%(guild_id)s, %(user_id)s, %(old_level)s, %(new_level)s, %(channel_id)s, %(now)s);

-- name: member
SELECT xp, level, message_count FROM user_xp WHERE guild_id = %(guild_id)s AND user_id = %(user_id)s;

-- name: rank
-- Members ahead in the leaderboard's order (more XP, or as much and a smaller id): two index ranges.
SELECT 1
    + (SELECT count(*) FROM user_xp WHERE guild_id = %(guild_id)s AND xp > %(xp)s)
    + (SELECT count(*) FROM user_xp
       WHERE guild_id = %(guild_id)s AND xp = %(xp)s AND user_id < %(user_id)s) AS rank;

-- name: weekly_member
SELECT xp FROM user_xp_weekly
WHERE guild_id = %(guild_id)s AND week_start = %(week_start)s AND user_id = %(user_id)s;

-- name: weekly_rank
SELECT 1
    + (SELECT count(*) FROM user_xp_weekly
       WHERE guild_id = %(guild_id)s AND week_start = %(week_start)s AND xp > %(xp)s)
    + (SELECT count(*) FROM user_xp_weekly
       WHERE guild_id = %(guild_id)s AND week_start = %(week_start)s AND xp = %(xp)s
         AND user_id < %(user_id)s) AS rank;

-- name: leaderboard_all
SELECT user_id, xp, level FROM user_xp
WHERE guild_id = %(guild_id)s AND xp > 0
ORDER BY xp DESC, user_id
LIMIT %(limit)s OFFSET %(offset)s;

-- name: leaderboard_all_count
SELECT count(*) AS members FROM user_xp WHERE guild_id = %(guild_id)s AND xp > 0;

-- name: leaderboard_weekly
SELECT user_id, xp FROM user_xp_weekly
WHERE guild_id = %(guild_id)s AND week_start = %(week_start)s AND xp > 0
ORDER BY xp DESC, user_id
LIMIT %(limit)s OFFSET %(offset)s;

-- name: leaderboard_weekly_count
SELECT count(*) AS members FROM user_xp_weekly
WHERE guild_id = %(guild_id)s AND week_start = %(week_start)s AND xp > 0;

-- name: pending_level_up
-- One undelivered level-up, locked; SKIP LOCKED lets two job runs share the queue without doubling.
SELECT id, guild_id, user_id, old_level, new_level, channel_id, attempts FROM xp_level_ups
WHERE delivered_at IS NULL AND id > %(after_id)s
  AND (%(guild_id)s::bigint IS NULL OR guild_id = %(guild_id)s::bigint)
ORDER BY id
LIMIT 1
FOR UPDATE SKIP LOCKED;

-- name: finish_level_up
UPDATE xp_level_ups SET delivered_at = %(now)s, attempts = attempts + 1, last_error = %(error)s
WHERE id = %(id)s;

-- name: retry_level_up
UPDATE xp_level_ups SET attempts = attempts + 1, last_error = %(error)s WHERE id = %(id)s;

-- name: unclosed_weeks
SELECT DISTINCT w.guild_id, w.week_start FROM user_xp_weekly w
WHERE w.week_start < %(current_week)s
  AND NOT EXISTS (SELECT 1 FROM xp_weeks_closed c
                  WHERE c.guild_id = w.guild_id AND c.week_start = w.week_start)
ORDER BY w.week_start, w.guild_id;

-- name: close_week
-- The primary key makes this the once-only step: a second run gets no row and does nothing more.
INSERT INTO xp_weeks_closed (guild_id, week_start, closed_at, members)
SELECT %(guild_id)s, %(week_start)s, %(now)s, count(*) FROM user_xp_weekly
WHERE guild_id = %(guild_id)s AND week_start = %(week_start)s AND xp > 0
ON CONFLICT (guild_id, week_start) DO NOTHING
RETURNING members;

-- name: record_winners
INSERT INTO xp_weekly_winners (guild_id, week_start, place, user_id, xp)
SELECT %(guild_id)s, %(week_start)s, row_number() OVER (ORDER BY xp DESC, user_id), user_id, xp
FROM (SELECT user_id, xp FROM user_xp_weekly
      WHERE guild_id = %(guild_id)s AND week_start = %(week_start)s AND xp > 0
      ORDER BY xp DESC, user_id LIMIT %(places)s) AS top
RETURNING place, user_id, xp;
