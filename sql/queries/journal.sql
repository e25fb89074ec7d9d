-- name: open_action
-- The intent, committed before Discord is called; nothing when the key was journaled before.
INSERT INTO mod_actions (guild_id, user_id, action, moderator_id, reason, until, delete_seconds, source,
                         details, interaction_id, idem_key, dm_text, dm_state, attempted_at, created_at)
VALUES (%(guild_id)s, %(user_id)s, %(action)s, %(moderator_id)s, %(reason)s, %(until)s, %(delete_seconds)s,
        %(source)s, %(details)s::jsonb, %(interaction_id)s, %(idem_key)s, %(dm_text)s, %(dm_state)s,
        %(attempted_at)s, %(now)s)
ON CONFLICT (idem_key) DO NOTHING
RETURNING *;

-- name: reopen_action
-- A cancelled attempt did nothing on Discord, so the same request may try again; a DM it already
-- attempted stays attempted (never sent twice). dm_now: this attempt is the one that sends the DM.
UPDATE mod_actions a
SET state = 'pending', error = NULL, finished_at = NULL, attempted_at = %(attempted_at)s, created_at = %(now)s,
    reason = %(reason)s, until = %(until)s,
    dm_state = CASE WHEN old.dm_state = 'wanted' AND %(attempted_at)s::timestamptz IS NOT NULL THEN 'attempted'
                    ELSE old.dm_state END
FROM (SELECT id, dm_state FROM mod_actions WHERE idem_key = %(idem_key)s FOR UPDATE) old
WHERE a.id = old.id AND a.state = 'cancelled'
RETURNING a.*, (old.dm_state = 'wanted' AND %(attempted_at)s::timestamptz IS NOT NULL) AS dm_now;

-- name: action_by_key
SELECT * FROM mod_actions WHERE idem_key = %(idem_key)s;

-- name: claim_action
-- Marks the attempt before the call; a row already attempted (or finished) is never acted on again.
-- dm_now: the DM that must come first is this attempt's to send (it was never attempted before).
UPDATE mod_actions a
SET attempted_at = %(now)s, dm_state = CASE WHEN old.dm_state = 'wanted' THEN 'attempted' ELSE old.dm_state END
FROM (SELECT id, dm_state FROM mod_actions WHERE id = %(id)s FOR UPDATE) old
WHERE a.id = old.id AND a.state = 'pending' AND a.attempted_at IS NULL
RETURNING a.*, old.dm_state = 'wanted' AS dm_now;

-- name: lock_action
SELECT * FROM mod_actions WHERE id = %(id)s FOR UPDATE;

-- name: finish_action
UPDATE mod_actions
SET state = 'done', case_number = %(case_number)s, audit_entry_id = %(audit_entry_id)s, finished_at = %(now)s,
    dm_state = COALESCE(%(dm_state)s, dm_state), dm_error = COALESCE(%(dm_error)s, dm_error)
WHERE id = %(id)s;

-- name: note_dm
UPDATE mod_actions SET dm_state = %(dm_state)s, dm_error = %(dm_error)s WHERE id = %(id)s;

-- name: cancel_action
UPDATE mod_actions
SET state = 'cancelled', error = %(error)s, finished_at = %(now)s,
    dm_state = COALESCE(%(dm_state)s, dm_state), dm_error = COALESCE(%(dm_error)s, dm_error)
WHERE id = %(id)s AND state = 'pending'
RETURNING *;

-- name: match_action
-- The journal row an audit-log entry of the bot's confirms: same member and action, not yet linked,
-- written shortly before the entry (the row is always committed before the call). Entries are read
-- oldest first and each takes the oldest such row, so two timeouts in a row pair up in order.
SELECT * FROM mod_actions
WHERE guild_id = %(guild_id)s AND user_id = %(user_id)s AND action = %(action)s AND audit_entry_id IS NULL
  AND state IN ('pending', 'done')
  AND created_at BETWEEN %(entry_at)s - interval '15 minutes' AND %(entry_at)s + interval '2 minutes'
ORDER BY created_at, id
LIMIT 1
FOR UPDATE;

-- name: link_action
UPDATE mod_actions SET audit_entry_id = %(audit_entry_id)s WHERE id = %(id)s;

-- name: link_case
UPDATE mod_cases SET audit_entry_id = %(audit_entry_id)s
WHERE guild_id = %(guild_id)s AND case_number = %(case_number)s AND audit_entry_id IS NULL;

-- name: open_actions
SELECT * FROM mod_actions WHERE guild_id = %(guild_id)s AND state = 'pending' ORDER BY id;

-- name: oldest_open_action
SELECT min(created_at) AS at FROM mod_actions WHERE guild_id = %(guild_id)s AND state = 'pending';

-- name: lock_member
-- Serialises a member's warnings (and the escalation each one decides) until the transaction ends.
SELECT pg_advisory_xact_lock(hashtextextended('mod-member:' || %(guild_id)s::text || ':' || %(user_id)s::text, 0));

-- name: record_escalation
INSERT INTO mod_escalations (guild_id, warn_case, user_id, step_warnings, warning_count, action_id, created_at)
VALUES (%(guild_id)s, %(warn_case)s, %(user_id)s, %(step_warnings)s, %(warning_count)s, %(action_id)s, %(now)s)
ON CONFLICT DO NOTHING
RETURNING *;

-- name: reactivate_ban
UPDATE mod_cases SET active = true
WHERE guild_id = %(guild_id)s AND case_number = %(case_number)s AND deleted_at IS NULL;

-- name: unattempted_actions
-- Journaled (by a scan or an escalation) but never tried: the process stopped between commit and call.
SELECT id FROM mod_actions
WHERE guild_id = %(guild_id)s AND state = 'pending' AND attempted_at IS NULL AND created_at > %(since)s
ORDER BY id;

-- name: note_warning
-- A warning has nothing to do on Discord: its row is only the key that makes a redelivery record nothing.
INSERT INTO mod_actions (guild_id, user_id, action, moderator_id, reason, source, interaction_id, idem_key,
                         state, created_at, finished_at)
VALUES (%(guild_id)s, %(user_id)s, 'warn', %(moderator_id)s, %(reason)s, %(source)s, %(interaction_id)s,
        %(idem_key)s, 'done', %(now)s, %(now)s)
ON CONFLICT (idem_key) DO NOTHING
RETURNING id;

-- name: set_case
UPDATE mod_actions SET case_number = %(case_number)s WHERE id = %(id)s;

-- name: release_action
-- Not tried after all (no time left before the call): a later run may carry it out.
UPDATE mod_actions SET attempted_at = NULL WHERE id = %(id)s AND state = 'pending';

-- name: action_by_id
SELECT * FROM mod_actions WHERE id = %(id)s;
