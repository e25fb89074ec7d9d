-- name: rules
SELECT rule_type, enabled, action, duration, alert_channel_id, threshold, config, exempt_roles, exempt_channels
FROM automod_rules
WHERE guild_id = %(guild_id)s
ORDER BY rule_type;

-- name: save_rule
INSERT INTO automod_rules (guild_id, rule_type, enabled, action, duration, alert_channel_id, threshold, config,
                           exempt_roles, exempt_channels, updated_at)
VALUES (%(guild_id)s, %(rule_type)s, %(enabled)s, %(action)s, %(duration)s, %(alert_channel_id)s, %(threshold)s,
        %(config)s::jsonb, %(exempt_roles)s::bigint[], %(exempt_channels)s::bigint[], %(now)s)
ON CONFLICT (guild_id, rule_type) DO UPDATE SET
    enabled = EXCLUDED.enabled, action = EXCLUDED.action, duration = EXCLUDED.duration,
    alert_channel_id = EXCLUDED.alert_channel_id, threshold = EXCLUDED.threshold, config = EXCLUDED.config,
    exempt_roles = EXCLUDED.exempt_roles, exempt_channels = EXCLUDED.exempt_channels,
    updated_at = EXCLUDED.updated_at;

-- name: has_enabled_rules
SELECT EXISTS (SELECT 1 FROM automod_rules WHERE guild_id = %(guild_id)s AND enabled) AS enabled;

-- name: cursors
SELECT channel_id, last_message_id FROM scan_cursors WHERE guild_id = %(guild_id)s;

-- name: start_cursor
-- First sight of a channel: start from its newest message instead of judging its history.
INSERT INTO scan_cursors (guild_id, channel_id, last_message_id, updated_at)
VALUES (%(guild_id)s, %(channel_id)s, %(last_message_id)s, %(now)s)
ON CONFLICT (guild_id, channel_id) DO NOTHING;

-- name: advance_cursor
-- Only from the value this run read: a concurrent run that got there first makes this match no row
-- (and the row lock makes the loser wait for the winner's commit before finding that out).
UPDATE scan_cursors SET last_message_id = %(last_message_id)s, updated_at = %(now)s
WHERE guild_id = %(guild_id)s AND channel_id = %(channel_id)s AND last_message_id = %(expected)s;
