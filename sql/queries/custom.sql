-- name: count_commands
SELECT count(*) AS n FROM custom_commands WHERE guild_id = %(guild_id)s;

-- name: open_command
-- The journal row, before Discord is asked (attempted_at now) or queued by an import (attempted_at NULL);
-- nothing back when the name is taken in this guild.
INSERT INTO custom_commands (guild_id, name, description, template, options, ephemeral, mention_users, cooldown_seconds,
                             required_role_id, allowed_channel_id, embed, created_by, created_at, updated_at,
                             attempted_at, import_id)
VALUES (%(guild_id)s, %(name)s, %(description)s, %(template)s, %(options)s, %(ephemeral)s, %(mention_users)s,
        %(cooldown_seconds)s, %(required_role_id)s, %(allowed_channel_id)s, %(embed)s, %(created_by)s, %(now)s, %(now)s,
        %(attempted_at)s, %(import_id)s)
ON CONFLICT (guild_id, name) DO NOTHING
RETURNING name;

-- name: complete_command
UPDATE custom_commands SET command_id = %(command_id)s, state = 'registered', updated_at = %(now)s
WHERE guild_id = %(guild_id)s AND name = %(name)s;

-- name: update_command
UPDATE custom_commands
SET description = %(description)s, template = %(template)s, options = %(options)s, ephemeral = %(ephemeral)s,
    mention_users = %(mention_users)s,
    cooldown_seconds = %(cooldown_seconds)s, required_role_id = %(required_role_id)s,
    allowed_channel_id = %(allowed_channel_id)s, embed = %(embed)s, updated_at = %(now)s
WHERE guild_id = %(guild_id)s AND name = %(name)s;

-- name: mark_removing
UPDATE custom_commands SET state = 'removing', updated_at = %(now)s
WHERE guild_id = %(guild_id)s AND name = %(name)s
RETURNING command_id;

-- name: delete_command
DELETE FROM custom_commands WHERE guild_id = %(guild_id)s AND name = %(name)s;

-- name: get_command
SELECT * FROM custom_commands WHERE guild_id = %(guild_id)s AND name = %(name)s;

-- name: find_invoked
-- The command an interaction invoked: by Discord's command id when registered, else by name.
SELECT * FROM custom_commands
WHERE guild_id = %(guild_id)s AND (command_id = %(command_id)s OR name = %(name)s) AND state = 'registered'
ORDER BY (command_id = %(command_id)s) DESC NULLS LAST
LIMIT 1;

-- name: list_commands
SELECT * FROM custom_commands WHERE guild_id = %(guild_id)s ORDER BY name;

-- name: claim_cooldown
-- Takes the member's cooldown if it has run out (or never existed); no row back means "still cooling down".
INSERT INTO custom_command_cooldowns (guild_id, name, user_id, available_at)
VALUES (%(guild_id)s, %(name)s, %(user_id)s, %(available_at)s)
ON CONFLICT (guild_id, name, user_id) DO UPDATE
SET available_at = EXCLUDED.available_at
WHERE custom_command_cooldowns.available_at <= %(now)s
RETURNING available_at;

-- name: cooldown_until
SELECT available_at FROM custom_command_cooldowns
WHERE guild_id = %(guild_id)s AND name = %(name)s AND user_id = %(user_id)s;

-- name: claim_attempt
-- A pending row this worker may ask Discord about now: never asked and staged before fresh_before, or last
-- asked before stale_before (that answer never came). Two workers never ask for one row at once.
UPDATE custom_commands SET attempted_at = %(now)s
WHERE guild_id = %(guild_id)s AND name = %(name)s AND state = 'pending'
  AND ((attempted_at IS NULL AND updated_at <= %(fresh_before)s) OR attempted_at <= %(stale_before)s)
RETURNING *;

-- name: unfinished_commands
-- A guild's rows that are not (or no longer) registered, oldest first.
SELECT * FROM custom_commands
WHERE guild_id = %(guild_id)s AND state <> 'registered'
ORDER BY created_at, name;

-- name: guilds_with_unfinished
SELECT DISTINCT guild_id FROM custom_commands
WHERE state <> 'registered' AND greatest(attempted_at, updated_at) <= %(stale_before)s;

-- name: creates_blocked_until
SELECT creates_blocked_until FROM custom_command_limits
WHERE guild_id = %(guild_id)s AND creates_blocked_until > %(now)s;

-- name: block_creates
-- Discord said 30034 (200 creations a day): no creation is asked for before it resets.
INSERT INTO custom_command_limits (guild_id, creates_blocked_until) VALUES (%(guild_id)s, %(until)s)
ON CONFLICT (guild_id) DO UPDATE SET creates_blocked_until = EXCLUDED.creates_blocked_until;

-- name: cancel_import_row
DELETE FROM custom_commands WHERE guild_id = %(guild_id)s AND name = %(name)s AND state = 'pending';

-- name: release_attempt
-- Discord refused before acting (a limit, a rate limit): the row waits as if never asked.
UPDATE custom_commands SET attempted_at = NULL
WHERE guild_id = %(guild_id)s AND name = %(name)s AND state = 'pending';
