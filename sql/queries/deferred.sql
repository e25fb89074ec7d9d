-- name: register
-- The first delivery creates the row; later ones find it.
INSERT INTO deferred_tasks (interaction_id)
VALUES (%(interaction_id)s)
ON CONFLICT (interaction_id) DO NOTHING;

-- name: hold
-- The row, locked for this delivery's transaction; no row when another delivery is running it now.
SELECT finished_at FROM deferred_tasks
WHERE interaction_id = %(interaction_id)s
FOR UPDATE SKIP LOCKED;

-- name: mark_finished
UPDATE deferred_tasks SET finished_at = %(now)s
WHERE interaction_id = %(interaction_id)s;
