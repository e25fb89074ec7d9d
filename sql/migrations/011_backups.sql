-- Server backups (issue 11): one versioned jsonb document per backup, and restores journaled step by step.
CREATE TABLE backups (
    id              bigserial PRIMARY KEY,
    guild_id        bigint NOT NULL,
    schema_version  integer NOT NULL,
    document        jsonb NOT NULL,
    size_bytes      integer NOT NULL,
    note            text NOT NULL DEFAULT '',
    author_id       bigint,                      -- null for a scheduled backup
    origin          text NOT NULL CHECK (origin IN ('command', 'scheduled', 'import', 'dashboard')),
    created_at      timestamptz NOT NULL,
    request_key     text UNIQUE                  -- the interaction (or job run) that made it: made once
);
CREATE INDEX backups_guild_created ON backups (guild_id, created_at DESC);

-- A restore: previewed (the diff shown with Confirm / Cancel), then confirmed and run as chained links of
-- deferred work; `link` is the newest link that took it, `lease_until` when a silent link counts as dead.
CREATE TABLE backup_restores (
    id              bigserial PRIMARY KEY,
    guild_id        bigint NOT NULL,
    backup_id       bigint NOT NULL REFERENCES backups (id) ON DELETE CASCADE,
    invoker_id      bigint NOT NULL,
    invoker_bits    bigint NOT NULL,             -- the invoker's permissions: nothing granted beyond them
    parts           text[] NOT NULL,
    state           text NOT NULL DEFAULT 'preview'
                    CHECK (state IN ('preview', 'running', 'done', 'cancelled')),
    link            integer NOT NULL DEFAULT 0,
    lease_until     timestamptz,
    matches         jsonb NOT NULL DEFAULT '{}', -- backup id -> live id of what existed already
    report          jsonb,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    finished_at     timestamptz
);
CREATE INDEX backup_restores_guild ON backup_restores (guild_id, created_at DESC);
CREATE INDEX backup_restores_running ON backup_restores (lease_until) WHERE state = 'running';

-- The journal: each step is marked started before Discord is asked and done (with the id Discord gave)
-- after, so a link that died resumes at the first step not done, adopting what Discord did meanwhile.
CREATE TABLE backup_restore_steps (
    restore_id      bigint NOT NULL REFERENCES backup_restores (id) ON DELETE CASCADE,
    seq             integer NOT NULL,
    kind            text NOT NULL,
    key             text NOT NULL,               -- the backup's id of the object (or a label)
    label           text NOT NULL,
    state           text NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'started', 'done', 'skipped')),
    new_id          bigint,
    attempts        integer NOT NULL DEFAULT 0,
    detail          text NOT NULL DEFAULT '',
    PRIMARY KEY (restore_id, seq)
);
