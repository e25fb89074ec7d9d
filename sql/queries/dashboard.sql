-- name: create_session
INSERT INTO dashboard_sessions (id_hash, user_id, username, global_name, avatar, access_token, refresh_token,
                                token_expires_at, created_at, expires_at, last_seen_at, window_start)
VALUES (%(id_hash)s, %(user_id)s, %(username)s, %(global_name)s, %(avatar)s, %(access_token)s,
        %(refresh_token)s, %(token_expires_at)s, %(now)s, %(expires_at)s, %(now)s, %(now)s);

-- name: touch_session
-- One round trip per API request: the session, counted against its per-minute window.
UPDATE dashboard_sessions SET
    last_seen_at = %(now)s,
    window_count = CASE WHEN window_start > %(now)s - interval '60 seconds' THEN window_count + 1 ELSE 1 END,
    window_start = CASE WHEN window_start > %(now)s - interval '60 seconds' THEN window_start ELSE %(now)s END
WHERE id_hash = %(id_hash)s AND expires_at > %(now)s
RETURNING user_id, username, global_name, avatar, access_token, guilds, guilds_at, window_count, window_start,
          expires_at;

-- name: save_guilds
UPDATE dashboard_sessions SET guilds = %(guilds)s::jsonb, guilds_at = %(now)s WHERE id_hash = %(id_hash)s;

-- name: delete_session
DELETE FROM dashboard_sessions WHERE id_hash = %(id_hash)s RETURNING access_token;

-- name: prune_sessions
DELETE FROM dashboard_sessions WHERE expires_at <= %(now)s;

-- name: cached_member
SELECT present, roles, fetched_at FROM dashboard_members
WHERE guild_id = %(guild_id)s AND user_id = %(user_id)s AND fetched_at > %(fresh_after)s;

-- name: save_member
INSERT INTO dashboard_members (guild_id, user_id, present, roles, fetched_at)
VALUES (%(guild_id)s, %(user_id)s, %(present)s, %(roles)s::bigint[], %(now)s)
ON CONFLICT (guild_id, user_id) DO UPDATE
SET present = EXCLUDED.present, roles = EXCLUDED.roles, fetched_at = EXCLUDED.fetched_at;

-- name: grants
SELECT role_id, level, granted_by, granted_at FROM dashboard_access WHERE guild_id = %(guild_id)s ORDER BY role_id;

-- name: guilds_with_grants
SELECT DISTINCT guild_id FROM dashboard_access WHERE guild_id = ANY (%(guild_ids)s::bigint[]);

-- name: clear_grants
DELETE FROM dashboard_access WHERE guild_id = %(guild_id)s;

-- name: add_grant
INSERT INTO dashboard_access (guild_id, role_id, level, granted_by, granted_at)
VALUES (%(guild_id)s, %(role_id)s, %(level)s, %(granted_by)s, %(now)s);

-- name: changes
SELECT id, section, key, old_value, new_value, actor_id, source, changed_at FROM settings_changes
WHERE guild_id = %(guild_id)s AND (%(before)s::bigint IS NULL OR id < %(before)s::bigint)
  AND (%(section)s::text IS NULL OR section = %(section)s::text)
ORDER BY id DESC
LIMIT %(limit)s;

-- name: count_messages
INSERT INTO guild_message_days (guild_id, day, messages) VALUES (%(guild_id)s, %(day)s, %(messages)s)
ON CONFLICT (guild_id, day) DO UPDATE SET messages = guild_message_days.messages + EXCLUDED.messages;

-- name: messages_per_day
SELECT day, messages FROM guild_message_days
WHERE guild_id = %(guild_id)s AND day >= %(since)s ORDER BY day;

-- name: cases_per_day
SELECT day, action, cases AS n FROM guild_case_days
WHERE guild_id = %(guild_id)s AND day >= %(since)s AND cases > 0;

-- name: cases_recorded
SELECT last_number FROM mod_case_counters WHERE guild_id = %(guild_id)s;

-- name: most_active
SELECT user_id, message_count, xp, level FROM user_xp
WHERE guild_id = %(guild_id)s AND message_count > 0
ORDER BY message_count DESC, user_id
LIMIT %(limit)s;

-- name: search_cases
-- Keyset paging: newest first, the page after case number `before`; every filter optional.
SELECT case_number, action, user_id, moderator_id, reason, created_at, expires_at, active, source FROM mod_cases
WHERE guild_id = %(guild_id)s AND deleted_at IS NULL
  AND (%(before)s::integer IS NULL OR case_number < %(before)s::integer)
  AND (%(user_id)s::bigint IS NULL OR user_id = %(user_id)s::bigint)
  AND (%(moderator_id)s::bigint IS NULL OR moderator_id = %(moderator_id)s::bigint)
  AND (%(action)s::text IS NULL OR action = %(action)s::text)
ORDER BY case_number DESC
LIMIT %(limit)s;

-- name: search_cases_by_time
-- With a date range: walk (guild_id, created_at DESC, case_number DESC) from the range's end, so a month a
-- year back costs that month, not the year since; `before` continues after that case.
SELECT case_number, action, user_id, moderator_id, reason, created_at, expires_at, active, source FROM mod_cases
WHERE guild_id = %(guild_id)s AND deleted_at IS NULL
  AND (%(before)s::integer IS NULL OR (created_at, case_number) < (
        SELECT created_at, case_number FROM mod_cases
        WHERE guild_id = %(guild_id)s AND case_number = %(before)s::integer))
  AND (%(user_id)s::bigint IS NULL OR user_id = %(user_id)s::bigint)
  AND (%(moderator_id)s::bigint IS NULL OR moderator_id = %(moderator_id)s::bigint)
  AND (%(action)s::text IS NULL OR action = %(action)s::text)
  AND (%(since)s::timestamptz IS NULL OR created_at >= %(since)s::timestamptz)
  AND (%(until)s::timestamptz IS NULL OR created_at < %(until)s::timestamptz)
ORDER BY created_at DESC, case_number DESC
LIMIT %(limit)s;

-- name: remember_names
-- Rows of (user_id, name) as two arrays; a name already known and unchanged is not rewritten.
INSERT INTO dashboard_user_names (user_id, name, updated_at)
SELECT u, n, %(now)s FROM unnest(%(user_ids)s::bigint[], %(names)s::text[]) AS t (u, n)
ON CONFLICT (user_id) DO UPDATE SET name = EXCLUDED.name, updated_at = EXCLUDED.updated_at
WHERE dashboard_user_names.name IS DISTINCT FROM EXCLUDED.name;

-- name: names_of
SELECT user_id, name FROM dashboard_user_names WHERE user_id = ANY (%(user_ids)s::bigint[]);

-- name: ai_usage
SELECT day, answers, tokens FROM ai_usage_guild WHERE guild_id = %(guild_id)s AND day >= %(since)s ORDER BY day;
