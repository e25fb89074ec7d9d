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
