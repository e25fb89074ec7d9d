-- The seed's tables, keyed by guild. Discord snowflakes fit in bigint.

CREATE TABLE guild_settings (
    guild_id    bigint PRIMARY KEY,
    settings    jsonb NOT NULL DEFAULT '{}'::jsonb,   -- {section: {key: value}}; defaults live in app/guild_settings.py
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Interactions already applied: Discord may deliver one twice, a replay must not act twice.
CREATE TABLE processed_interactions (
    interaction_id  bigint PRIMARY KEY,
    guild_id        bigint,
    received_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processed_interactions_received_at ON processed_interactions (received_at);

CREATE TABLE user_rep (
    guild_id    bigint NOT NULL,
    user_id     bigint NOT NULL,
    rep         integer NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (guild_id, user_id)
);

CREATE TABLE user_xp (
    guild_id        bigint NOT NULL,
    user_id         bigint NOT NULL,
    xp              bigint NOT NULL DEFAULT 0,
    level           integer NOT NULL DEFAULT 0,
    message_count   integer NOT NULL DEFAULT 0,
    last_award_at   timestamptz,
    PRIMARY KEY (guild_id, user_id)
);
CREATE INDEX user_xp_leaderboard ON user_xp (guild_id, xp DESC, user_id);

CREATE TABLE user_xp_weekly (
    guild_id    bigint NOT NULL,
    week_start  date NOT NULL,          -- Monday of the ISO week, UTC
    user_id     bigint NOT NULL,
    xp          bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, week_start, user_id)
);
CREATE INDEX user_xp_weekly_leaderboard ON user_xp_weekly (guild_id, week_start, xp DESC, user_id);

CREATE TABLE mod_cases (
    guild_id        bigint NOT NULL,
    case_number     integer NOT NULL,
    action          text NOT NULL,
    user_id         bigint NOT NULL,
    moderator_id    bigint,
    reason          text,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz,
    PRIMARY KEY (guild_id, case_number)
);
CREATE INDEX mod_cases_user ON mod_cases (guild_id, user_id, case_number DESC);

CREATE TABLE mod_logs (
    id              bigserial PRIMARY KEY,
    guild_id        bigint NOT NULL,
    case_number     integer,
    event           text NOT NULL,
    actor_id        bigint,
    details         jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at      timestamptz NOT NULL
);
CREATE INDEX mod_logs_guild ON mod_logs (guild_id, created_at DESC);

CREATE TABLE automod_rules (
    guild_id        bigint NOT NULL,
    rule_type       text NOT NULL,
    enabled         boolean NOT NULL DEFAULT false,
    action          text NOT NULL DEFAULT 'delete',
    threshold       integer,
    config          jsonb NOT NULL DEFAULT '{}'::jsonb,
    exempt_roles    bigint[] NOT NULL DEFAULT '{}',
    exempt_channels bigint[] NOT NULL DEFAULT '{}',
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (guild_id, rule_type)
);

CREATE TABLE premium_subscriptions (
    guild_id                bigint PRIMARY KEY,
    tier                    text NOT NULL,
    status                  text NOT NULL,
    source                  text NOT NULL DEFAULT 'stripe',   -- stripe | manual
    stripe_customer_id      text,
    stripe_subscription_id  text UNIQUE,
    current_period_end      timestamptz,
    updated_at              timestamptz NOT NULL DEFAULT now()
);
