-- Scans that scale (docs/scaling.md): one rate budget every worker of every Lambda takes from, and what a
-- guild's last serve found, so the scan visits guilds with new messages before the rest.

-- A token bucket: `tokens` as of `updated_at` (the database's clock, the one all workers share), refilled at
-- `refill_per_s` up to `capacity`. Taken by one UPDATE under the row lock (sql/queries/rate_budget.sql).
CREATE TABLE rate_budgets (
    name          text PRIMARY KEY,
    capacity      double precision NOT NULL CHECK (capacity > 0),
    refill_per_s  double precision NOT NULL CHECK (refill_per_s > 0),
    tokens        double precision NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- How many channels with new messages the guild's last serve found (or left unread): > 0 puts it in the
-- scan's first lane next run.
ALTER TABLE job_guilds ADD COLUMN found_new integer NOT NULL DEFAULT 0;
