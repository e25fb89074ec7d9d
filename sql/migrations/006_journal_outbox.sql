-- Record-then-act: every moderation action on Discord is journaled before the call and completed after;
-- side effects that only report state wait in an outbox written in the state's own transaction.

-- The journal: one row per intended action. pending → done (with its case) or cancelled (not acted).
-- A pending row whose outcome is unknown (Discord didn't answer, a crash) is resolved by the audit-log
-- sync from Discord's own record.
CREATE TABLE mod_actions (
    id              bigserial PRIMARY KEY,
    guild_id        bigint NOT NULL,
    user_id         bigint NOT NULL,
    action          text NOT NULL,                   -- ban | unban | kick | timeout | untimeout | warn
    moderator_id    bigint,                          -- NULL: AutoMod
    reason          text,
    until           timestamptz,                     -- end of a temporary ban or a timeout
    delete_seconds  integer NOT NULL DEFAULT 0,
    source          text NOT NULL,                   -- command | automod | escalation | expiry
    details         jsonb NOT NULL DEFAULT '{}'::jsonb,
    interaction_id  bigint,
    idem_key        text NOT NULL UNIQUE,            -- interaction:<id>:<action>, automod:..., escalation:..., expiry:...
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'cancelled')),
    dm_text         text,                            -- a DM that must precede the action (ban, kick)
    dm_state        text,                            -- NULL (none) | wanted | attempted | sent | failed
    dm_error        text,
    attempted_at    timestamptz,                     -- set (committed) before Discord is called: never twice
    case_number     integer,
    audit_entry_id  bigint,                          -- the audit-log entry that confirmed it
    error           text,
    created_at      timestamptz NOT NULL,
    finished_at     timestamptz
);
CREATE UNIQUE INDEX mod_actions_interaction ON mod_actions (interaction_id, action) WHERE interaction_id IS NOT NULL;
CREATE INDEX mod_actions_open ON mod_actions (guild_id, created_at) WHERE state = 'pending';
CREATE INDEX mod_actions_match ON mod_actions (guild_id, user_id, action, created_at) WHERE audit_entry_id IS NULL;

-- (A warning does nothing on Discord: its row is written done, with its case, to key it by interaction.)

-- Which escalation step a warning fired: decided in the warning's transaction under a per-member lock.
CREATE TABLE mod_escalations (
    guild_id        bigint NOT NULL,
    warn_case       integer NOT NULL,
    user_id         bigint NOT NULL,
    step_warnings   integer NOT NULL,
    warning_count   integer NOT NULL,
    action_id       bigint REFERENCES mod_actions (id),
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (guild_id, warn_case)
);

-- Messages to deliver after commit (mod-log posts, alerts, DMs that report state), each sent once.
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    guild_id        bigint,
    channel_id      bigint,                          -- post to this channel, or
    user_id         bigint,                          -- DM this user
    body            jsonb NOT NULL,                  -- Discord's create-message body
    dedupe_key      text UNIQUE,
    created_at      timestamptz NOT NULL,
    available_at    timestamptz NOT NULL,            -- not tried again before (backoff)
    lease_until     timestamptz,                     -- claimed by a sender until then
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text,
    sent_at         timestamptz,
    message_id      bigint,
    gave_up_at      timestamptz,
    CHECK ((channel_id IS NULL) <> (user_id IS NULL))
);
CREATE INDEX outbox_due ON outbox (available_at, id) WHERE sent_at IS NULL AND gave_up_at IS NULL;

-- Messages the scan decided to delete, written with the verdict: the deletion happens after commit,
-- a stopped run's deletions are redone by the next (deleting is idempotent), and every one of them is
-- listed once in a compact mod-log message per guild and run.
CREATE TABLE automod_deletions (
    guild_id        bigint NOT NULL,
    message_id      bigint NOT NULL,
    channel_id      bigint NOT NULL,
    author_id       bigint NOT NULL,
    rule            text NOT NULL,
    created_at      timestamptz NOT NULL,
    deleted_at      timestamptz,
    failed_at       timestamptz,                     -- Discord refused (missing permission), or too late
    reported_at     timestamptz,
    PRIMARY KEY (guild_id, message_id)
);
CREATE INDEX automod_deletions_open ON automod_deletions (guild_id, created_at) WHERE reported_at IS NULL;
