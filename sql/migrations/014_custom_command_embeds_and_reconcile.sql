-- Custom commands, issue 10's rest: an embed form of the reply, and the bookkeeping that lets a job
-- (and a paced import) finish registrations Discord never confirmed.
ALTER TABLE custom_commands
    ADD COLUMN embed jsonb,                 -- NULL: a plain message; else title/description/fields... templates
    ADD COLUMN attempted_at timestamptz,    -- when Discord was last asked to register it; NULL: never (queued)
    ADD COLUMN import_id bigint;            -- the /cc import interaction that staged it (a redelivery is no conflict)
ALTER TABLE custom_commands ALTER COLUMN template SET DEFAULT '';

-- Discord's daily cap on command creations (error 30034) per guild: until when asking again is pointless.
CREATE TABLE custom_command_limits (
    guild_id        bigint PRIMARY KEY,
    creates_blocked_until timestamptz NOT NULL
);
CREATE INDEX custom_commands_unfinished ON custom_commands (guild_id) WHERE state <> 'registered';
