-- name: count_commands
SELECT count(*) AS n FROM custom_commands WHERE guild_id = %(guild_id)s;

-- name: open_command
-- The journal row, before Discord is asked; nothing back when the name is taken in this guild.
INSERT INTO custom_commands (guild_id, name, description, template, options, ephemeral, mention_users, cooldown_seconds,
                             required_role_id, allowed_channel_id, created_by, created_at, updated_at)
VALUES (%(guild_id)s, %(name)s, %(description)s, %(template)s, %(options)s, %(ephemeral)s, %(mention_users)s,
        %(cooldown_seconds)s,
        %(required_role_id)s, %(allowed_channel_id)s, %(created_by)s, %(now)s, %(now)s)
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
    allowed_channel_id = %(allowed_channel_id)s, updated_at = %(now)s
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
