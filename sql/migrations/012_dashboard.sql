-- The web dashboard: server-side sessions, the access grants, the change log, message counts, cache of
-- Discord's answers (at most 60 s old), and the indexes the stats and case search read.

-- A browser's session. The cookie carries only a random id; its hash is the key, so a database dump
-- holds no usable session, and the Discord tokens never leave the server.
CREATE TABLE dashboard_sessions (
    id_hash             bytea PRIMARY KEY,
    user_id             bigint NOT NULL,
    username            text NOT NULL,
    global_name         text,
    avatar              text,
    access_token        text NOT NULL,
    refresh_token       text,
    token_expires_at    timestamptz,
    created_at          timestamptz NOT NULL,
    expires_at          timestamptz NOT NULL,
    last_seen_at        timestamptz NOT NULL,
    guilds              jsonb,              -- the user's /users/@me/guilds, as Discord said at guilds_at
    guilds_at           timestamptz,
    window_start        timestamptz NOT NULL,   -- the per-session rate limit's current minute
    window_count        integer NOT NULL DEFAULT 0
);
CREATE INDEX dashboard_sessions_expires ON dashboard_sessions (expires_at);
CREATE INDEX dashboard_sessions_user ON dashboard_sessions (user_id);

-- A member's roles as the bot last read them (only for guilds with role grants).
CREATE TABLE dashboard_members (
    guild_id    bigint NOT NULL,
    user_id     bigint NOT NULL,
    present     boolean NOT NULL,
    roles       bigint[] NOT NULL DEFAULT '{}',
    fetched_at  timestamptz NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- Roles a manager let into the dashboard (YAGPDB's model): read, or read and write.
CREATE TABLE dashboard_access (
    guild_id    bigint NOT NULL,
    role_id     bigint NOT NULL,
    level       text NOT NULL CHECK (level IN ('read', 'write')),
    granted_by  bigint NOT NULL,
    granted_at  timestamptz NOT NULL,
    PRIMARY KEY (guild_id, role_id)
);

-- Every settings change, whichever way it came (dashboard or a command), written by app/guild_settings.py.
CREATE TABLE settings_changes (
    id          bigserial PRIMARY KEY,
    guild_id    bigint NOT NULL,
    section     text NOT NULL,
    key         text NOT NULL,
    old_value   jsonb,
    new_value   jsonb,
    actor_id    bigint,
    source      text NOT NULL,          -- dashboard | command | system
    changed_at  timestamptz NOT NULL
);
CREATE INDEX settings_changes_guild ON settings_changes (guild_id, id DESC);

-- Members' messages the scan read, per guild and UTC day.
CREATE TABLE guild_message_days (
    guild_id    bigint NOT NULL,
    day         date NOT NULL,
    messages    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, day)
);

-- Display names the bot has seen (message authors in the scan, dashboard logins), shown next to ids.
CREATE TABLE dashboard_user_names (
    user_id     bigint PRIMARY KEY,
    name        text NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- Case search (keyset on case_number under each filter) and the per-day chart.
CREATE INDEX mod_cases_by_action ON mod_cases (guild_id, action, case_number DESC) WHERE deleted_at IS NULL;
CREATE INDEX mod_cases_by_moderator ON mod_cases (guild_id, moderator_id, case_number DESC) WHERE deleted_at IS NULL;
CREATE INDEX mod_cases_by_time ON mod_cases (guild_id, created_at DESC, case_number DESC) WHERE deleted_at IS NULL;
-- Cases per guild, UTC day and type, kept by a trigger so the overview's chart reads days, not cases.
CREATE TABLE guild_case_days (
    guild_id    bigint NOT NULL,
    day         date NOT NULL,
    action      text NOT NULL,
    cases       integer NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, day, action)
);

CREATE FUNCTION count_case_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL THEN
        UPDATE guild_case_days SET cases = cases - 1
        WHERE guild_id = OLD.guild_id AND day = (OLD.created_at AT TIME ZONE 'UTC')::date AND action = OLD.action;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.deleted_at IS NULL THEN
        INSERT INTO guild_case_days (guild_id, day, action, cases)
        VALUES (NEW.guild_id, (NEW.created_at AT TIME ZONE 'UTC')::date, NEW.action, 1)
        ON CONFLICT (guild_id, day, action) DO UPDATE SET cases = guild_case_days.cases + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER mod_cases_count_days AFTER INSERT OR DELETE OR UPDATE OF deleted_at, action, created_at
    ON mod_cases FOR EACH ROW EXECUTE FUNCTION count_case_days();

INSERT INTO guild_case_days (guild_id, day, action, cases)
SELECT guild_id, (created_at AT TIME ZONE 'UTC')::date, action, count(*) FROM mod_cases
WHERE deleted_at IS NULL GROUP BY 1, 2, 3;

-- Most active members.
CREATE INDEX user_xp_most_messages ON user_xp (guild_id, message_count DESC, user_id);
