"""The scan seam: features that want the messages the scan job reads plug in here.

A consumer is a module a feature names in its FEATURE (`scan_consumers=["app.social.scan_consumer"]`,
see app/features.py), defining:

    NAME: str
    def wants_guild(conn, guild_id: str) -> bool
    def consume(runtime, conn, guild_id: str, channel_id: str, messages: list[dict], now) -> None
    def after_commit(runtime, guild_id: str) -> None   (optional: work that must follow the commit)

`consume` gets Discord message objects, oldest first, from members (no bots, no webhooks), each message
exactly once: it runs inside the scan's transaction for that channel batch, before the cursor advance
commits, so its writes and the cursor stand or fall together. Messages automod deleted are left out.
"""


def load_consumers() -> list:
    """Every feature's scan consumer, in feature order (the registry's)."""
    from . import features
    return features.scan_consumers()


def human_messages(messages):
    """What consumers get: members' messages only (no bots, no webhooks), oldest first."""
    kept = [m for m in messages if not (m.get("author") or {}).get("bot") and not m.get("webhook_id")]
    return sorted(kept, key=lambda m: int(m["id"]))
