-- /ask (docs/ai.md): answers per guild and UTC day, and per member and day, checked against the tiers
-- table (app/premium/tiers.py) before the provider is called; tokens as the provider reported them.
CREATE TABLE ai_usage_guild (
    guild_id  bigint  NOT NULL,
    day       date    NOT NULL,
    answers   integer NOT NULL DEFAULT 0,
    tokens    bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, day)
);

CREATE TABLE ai_usage_member (
    guild_id  bigint  NOT NULL,
    user_id   bigint  NOT NULL,
    day       date    NOT NULL,
    answers   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, user_id, day)
);
