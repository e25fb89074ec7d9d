-- Moderation: gap-free per-guild case numbers, temporary bans, reason history, audit-log sync.

-- One row per guild; incrementing it locks the row until the case insert commits,
-- so concurrent commands get 1, 2, 3... and a rolled-back command leaves no gap.
CREATE TABLE mod_case_counters (
    guild_id     bigint PRIMARY KEY,
    last_number  integer NOT NULL DEFAULT 0
);

ALTER TABLE mod_cases
    ADD COLUMN active          boolean NOT NULL DEFAULT true,   -- a temporary ban still waiting to be lifted
    ADD COLUMN source          text NOT NULL DEFAULT 'command', -- command | escalation | expiry | audit
    ADD COLUMN audit_entry_id  bigint,                          -- the Discord audit-log entry it came from
    ADD COLUMN details         jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN deleted_at      timestamptz,
    ADD COLUMN deleted_by      bigint;

CREATE UNIQUE INDEX mod_cases_audit_entry ON mod_cases (guild_id, audit_entry_id)
    WHERE audit_entry_id IS NOT NULL;
CREATE INDEX mod_cases_expiring_bans ON mod_cases (expires_at)
    WHERE action = 'ban' AND active AND expires_at IS NOT NULL;
CREATE INDEX mod_cases_warnings ON mod_cases (guild_id, user_id, created_at)
    WHERE action = 'warn' AND deleted_at IS NULL;

-- Every reason a case had: /case reason appends instead of overwriting.
CREATE TABLE mod_case_notes (
    id            bigserial PRIMARY KEY,
    guild_id      bigint NOT NULL,
    case_number   integer NOT NULL,
    author_id     bigint,
    old_reason    text,
    new_reason    text NOT NULL,
    created_at    timestamptz NOT NULL,
    FOREIGN KEY (guild_id, case_number) REFERENCES mod_cases (guild_id, case_number)
);
CREATE INDEX mod_case_notes_case ON mod_case_notes (guild_id, case_number, id);

-- Where `python -m app job audit` stopped reading each guild's audit log.
CREATE TABLE audit_log_cursors (
    guild_id        bigint PRIMARY KEY,
    last_entry_id   bigint NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL
);
