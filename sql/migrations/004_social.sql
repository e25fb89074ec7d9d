-- Reputation log and cooldowns, level-up side effects (an outbox), closed weekly leaderboards.

-- Who gave whom rep, when and why. giver_name is kept for the rep card (names change; ids don't).
CREATE TABLE rep_log (
    id              bigserial PRIMARY KEY,
    guild_id        bigint NOT NULL,
    giver_id        bigint NOT NULL,
    target_id       bigint NOT NULL,
    giver_name      text NOT NULL DEFAULT '',
    reason          text,
    given_at        timestamptz NOT NULL,
    interaction_id  bigint
);
CREATE INDEX rep_log_target ON rep_log (guild_id, target_id, given_at DESC);
CREATE INDEX rep_log_giver ON rep_log (guild_id, giver_id, given_at DESC);

-- When a giver may give again: target_id 0 is the giver's own cooldown, any other the giver->target pair.
-- Claimed with one INSERT ... ON CONFLICT DO UPDATE ... WHERE, so two requests at once can't both pass.
CREATE TABLE rep_cooldowns (
    guild_id        bigint NOT NULL,
    giver_id        bigint NOT NULL,
    target_id       bigint NOT NULL,
    available_at    timestamptz NOT NULL,
    PRIMARY KEY (guild_id, giver_id, target_id)
);

CREATE INDEX user_rep_top ON user_rep (guild_id, rep DESC, user_id);

-- Level-ups whose Discord side effects (role rewards, announcement) are still to do. Written in the
-- same transaction as the XP, delivered after it committed, each row once.
CREATE TABLE xp_level_ups (
    id              bigserial PRIMARY KEY,
    guild_id        bigint NOT NULL,
    user_id         bigint NOT NULL,
    old_level       integer NOT NULL,
    new_level       integer NOT NULL,
    channel_id      bigint,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text
);
CREATE INDEX xp_level_ups_pending ON xp_level_ups (id) WHERE delivered_at IS NULL;

-- A finished ISO week, closed once (the primary key makes a second run a no-op), and its winners.
CREATE TABLE xp_weeks_closed (
    guild_id        bigint NOT NULL,
    week_start      date NOT NULL,
    closed_at       timestamptz NOT NULL,
    members         integer NOT NULL,
    PRIMARY KEY (guild_id, week_start)
);

CREATE TABLE xp_weekly_winners (
    guild_id        bigint NOT NULL,
    week_start      date NOT NULL,
    place           integer NOT NULL,
    user_id         bigint NOT NULL,
    xp              bigint NOT NULL,
    PRIMARY KEY (guild_id, week_start, place)
);
