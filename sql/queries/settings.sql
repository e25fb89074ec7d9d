-- name: get
SELECT settings FROM guild_settings WHERE guild_id = %(guild_id)s;

-- name: merge_section
-- Replaces one section's keys given, keeping the others.
INSERT INTO guild_settings (guild_id, settings, updated_at)
VALUES (%(guild_id)s, jsonb_build_object(%(section)s::text, %(values)s::jsonb), %(now)s)
ON CONFLICT (guild_id) DO UPDATE
SET settings = guild_settings.settings || jsonb_build_object(
        %(section)s::text,
        COALESCE(guild_settings.settings -> %(section)s, '{}'::jsonb) || %(values)s::jsonb),
    updated_at = %(now)s
RETURNING settings;

-- name: lock
SELECT settings FROM guild_settings WHERE guild_id = %(guild_id)s FOR UPDATE;

-- name: log_change
-- The change log (settings_changes, migration 012): one row per key whose value changed.
INSERT INTO settings_changes (guild_id, section, key, old_value, new_value, actor_id, source, changed_at)
VALUES (%(guild_id)s, %(section)s, %(key)s, %(old_value)s::jsonb, %(new_value)s::jsonb, %(actor_id)s, %(source)s,
        %(now)s);
