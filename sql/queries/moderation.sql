-- name: record_case
-- One round trip: take the guild's next number (the counter row stays locked until commit),
-- insert the case and its log row.
WITH counter AS (
    INSERT INTO mod_case_counters (guild_id, last_number) VALUES (%(guild_id)s, 1)
    ON CONFLICT (guild_id) DO UPDATE SET last_number = mod_case_counters.last_number + 1
    RETURNING last_number
), inserted AS (
    INSERT INTO mod_cases (guild_id, case_number, action, user_id, moderator_id, reason, created_at,
                           expires_at, active, source, audit_entry_id, details)
    SELECT %(guild_id)s, last_number, %(action)s, %(user_id)s, %(moderator_id)s, %(reason)s, %(now)s,
           %(expires_at)s, %(active)s, %(source)s, %(audit_entry_id)s, %(details)s::jsonb
    FROM counter
    RETURNING *
), logged AS (
    INSERT INTO mod_logs (guild_id, case_number, event, actor_id, details, created_at)
    SELECT guild_id, case_number, 'case_created', moderator_id,
           jsonb_build_object('action', action, 'user_id', user_id::text, 'source', source), created_at
    FROM inserted
)
SELECT * FROM inserted;

-- name: get_case
SELECT * FROM mod_cases
WHERE guild_id = %(guild_id)s AND case_number = %(case_number)s AND deleted_at IS NULL;

-- name: lock_case
SELECT * FROM mod_cases
WHERE guild_id = %(guild_id)s AND case_number = %(case_number)s AND deleted_at IS NULL
FOR UPDATE;

-- name: case_notes
SELECT * FROM mod_case_notes
WHERE guild_id = %(guild_id)s AND case_number = %(case_number)s
ORDER BY id;

-- name: set_reason
UPDATE mod_cases SET reason = %(reason)s
WHERE guild_id = %(guild_id)s AND case_number = %(case_number)s;

-- name: add_note
INSERT INTO mod_case_notes (guild_id, case_number, author_id, old_reason, new_reason, created_at)
VALUES (%(guild_id)s, %(case_number)s, %(author_id)s, %(old_reason)s, %(new_reason)s, %(now)s);

-- name: soft_delete_case
UPDATE mod_cases SET deleted_at = %(now)s, deleted_by = %(actor_id)s, active = false
WHERE guild_id = %(guild_id)s AND case_number = %(case_number)s AND deleted_at IS NULL
RETURNING *;

-- name: log_event
INSERT INTO mod_logs (guild_id, case_number, event, actor_id, details, created_at)
VALUES (%(guild_id)s, %(case_number)s, %(event)s, %(actor_id)s, %(details)s::jsonb, %(now)s);

-- name: count_cases
SELECT count(*) AS total FROM mod_cases
WHERE guild_id = %(guild_id)s AND deleted_at IS NULL
  AND (%(user_id)s::bigint IS NULL OR user_id = %(user_id)s::bigint);

-- name: list_cases
SELECT * FROM mod_cases
WHERE guild_id = %(guild_id)s AND deleted_at IS NULL
  AND (%(user_id)s::bigint IS NULL OR user_id = %(user_id)s::bigint)
ORDER BY case_number DESC
LIMIT %(limit)s OFFSET %(offset)s;

-- name: warnings
-- A member's warnings, newest first, with whether each still counts (not expired).
SELECT *, (%(expires_before)s::timestamptz IS NULL OR created_at > %(expires_before)s::timestamptz) AS counts
FROM mod_cases
WHERE guild_id = %(guild_id)s AND user_id = %(user_id)s AND action = 'warn' AND deleted_at IS NULL
ORDER BY case_number DESC
LIMIT 25;

-- name: count_warnings_since
SELECT count(*) AS total FROM mod_cases
WHERE guild_id = %(guild_id)s AND user_id = %(user_id)s AND action = 'warn' AND deleted_at IS NULL
  AND created_at > %(since)s;

-- name: end_active_bans
-- A new ban or an unban replaces any temporary ban still waiting to be lifted.
UPDATE mod_cases SET active = false
WHERE guild_id = %(guild_id)s AND user_id = %(user_id)s AND action = 'ban' AND active;

-- name: claim_expired_ban
-- One expired temporary ban, locked; concurrent runs skip it instead of lifting it twice.
SELECT * FROM mod_cases
WHERE action = 'ban' AND active AND expires_at IS NOT NULL AND expires_at <= %(now)s
  AND deleted_at IS NULL AND NOT (guild_id::text || ':' || case_number::text = ANY (%(skip)s::text[]))
ORDER BY expires_at
LIMIT 1
FOR UPDATE SKIP LOCKED;

-- name: finish_ban
UPDATE mod_cases SET active = false
WHERE guild_id = %(guild_id)s AND case_number = %(case_number)s;

-- name: lock_audit_cursor
-- Creates the guild's cursor on first use, then locks it so two runs never read the same entries.
INSERT INTO audit_log_cursors (guild_id, last_entry_id, updated_at) VALUES (%(guild_id)s, 0, %(now)s)
ON CONFLICT (guild_id) DO UPDATE SET updated_at = audit_log_cursors.updated_at
RETURNING last_entry_id, (xmax = 0) AS created;

-- name: save_audit_cursor
UPDATE audit_log_cursors SET last_entry_id = %(last_entry_id)s, updated_at = %(now)s
WHERE guild_id = %(guild_id)s;

-- name: has_audit_case
SELECT 1 AS found FROM mod_cases WHERE guild_id = %(guild_id)s AND audit_entry_id = %(audit_entry_id)s;
