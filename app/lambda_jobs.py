"""Entry points for Zappa's scheduled events: each runs one job once (`python -m app job NAME` elsewhere).

The feature registry is loaded first, so a fresh Lambda container knows every settings section and job.
"""


def _run(name: str):
    from . import features, settings_for
    from .runtime import Runtime
    features.load()
    return features.jobs()[name](Runtime(settings_for()))


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
