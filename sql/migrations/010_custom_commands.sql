-- Custom commands (/cc): each one a real guild command on Discord. A row is written (state 'pending')
-- before Discord is asked, and completed with Discord's command id after ('registered').
CREATE TABLE custom_commands (
    guild_id          bigint NOT NULL,
    name              text NOT NULL,
    description       text NOT NULL,
    template          text NOT NULL,
    options           jsonb NOT NULL DEFAULT '[]',
    ephemeral         boolean NOT NULL DEFAULT false,
    mention_users     boolean NOT NULL DEFAULT false,  -- the reply may ping users it mentions (never roles, @everyone)
    cooldown_seconds  integer NOT NULL DEFAULT 0 CHECK (cooldown_seconds >= 0),
    required_role_id  bigint,
    allowed_channel_id bigint,
    command_id        bigint,
    state             text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'registered', 'removing')),
    created_by        bigint NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (guild_id, name)
);
CREATE UNIQUE INDEX custom_commands_by_command_id ON custom_commands (command_id) WHERE command_id IS NOT NULL;

CREATE TABLE custom_command_cooldowns (
    guild_id      bigint NOT NULL,
    name          text NOT NULL,
    user_id       bigint NOT NULL,
    available_at  timestamptz NOT NULL,
    PRIMARY KEY (guild_id, name, user_id)
);
