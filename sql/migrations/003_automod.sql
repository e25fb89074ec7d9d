-- Automod: the settings a rule's action needs, and where the scan job stopped reading each channel.

ALTER TABLE automod_rules
    ADD COLUMN duration          integer,   -- seconds, for the timeout action
    ADD COLUMN alert_channel_id  bigint;    -- where the alert action posts

-- The newest message id the scan has judged in a channel. Advanced in the same transaction as
-- the cases and the scan consumers' writes, so a crash mid-run judges nothing twice and skips nothing.
CREATE TABLE scan_cursors (
    guild_id         bigint NOT NULL,
    channel_id       bigint NOT NULL,
    last_message_id  bigint NOT NULL,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);
