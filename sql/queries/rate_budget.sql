-- name: ensure_budget
-- The bucket exists with the configured rate; tokens already spent stay spent.
INSERT INTO rate_budgets (name, capacity, refill_per_s, tokens)
VALUES (%(name)s, %(capacity)s, %(rate)s, %(capacity)s)
ON CONFLICT (name) DO UPDATE
SET capacity = EXCLUDED.capacity, refill_per_s = EXCLUDED.refill_per_s,
    tokens = least(rate_budgets.tokens, EXCLUDED.capacity);

-- name: take_tokens
-- Refill by the time since the last take, then take %(n)s if that many are there. The CTE locks the row, so
-- concurrent takers queue on it and each sees the one before it (READ COMMITTED re-reads a locked row).
-- taken: whether the tokens were taken; wait_s: how long until that many would be there.
WITH locked AS (
    SELECT name, refill_per_s, clock_timestamp() AS now_at,
           least(capacity, tokens + greatest(0, extract(epoch FROM clock_timestamp() - updated_at)) * refill_per_s)
               AS filled
    FROM rate_budgets
    WHERE name = %(name)s
    FOR UPDATE
)
UPDATE rate_budgets b
SET tokens = l.filled - CASE WHEN l.filled >= %(n)s THEN %(n)s ELSE 0 END,
    updated_at = greatest(b.updated_at, l.now_at)
FROM locked l
WHERE b.name = l.name
RETURNING l.filled >= %(n)s AS taken, greatest(0, (%(n)s - l.filled) / l.refill_per_s) AS wait_s;
