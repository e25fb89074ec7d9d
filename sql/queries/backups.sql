-- name: insert_backup
INSERT INTO backups (guild_id, schema_version, document, size_bytes, note, author_id, origin, created_at, request_key)
VALUES (%(guild_id)s, %(schema_version)s, %(document)s, %(size_bytes)s, %(note)s, %(author_id)s, %(origin)s, %(now)s,
        %(request_key)s)
ON CONFLICT (request_key) DO NOTHING
RETURNING id;

-- name: backup_by_key
SELECT id FROM backups WHERE request_key = %(request_key)s AND guild_id = %(guild_id)s;

-- name: list_backups
SELECT id, schema_version, size_bytes, note, author_id, origin, created_at
FROM backups WHERE guild_id = %(guild_id)s
ORDER BY created_at DESC, id DESC
LIMIT %(limit)s;

-- name: count_backups
SELECT count(*) AS n FROM backups WHERE guild_id = %(guild_id)s;

-- name: get_backup
SELECT id, guild_id, schema_version, document, size_bytes, note, author_id, origin, created_at
FROM backups WHERE id = %(backup_id)s AND guild_id = %(guild_id)s;

-- name: delete_backup
DELETE FROM backups WHERE id = %(backup_id)s AND guild_id = %(guild_id)s;

-- name: prune_scheduled
-- Scheduled backups past the number kept, oldest first; backups someone made by hand are never pruned here.
DELETE FROM backups WHERE id IN (
    SELECT id FROM backups WHERE guild_id = %(guild_id)s AND origin = 'scheduled'
    ORDER BY created_at DESC, id DESC OFFSET %(keep)s)
AND NOT EXISTS (SELECT 1 FROM backup_restores r WHERE r.backup_id = backups.id AND r.state = 'running');

-- name: latest_scheduled
SELECT max(created_at) AS at FROM backups WHERE guild_id = %(guild_id)s AND origin = 'scheduled';

-- name: scheduled_guilds
-- Guilds whose backup schedule is on.
SELECT guild_id, settings -> 'backups' AS schedule FROM guild_settings
WHERE coalesce((settings -> 'backups' ->> 'interval_hours')::numeric, 0) > 0;

-- name: open_restore
INSERT INTO backup_restores (guild_id, backup_id, invoker_id, invoker_bits, parts, matches, created_at, updated_at)
VALUES (%(guild_id)s, %(backup_id)s, %(invoker_id)s, %(invoker_bits)s, %(parts)s, '{}', %(now)s, %(now)s)
RETURNING id;

-- name: get_restore
SELECT * FROM backup_restores WHERE id = %(restore_id)s AND guild_id = %(guild_id)s;

-- name: latest_restore
SELECT * FROM backup_restores WHERE guild_id = %(guild_id)s AND backup_id = %(backup_id)s
ORDER BY created_at DESC, id DESC LIMIT 1;

-- name: running_restore
SELECT id FROM backup_restores WHERE guild_id = %(guild_id)s AND state = 'running' AND id <> %(restore_id)s;

-- name: confirm_restore
-- Preview -> running, once: a second Confirm (or a redelivery) finds no preview row.
UPDATE backup_restores SET state = 'running', matches = %(matches)s, invoker_bits = %(invoker_bits)s,
    lease_until = %(lease_until)s, updated_at = %(now)s
WHERE id = %(restore_id)s AND guild_id = %(guild_id)s AND state = 'preview'
RETURNING id;

-- name: cancel_restore
UPDATE backup_restores SET state = 'cancelled', updated_at = %(now)s, finished_at = %(now)s
WHERE id = %(restore_id)s AND guild_id = %(guild_id)s AND state = 'preview'
RETURNING id;

-- name: take_link
-- A link takes the restore unless a later link already did, or an earlier one still holds a live lease.
UPDATE backup_restores SET link = %(link)s, lease_until = %(lease_until)s, updated_at = %(now)s
WHERE id = %(restore_id)s AND state = 'running'
  AND link <= %(link)s
  AND (link >= %(link)s - 1 OR lease_until IS NULL OR lease_until < %(now)s)
RETURNING *;

-- name: stalled_restores
SELECT id, guild_id, link FROM backup_restores
WHERE state = 'running' AND (lease_until IS NULL OR lease_until < %(now)s)
ORDER BY lease_until LIMIT 20;

-- name: finish_restore
UPDATE backup_restores SET state = 'done', report = %(report)s, lease_until = NULL, updated_at = %(now)s,
    finished_at = %(now)s
WHERE id = %(restore_id)s AND state = 'running';

-- name: add_step
INSERT INTO backup_restore_steps (restore_id, seq, kind, key, label, state, detail)
VALUES (%(restore_id)s, %(seq)s, %(kind)s, %(key)s, %(label)s, %(state)s, %(detail)s)
ON CONFLICT (restore_id, seq) DO NOTHING;

-- name: steps
SELECT seq, kind, key, label, state, new_id, attempts, detail FROM backup_restore_steps
WHERE restore_id = %(restore_id)s ORDER BY seq;

-- name: mark_step
UPDATE backup_restore_steps SET state = %(state)s, new_id = coalesce(%(new_id)s, new_id), detail = %(detail)s
WHERE restore_id = %(restore_id)s AND seq = %(seq)s;

-- name: step_counts
SELECT kind, state, count(*) AS n FROM backup_restore_steps WHERE restore_id = %(restore_id)s GROUP BY kind, state;

-- name: start_step
UPDATE backup_restore_steps SET state = 'started', attempts = attempts + 1
WHERE restore_id = %(restore_id)s AND seq = %(seq)s;

-- name: release_step
-- Nothing of the step was sent (its time ran out first): it waits for the next link, uncounted.
UPDATE backup_restore_steps SET state = 'pending', attempts = greatest(attempts - 1, 0)
WHERE restore_id = %(restore_id)s AND seq = %(seq)s;

-- name: retry_step
-- Discord failed for now and nothing was done: the next link tries again (the attempt still counts).
UPDATE backup_restore_steps SET state = 'pending'
WHERE restore_id = %(restore_id)s AND seq = %(seq)s;

-- name: give_up_steps
UPDATE backup_restore_steps SET state = 'skipped', detail = %(detail)s
WHERE restore_id = %(restore_id)s AND state IN ('pending', 'started');
