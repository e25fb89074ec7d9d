"""Stripe events applied once, in any order: the webhook and the reconciler both come through `apply`.

The event id is claimed in the transaction of its effect (a replay finds it and changes nothing); the
effect follows the Stripe object in the event and its `created`, so arrival order does not matter. An event
for an unknown guild or price is recorded as ignored and logged, never applied.
"""
import logging
import re
from dataclasses import dataclass

from .. import db, deadlines, outbox
from . import handlers, invoices, notices, tiers
from .state import LATEST_EPOCH, STRIPE_ID, moment

log = logging.getLogger(__name__)

HANDLERS = {
    "checkout.session.completed": handlers.checkout_completed,
    "customer.subscription.created": handlers.subscription_changed,
    "customer.subscription.updated": handlers.subscription_changed,
    "customer.subscription.deleted": handlers.subscription_changed,
    "invoice.paid": invoices.invoice_settled,
    "invoice.payment_failed": invoices.invoice_settled,
}
TYPES = tuple(HANDLERS)
EVENT_TYPE = re.compile(r"[a-z0-9_.]{1,100}")
NOTICE_SEND_S = 2.0  # the webhook posts its notice right after commit for this long; the outbox job retries


class MalformedEvent(ValueError):
    """Signed by Stripe but not shaped like an event."""


@dataclass
class Applied:
    outcome: str   # applied | stale | ignored | duplicate
    note: str = ""
    guild_id: int | None = None


def check_shape(event) -> dict:
    ok = (isinstance(event, dict) and isinstance(event.get("id"), str) and STRIPE_ID.fullmatch(event["id"])
          and isinstance(event.get("type"), str) and EVENT_TYPE.fullmatch(event["type"])
          and isinstance(event.get("created"), int)
          and not isinstance(event["created"], bool) and 0 < event["created"] < LATEST_EPOCH
          and isinstance(event.get("data"), dict) and isinstance(event["data"].get("object"), dict))
    if not ok:
        raise MalformedEvent("not a Stripe event (id, type, created and data.object are required)")
    return event


def apply(conn, settings, event: dict, now, source: str) -> tuple:
    """Claim and apply one event in the caller's transaction: (Applied, outbox ids to send after commit)."""
    check_shape(event)
    claimed = db.one(conn, "premium.claim_event", {"event_id": event["id"], "type": event["type"],
                                                   "created": moment(event["created"]), "source": source,
                                                   "now": now})
    if claimed is None:
        return Applied("duplicate", "already applied"), []
    handler = HANDLERS.get(event["type"])
    try:
        change = handler(conn, tiers.price_ids(settings), event, now) if handler else handlers.Change(
            "ignored", "not an event premium follows")
    except (KeyError, TypeError, AttributeError, ValueError) as exc:  # signed, yet not the object its type promises
        change = handlers.Change("ignored", f"malformed {event['type']} object ({type(exc).__name__})")
    if change.outcome == "ignored" and handler:
        log.warning("stripe event %s (%s) acknowledged, not applied: %s", event["id"], event["type"], change.note)
    db.run(conn, "premium.finish_event", {"event_id": event["id"], "outcome": change.outcome,
                                          "note": change.note.replace("\x00", "")[:500], "guild_id": change.guild_id})
    ids = []
    if change.outcome == "applied":
        notice = notices.enqueue_change(conn, change.guild_id, change.before, change.after, now,
                                        key=f"premium:{event['id']}")
        ids = [notice] if notice else []
    return Applied(change.outcome, change.note, change.guild_id), ids


def apply_and_report(runtime, event: dict, source: str) -> Applied:
    """One event in its own transaction, then its mod-log notice sent (the outbox job retries a failure)."""
    now = runtime.clock()
    with runtime.transaction() as conn:
        applied, ids = apply(conn, runtime.settings, event, now, source)
    if ids:
        send_notices(runtime, ids)
    return applied


def send_notices(runtime, ids) -> None:
    try:
        with deadlines.within(NOTICE_SEND_S), runtime.connection() as conn:
            outbox.deliver(runtime.discord, conn, runtime.clock(), ids=ids)
    except Exception:  # the notice is queued; the outbox job sends it
        log.warning("premium notice not sent now; the outbox job will retry", exc_info=True)
