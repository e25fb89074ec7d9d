-- name: grant_manual
INSERT INTO premium_subscriptions (guild_id, tier, status, source, current_period_end, updated_at)
VALUES (%(guild_id)s, %(tier)s, 'active', 'manual', %(until)s, %(now)s)
ON CONFLICT (guild_id) DO UPDATE
SET tier = EXCLUDED.tier, status = 'active', source = 'manual',
    current_period_end = EXCLUDED.current_period_end, updated_at = EXCLUDED.updated_at
RETURNING guild_id, tier, current_period_end;

-- name: revoke_manual
DELETE FROM premium_subscriptions WHERE guild_id = %(guild_id)s AND source = 'manual';

-- name: expire
UPDATE premium_subscriptions SET status = 'expired', updated_at = %(now)s
WHERE status = 'active' AND current_period_end IS NOT NULL AND current_period_end < %(now)s;

-- name: current_tier
SELECT tier FROM premium_subscriptions
WHERE guild_id = %(guild_id)s AND status = 'active'
  AND (current_period_end IS NULL OR current_period_end >= %(now)s);
