-- name: grant_manual
INSERT INTO premium_subscriptions (guild_id, tier, status, source, current_period_end, premium_until, updated_at)
VALUES (%(guild_id)s, %(tier)s, 'active', 'manual', %(until)s, %(until)s, %(now)s)
ON CONFLICT (guild_id) DO UPDATE
SET tier = EXCLUDED.tier, status = 'active', source = 'manual', current_period_end = EXCLUDED.current_period_end,
    premium_until = EXCLUDED.premium_until, grace_started_at = NULL, updated_at = EXCLUDED.updated_at
RETURNING guild_id, tier, current_period_end;

-- name: revoke_manual
DELETE FROM premium_subscriptions WHERE guild_id = %(guild_id)s AND source = 'manual'
RETURNING guild_id, tier, status;

-- name: lapsed
-- Subscriptions and grants whose premium time ran out (a period not renewed, a grace period over).
SELECT guild_id, tier, status, premium_until FROM premium_subscriptions
WHERE status IN ('active', 'past_due', 'canceling') AND premium_until IS NOT NULL AND premium_until < %(now)s
ORDER BY guild_id
LIMIT %(batch)s
FOR UPDATE SKIP LOCKED;

-- name: mark_expired
UPDATE premium_subscriptions SET status = 'expired', updated_at = %(now)s
WHERE guild_id = %(guild_id)s;

-- name: current_tier
SELECT tier FROM premium_subscriptions
WHERE guild_id = %(guild_id)s AND status IN ('active', 'past_due', 'canceling')
  AND (premium_until IS NULL OR premium_until >= %(now)s);

-- name: subscription
SELECT * FROM premium_subscriptions WHERE guild_id = %(guild_id)s;

-- name: lock_guild
-- Events of one guild are applied one at a time (the row may not exist yet, so no FOR UPDATE).
SELECT pg_advisory_xact_lock(1347571277, (%(guild_id)s %% 2147483647)::int);

-- name: subscription_for_update
SELECT * FROM premium_subscriptions WHERE guild_id = %(guild_id)s FOR UPDATE;

-- name: guild_of_stripe_ids
SELECT guild_id FROM premium_subscriptions
WHERE (stripe_subscription_id = %(subscription_id)s AND %(subscription_id)s IS NOT NULL)
   OR (stripe_customer_id = %(customer_id)s AND %(customer_id)s IS NOT NULL)
ORDER BY (stripe_subscription_id = %(subscription_id)s) DESC NULLS LAST
LIMIT 1;

-- name: save_subscription
INSERT INTO premium_subscriptions (guild_id, tier, status, source, stripe_customer_id, stripe_subscription_id,
                                   price_id, current_period_end, premium_until, grace_started_at,
                                   stripe_state_at, stripe_refresh_needed, updated_at)
VALUES (%(guild_id)s, %(tier)s, %(status)s, 'stripe', %(customer_id)s, %(subscription_id)s, %(price_id)s,
        %(period_end)s, %(premium_until)s, %(grace_started_at)s, %(state_at)s, %(refresh)s, %(now)s)
ON CONFLICT (guild_id) DO UPDATE
SET tier = EXCLUDED.tier, status = EXCLUDED.status, source = 'stripe',
    stripe_customer_id = COALESCE(EXCLUDED.stripe_customer_id, premium_subscriptions.stripe_customer_id),
    stripe_subscription_id = EXCLUDED.stripe_subscription_id, price_id = EXCLUDED.price_id,
    current_period_end = EXCLUDED.current_period_end, premium_until = EXCLUDED.premium_until,
    grace_started_at = EXCLUDED.grace_started_at, stripe_state_at = EXCLUDED.stripe_state_at,
    stripe_refresh_needed = EXCLUDED.stripe_refresh_needed, updated_at = EXCLUDED.updated_at;

-- name: forget_subscription_elsewhere
-- A subscription id moves with its guild (metadata changed in Stripe's dashboard): the old row lets go of it.
UPDATE premium_subscriptions SET stripe_subscription_id = NULL
WHERE stripe_subscription_id = %(subscription_id)s AND guild_id <> %(guild_id)s;

-- name: claim_event
INSERT INTO stripe_events (event_id, type, created, outcome, source, received_at)
VALUES (%(event_id)s, %(type)s, %(created)s, 'ignored', %(source)s, %(now)s)
ON CONFLICT (event_id) DO NOTHING
RETURNING event_id;

-- name: finish_event
UPDATE stripe_events SET outcome = %(outcome)s, note = %(note)s, guild_id = %(guild_id)s
WHERE event_id = %(event_id)s;

-- name: known_events
SELECT event_id FROM stripe_events WHERE event_id = ANY(%(event_ids)s);

-- name: synced_until
SELECT synced_until FROM stripe_sync WHERE id = 1;

-- name: save_synced_until
INSERT INTO stripe_sync (id, synced_until) VALUES (1, %(synced_until)s)
ON CONFLICT (id) DO UPDATE SET synced_until = EXCLUDED.synced_until;

-- name: table_present
SELECT to_regclass(%(table)s) IS NOT NULL AS present;

-- name: backups_stored
-- Only run once table_present says the backups feature's table exists.
SELECT count(*) AS n FROM backups WHERE guild_id = %(guild_id)s;

-- name: forget_old_events
-- Past Stripe's 30 days of events and 3 days of retries nothing can repeat them: their ids are not needed.
DELETE FROM stripe_events WHERE created < %(before)s;

-- name: needing_refresh
SELECT guild_id, stripe_subscription_id, stripe_state_at FROM premium_subscriptions
WHERE stripe_refresh_needed AND stripe_subscription_id IS NOT NULL
ORDER BY guild_id
LIMIT %(batch)s;

-- name: refreshed
UPDATE premium_subscriptions SET stripe_refresh_needed = false WHERE guild_id = %(guild_id)s;
