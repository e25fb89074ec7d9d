-- Which guild each budgeted job served last, so a run that stops early resumes with the guilds it did not
-- reach (app/jobs/guilds.py). served_seq orders serves even when the clock gives two the same time.
CREATE SEQUENCE job_guild_serves;

CREATE TABLE job_guilds (
    job             text NOT NULL,
    guild_id        bigint NOT NULL,
    last_served_at  timestamptz NOT NULL,
    served_seq      bigint NOT NULL DEFAULT nextval('job_guild_serves'),
    PRIMARY KEY (job, guild_id)
);
