"""python -m app job outbox: send what requests and jobs left in the outbox (failed or out of time)."""
from .. import outbox
from . import job


@job("outbox")
def deliver_outbox(runtime) -> str:
    with runtime.connection() as conn:
        results = outbox.deliver(runtime.discord, conn, runtime.clock(), limit=1000)
        outbox.prune(conn, runtime.clock())
        conn.commit()
    failed = sum(1 for error in results.values() if error)
    summary = f"{len(results) - failed} outbox message(s) sent"
    return summary + (f", {failed} failed (retried later with backoff)" if failed else "")
