"""One function per Stripe event kind: (conn, prices, event) -> Change. Each reads the Stripe object in the
event, finds the guild (metadata first, then the ids already linked) and computes the row to save; an event
older than the newest one applied to that subscription is stale (state follows `created`, not arrival)."""
import logging
from dataclasses import dataclass

from .. import db
from . import state

log = logging.getLogger(__name__)


@dataclass
class Change:
    outcome: str               # applied | stale | ignored
    note: str = ""
    guild_id: int | None = None
    before: dict | None = None
    after: dict | None = None


def _linked_guild(conn, subscription_id, customer_id) -> int | None:
    row = db.one(conn, "premium.guild_of_stripe_ids", {"subscription_id": subscription_id,
                                                       "customer_id": customer_id})
    return row["guild_id"] if row else None


def _locked_row(conn, guild_id):
    db.one(conn, "premium.lock_guild", {"guild_id": guild_id})
    return db.one(conn, "premium.subscription_for_update", {"guild_id": guild_id})


def _other_subscription_rules(row, subscription_id, incoming_live: bool, now) -> bool:
    """True when the row belongs to another subscription that still counts and this one would end it."""
    return bool(row and row["source"] == "stripe" and row["stripe_subscription_id"]
                and row["stripe_subscription_id"] != subscription_id and not incoming_live
                and state.counts(row, now))


def _stale(row, subscription_id, created) -> bool:
    return bool(row and row["stripe_subscription_id"] == subscription_id and row["stripe_state_at"]
                and created < row["stripe_state_at"])


REFRESH_PREFIX = "refresh_"  # the reconciler's own reading of a subscription, as an event of that second
COMPARED = (("status", "status"), ("tier", "tier"), ("period_end", "current_period_end"),
            ("premium_until", "premium_until"))


def _refresh_needed(row, after: dict, event_id: str) -> bool:
    """Two events of one second (Stripe's `created` has no finer grain) that disagree: only Stripe's current
    subscription can say which came last, so the reconciler reads it."""
    if event_id.startswith(REFRESH_PREFIX) or not row or not row["stripe_state_at"]:
        return False
    if row["stripe_subscription_id"] != after["subscription_id"] or row["stripe_state_at"] != after["state_at"]:
        return False
    return row["stripe_refresh_needed"] or any(row[ours] != after[theirs] for theirs, ours in COMPARED)


def _save(conn, guild_id, row, after: dict, now, event_id: str = "") -> Change:
    params = {"guild_id": guild_id, "now": now, "customer_id": None, "grace_started_at": None, **after}
    params["refresh"] = _refresh_needed(row, params, event_id)
    taken_over = row and row["source"] == "stripe" and row["stripe_subscription_id"] not in (
        None, params["subscription_id"])
    if taken_over and params["status"] in state.LIVE and state.counts(row, now):
        log.warning("guild %s has a second live Stripe subscription %s besides %s: it takes over; check the "
                    "customer in Stripe for a double charge", guild_id, params["subscription_id"],
                    row["stripe_subscription_id"])
    if params["subscription_id"]:
        db.run(conn, "premium.forget_subscription_elsewhere", params)
    db.run(conn, "premium.save_subscription", params)
    saved = db.one(conn, "premium.subscription", {"guild_id": guild_id})
    return Change("applied", f"{saved['status']} {saved['tier']}", guild_id, row, saved)


def subscription_changed(conn, prices, event, now) -> Change:
    """customer.subscription.created | updated | deleted: the subscription object is the truth."""
    fields = state.subscription_fields(event["data"]["object"])
    created, sub_id = state.moment(event["created"]), fields["subscription_id"]
    if sub_id is None:
        return Change("ignored", "a subscription without an id")
    guild_id = fields["guild_id"] or _linked_guild(conn, sub_id, fields["customer_id"])
    if guild_id is None:
        return Change("ignored", f"unknown guild for subscription {sub_id}")
    tier = prices.get(fields["price_id"])
    if tier is None:
        return Change("ignored", f"unknown price {fields['price_id']}", guild_id)
    row = _locked_row(conn, guild_id)
    status = state.status_of(fields, event["type"] == "customer.subscription.deleted")
    if _stale(row, sub_id, created):
        return Change("stale", "an event Stripe created later was applied already", guild_id)
    if _other_subscription_rules(row, sub_id, status in state.LIVE, now):
        return Change("stale", f"another subscription ({row['stripe_subscription_id']}) is current", guild_id)
    same = bool(row and row["stripe_subscription_id"] == sub_id)
    grace = row["grace_started_at"] if same and status == "past_due" and row["grace_started_at"] else (
        created if status == "past_due" else None)
    ended = fields["ended_at"] or created
    until = state.premium_until(status, fields["period_end"], grace, ended, fields["cancel_at"])
    return _save(conn, guild_id, row, {
        "tier": tier, "status": status, "customer_id": fields["customer_id"], "subscription_id": sub_id,
        "price_id": fields["price_id"], "period_end": fields["period_end"], "premium_until": until,
        "grace_started_at": grace, "state_at": created}, now, event["id"])


def checkout_completed(conn, prices, event, now) -> Change:
    """checkout.session.completed: links the guild to its customer and subscription; a paid checkout counts
    provisionally until the subscription object itself arrives (which then decides)."""
    session = event["data"]["object"]
    if session.get("mode") != "subscription":
        return Change("ignored", "not a subscription checkout")
    guild_id = state.guild_id_from(session.get("client_reference_id")) or state.metadata_guild(session)
    if guild_id is None:
        return Change("ignored", f"unknown guild for checkout {state.object_id(session.get('id'))}")
    price_id = state.object_id((session.get("metadata") or {}).get("price_id"))
    tier = prices.get(price_id)
    if tier is None:
        return Change("ignored", f"unknown price {price_id}", guild_id)
    sub_id, customer_id = state.object_id(session.get("subscription")), state.object_id(session.get("customer"))
    created = state.moment(event["created"])
    row = _locked_row(conn, guild_id)
    if row and row["stripe_subscription_id"] == sub_id and row["stripe_state_at"]:
        return Change("stale", "the subscription's own events were applied already", guild_id)
    paid = session.get("payment_status") in ("paid", "no_payment_required")
    status = "active" if paid else "incomplete"
    return _save(conn, guild_id, row, {
        "tier": tier, "status": status, "customer_id": customer_id, "subscription_id": sub_id,
        "price_id": price_id, "period_end": None, "premium_until": created + state.PROVISIONAL,
        "state_at": None}, now)
