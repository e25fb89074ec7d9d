-- Deferred work that Lambda may deliver more than once: a row per deferred interaction, finished_at set
-- when the reply was edited with the final answer. Pruned with the interaction id it belongs to.
CREATE TABLE deferred_tasks (
    interaction_id  bigint PRIMARY KEY REFERENCES processed_interactions (interaction_id) ON DELETE CASCADE,
    finished_at     timestamptz
);
