"""Entry points for Zappa's scheduled events: each runs one job once (`python -m app job NAME` elsewhere).

The feature registry is loaded first, so a fresh Lambda container knows every settings section and job.
"""


def _run(name: str):
    from . import features, settings_for
    from .jobs import run_job
    from .runtime import Runtime
    features.load()
    return run_job(Runtime(settings_for()), name)  # under the job's lock: an overlapping start does nothing


def scan_shard(shard, shards):
    """One shard of the scan, started by the scheduled scan through an asynchronous invocation (app/jobs/fanout.py)."""
    from . import features, settings_for
    from .jobs.scan import MAX_SHARDS, scan_shard as run_shard
    from .runtime import Runtime
    if not (isinstance(shard, int) and isinstance(shards, int) and 0 <= shard < shards <= MAX_SHARDS):
        return f"scan shard refused: {shard!r} of {shards!r} is not a shard"
    features.load()
    return run_shard(Runtime(settings_for()), shard, shards)


def scan(event, context):
    return _run("scan")


def audit(event, context):
    return _run("audit")


def expire(event, context):
    return _run("expire")


def weekly(event, context):
    return _run("weekly")


def levelups(event, context):
    return _run("levelups")


def outbox(event, context):
    return _run("outbox")


def premium(event, context):
    return _run("premium")


def prune(event, context):
    return _run("prune")


def cc_sync(event, context):
    return _run("cc_sync")


def backups(event, context):
    return _run("backups")
