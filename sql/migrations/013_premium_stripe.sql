-- Premium with Stripe: the state of a guild's subscription follows Stripe's own objects (status, period end,
-- the event's `created`), each event id applied once, recorded in the transaction of its effect.
ALTER TABLE premium_subscriptions
    ADD COLUMN price_id          text,
    ADD COLUMN premium_until     timestamptz,      -- when the tier stops counting (period end, grace end); NULL: no end
    ADD COLUMN grace_started_at  timestamptz,      -- first failed renewal of a past_due subscription
    ADD COLUMN stripe_state_at   timestamptz,      -- `created` of the newest Stripe event applied: older ones are stale
    -- two events of one second disagreed: the reconciler reads the subscription itself from Stripe
    ADD COLUMN stripe_refresh_needed boolean NOT NULL DEFAULT false;

UPDATE premium_subscriptions SET premium_until = current_period_end;

ALTER TABLE premium_subscriptions ADD CONSTRAINT premium_subscriptions_status_check
    CHECK (status IN ('incomplete', 'active', 'past_due', 'canceling', 'canceled', 'expired'));

CREATE INDEX premium_subscriptions_customer ON premium_subscriptions (stripe_customer_id);

CREATE TABLE stripe_events (
    event_id     text PRIMARY KEY,
    type         text NOT NULL,
    created      timestamptz NOT NULL,
    guild_id     bigint,
    outcome      text NOT NULL CHECK (outcome IN ('applied', 'stale', 'ignored')),
    note         text,
    source       text NOT NULL CHECK (source IN ('webhook', 'reconciler')),
    received_at  timestamptz NOT NULL
);
CREATE INDEX stripe_events_created ON stripe_events (created);

-- How far the reconciler has read Stripe's Events API (one row).
CREATE TABLE stripe_sync (
    id            smallint PRIMARY KEY CHECK (id = 1),
    synced_until  timestamptz NOT NULL
);
