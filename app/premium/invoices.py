"""invoice.paid and invoice.payment_failed: a renewal paid (active again, the period extended) or failed
(past_due, premium kept for the grace period). The subscription's own events, when they come, decide."""
from . import state
from .handlers import Change, _linked_guild, _locked_row, _other_subscription_rules, _save, _stale


def _subscription_details(invoice: dict) -> dict:
    """Where the invoice names its subscription: `parent.subscription_details` on recent API versions,
    `subscription` and `subscription_details` on older ones."""
    parent = invoice.get("parent") if isinstance(invoice.get("parent"), dict) else {}
    details = parent.get("subscription_details") or invoice.get("subscription_details") or {}
    details = details if isinstance(details, dict) else {}
    return {"subscription_id": state.object_id(details.get("subscription") or invoice.get("subscription")),
            "guild_id": state.metadata_guild(details)}


def _lines(invoice: dict) -> list:
    lines = invoice.get("lines") if isinstance(invoice.get("lines"), dict) else {}
    return [line for line in lines.get("data") or [] if isinstance(line, dict)]


def _line_price(line: dict) -> str | None:
    pricing = line.get("pricing") if isinstance(line.get("pricing"), dict) else {}
    details = pricing.get("price_details") if isinstance(pricing.get("price_details"), dict) else {}
    return state.object_id(details.get("price")) or state.object_id(line.get("price"))


def _period_end(lines: list):
    ends = [state.moment((line.get("period") or {}).get("end")) for line in lines
            if isinstance(line.get("period"), dict)]
    return max((end for end in ends if end), default=None)


def invoice_settled(conn, prices, event, now) -> Change:
    invoice = event["data"]["object"]
    details = _subscription_details(invoice)
    sub_id, customer_id = details["subscription_id"], state.object_id(invoice.get("customer"))
    if sub_id is None:
        return Change("ignored", "not a subscription invoice")
    guild_id = details["guild_id"] or _linked_guild(conn, sub_id, customer_id)
    if guild_id is None:
        return Change("ignored", f"unknown guild for subscription {sub_id}")
    lines = _lines(invoice)
    price_id = next((p for p in map(_line_price, lines) if p), None)
    row = _locked_row(conn, guild_id)
    same = bool(row and row["stripe_subscription_id"] == sub_id)
    if price_id is None and same:
        price_id = row["price_id"]
    tier = prices.get(price_id)
    if tier is None:
        return Change("ignored", f"unknown price {price_id}", guild_id)
    created, paid = state.moment(event["created"]), event["type"] == "invoice.paid"
    if _stale(row, sub_id, created):
        return Change("stale", "an event Stripe created later was applied already", guild_id)
    current = row["status"] if same else None
    if _other_subscription_rules(row, sub_id, paid, now):
        return Change("stale", f"another subscription ({row['stripe_subscription_id']}) is current", guild_id)
    period_end = max((d for d in (row["current_period_end"] if same else None, _period_end(lines)) if d),
                     default=None)
    grace = row["grace_started_at"] if same else None
    if paid:
        status, grace = (current if current in ("canceling", "canceled") else "active"), None
    elif current in (None, "incomplete"):
        status = "incomplete"  # a first payment that failed: nothing was ever granted
    elif current == "canceled":
        status = current
    else:
        status, grace = "past_due", grace or created
    until = state.premium_until(status, period_end, grace, created)
    if same and current in ("canceling", "canceled") and row["premium_until"]:
        until = row["premium_until"]
    return _save(conn, guild_id, row, {
        "tier": tier, "status": status, "customer_id": customer_id, "subscription_id": sub_id,
        "price_id": price_id, "period_end": period_end, "premium_until": until, "grace_started_at": grace,
        "state_at": created}, now, event["id"])
