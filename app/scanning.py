"""The scan seam: features that want the messages the scan job reads plug in here.

A consumer is a module `app/<package>/scan_consumer.py` defining:

    NAME: str
    def wants_guild(conn, guild_id: str) -> bool
    def consume(runtime, conn, guild_id: str, channel_id: str, messages: list[dict], now) -> None

`consume` gets Discord message objects, oldest first, from members (no bots, no webhooks), each message
exactly once: it runs inside the scan's transaction for that channel batch, before the cursor advance
commits, so its writes and the cursor stand or fall together. Messages automod deleted are left out.
"""
import importlib
import importlib.util
import pkgutil

import app

CONSUMER_MODULE = "scan_consumer"


def load_consumers(package=app):
    """Every <package>/<subpackage>/scan_consumer.py (app's by default), imported, in name order."""
    consumers = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        name = f"{package.__name__}.{info.name}.{CONSUMER_MODULE}"
        if importlib.util.find_spec(name) is None:
            continue
        consumers.append(importlib.import_module(name))
    return consumers


def human_messages(messages):
    """What consumers get: members' messages only (no bots, no webhooks), oldest first."""
    kept = [m for m in messages if not (m.get("author") or {}).get("bot") and not m.get("webhook_id")]
    return sorted(kept, key=lambda m: int(m["id"]))
