"""Housekeeping: forget interaction ids older than Discord could ever redeliver."""
from datetime import timedelta

from .. import db
from . import job

KEEP_INTERACTIONS = timedelta(days=2)


@job("prune")
def prune_interactions(runtime) -> str:
    with runtime.transaction() as conn:
        removed = db.run(conn, "interactions.forget_before", {"before": runtime.clock() - KEEP_INTERACTIONS})
    return f"forgot {removed} processed interaction id(s)"
