"""What a Stripe object says about a guild's premium: our status and until when the tier counts.

Statuses: incomplete (checkout not paid) · active · past_due (a renewal failed: premium for GRACE from the
first failure) · canceling (canceled at period end: premium until the paid period ends) · canceled · expired
(a period or grace period ran out without news from Stripe; the premium job sets it).
"""
import re
from datetime import datetime, timedelta, timezone

LIVE = ("active", "past_due", "canceling")
GRACE = timedelta(days=7)            # Stripe's smart retries run for days; members keep premium meanwhile
RENEWAL_SLACK = timedelta(days=1)    # Stripe charges a renewal about an hour after the period ends
PROVISIONAL = timedelta(days=3)      # a paid checkout counts this long until its subscription object arrives
ENDED_BY_STRIPE = ("canceled", "incomplete_expired", "unpaid", "paused")
STRIPE_ID = re.compile(r"[A-Za-z0-9_]{1,255}")  # sub_..., cus_..., price_... (ours in tests too)
LATEST_EPOCH = 2 ** 35  # the year 3058: a larger "timestamp" in a Stripe object is not one


def moment(epoch) -> datetime | None:
    """A Stripe timestamp (seconds since the epoch) as an aware datetime."""
    if isinstance(epoch, bool) or not isinstance(epoch, (int, float)) or not 0 < epoch < LATEST_EPOCH:
        return None
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc)


def object_id(value) -> str | None:
    """An expandable field: an id string, or the expanded object's id (None when it isn't shaped like one)."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and STRIPE_ID.fullmatch(value) else None


def guild_id_from(value) -> int | None:
    """A Discord guild id out of Stripe metadata or client_reference_id; None when it isn't one."""
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    return int(text) if text.isdigit() and 15 <= len(text) <= 20 and int(text) < 2 ** 63 else None


def metadata_guild(obj: dict) -> int | None:
    metadata = obj.get("metadata")
    return guild_id_from(metadata.get("guild_id")) if isinstance(metadata, dict) else None


def subscription_fields(sub: dict) -> dict:
    """The parts of a Subscription object premium follows (period end from its item on recent API
    versions, from the subscription itself on older ones)."""
    items = ((sub.get("items") or {}).get("data") or [{}]) if isinstance(sub.get("items"), dict) else [{}]
    item = items[0] if isinstance(items[0], dict) else {}
    price = item.get("price")
    return {"subscription_id": object_id(sub.get("id")), "customer_id": object_id(sub.get("customer")),
            "price_id": object_id(price) if isinstance(price, (dict, str)) else None,
            "period_end": moment(item.get("current_period_end")) or moment(sub.get("current_period_end")),
            "stripe_status": sub.get("status"), "cancel_at_period_end": sub.get("cancel_at_period_end") is True,
            "cancel_at": moment(sub.get("cancel_at")), "ended_at": moment(sub.get("ended_at")),
            "guild_id": metadata_guild(sub)}


def status_of(fields: dict, deleted: bool) -> str:
    stripe_status = fields["stripe_status"]
    if deleted or stripe_status in ENDED_BY_STRIPE:
        return "canceled"
    if stripe_status == "past_due":
        return "past_due"
    if stripe_status in ("active", "trialing"):
        return "canceling" if fields["cancel_at_period_end"] or fields["cancel_at"] else "active"
    return "incomplete"


def premium_until(status: str, period_end, grace_started_at, happened_at, cancel_at=None):
    """When the tier stops counting for a subscription in `status`."""
    if status == "active":
        return period_end + RENEWAL_SLACK if period_end else happened_at + PROVISIONAL
    if status == "canceling":
        return min(d for d in (cancel_at, period_end) if d) if (cancel_at or period_end) else happened_at
    if status == "past_due":
        return (grace_started_at or happened_at) + GRACE
    return happened_at


def counts(row, now) -> str | None:
    """The tier a premium_subscriptions row gives at `now`, or None."""
    if not row or row["status"] not in LIVE:
        return None
    return row["tier"] if row["premium_until"] is None or row["premium_until"] >= now else None
