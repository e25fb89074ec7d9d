"""Entry points for Zappa's scheduled events: each runs one job once (`python -m app job NAME` elsewhere)."""


def _run(name: str):
    from . import settings_for
    from .jobs import JOBS, load_jobs
    from .runtime import Runtime
    load_jobs()
    return JOBS[name](Runtime(settings_for()))


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
