"""What the dashboard's premium routes do: checkout, the customer portal, a guild's premium status.

Nothing is written when a checkout starts: the guild id travels in the session (client_reference_id and
metadata, and the subscription's metadata), and the webhook records what Stripe says happened. No
transaction is open while Stripe is asked.
"""
import hashlib

from .. import db
from ..errors import UserError
from . import state, stripe_api, tiers

PREMIUM_TAB = "#/guild/{guild_id}/premium"  # the dashboard page's route for a guild's tab
CHECKOUT_REUSE_S = 600  # a second click within this gets the same Checkout page (Stripe's idempotency key), not two


class AlreadySubscribed(UserError):
    """The guild pays for a subscription already: tiers are switched in the customer portal."""


class NoSubscription(UserError):
    """The guild has no Stripe customer to open a portal for."""


def premium_page(settings: dict, guild_id, **query) -> str:
    """The dashboard's premium tab of the guild (with ?checkout=success|canceled after a checkout)."""
    search = "?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else ""
    return f"{settings['PUBLIC_URL'].rstrip('/')}/dashboard/{search}{PREMIUM_TAB.format(guild_id=int(guild_id))}"


def _subscription(runtime, guild_id, conn=None):
    if conn is not None:  # the request's connection: its transaction ends before Stripe is asked
        row = db.one(conn, "premium.subscription", {"guild_id": int(guild_id)})
        conn.commit()
        return row
    with runtime.connection() as own:
        row = db.one(own, "premium.subscription", {"guild_id": int(guild_id)})
        own.rollback()
    return row


def start_checkout(runtime, guild_id, tier_name: str, user_id=None, conn=None) -> dict:
    """A Stripe Checkout Session (subscription mode) for the tier: {"url": ..., "id": ...}."""
    settings = runtime.settings
    tier = tiers.TIERS.get(tier_name) if isinstance(tier_name, str) else None
    if tier is None or tier.name == "free":
        raise UserError(f"tier must be one of {', '.join(tiers.PAID)}")
    price_id = settings.get(tier.price_setting)
    if not price_id:
        raise stripe_api.PremiumNotConfigured(f"the {tier.title} tier has no Stripe price here "
                                              f"({tier.price_setting} is unset)")
    stripe_api.require_selling(settings)
    row = _subscription(runtime, guild_id, conn)
    if row and row["source"] == "stripe" and row["stripe_subscription_id"] and state.counts(row, runtime.clock()):
        raise AlreadySubscribed("This server has a subscription already; change its tier or card in the "
                                "customer portal.")
    metadata = {"guild_id": str(int(guild_id)), "tier": tier.name, "price_id": price_id}
    if user_id:
        metadata["started_by"] = str(user_id)
    params = {"mode": "subscription", "line_items": [{"price": price_id, "quantity": 1}],
              "client_reference_id": str(int(guild_id)), "metadata": metadata,
              "subscription_data": {"metadata": metadata},
              "success_url": premium_page(settings, guild_id, checkout="success"),
              "cancel_url": premium_page(settings, guild_id, checkout="canceled")}
    if row and row["stripe_customer_id"]:
        params["customer"] = row["stripe_customer_id"]  # one Stripe customer per guild
    window = int(runtime.clock().timestamp()) // CHECKOUT_REUSE_S
    key = hashlib.sha256(f"checkout:{guild_id}:{tier.name}:{params.get('customer')}:{user_id}:{window}".encode())
    session = stripe_api.create_checkout_session(settings, params, key.hexdigest()[:40])
    return {"id": session["id"], "url": session["url"]}


def open_portal(runtime, guild_id, conn=None) -> dict:
    """A Stripe Customer Portal session for the guild's customer: {"url": ...}."""
    stripe_api.client(runtime.settings)
    row = _subscription(runtime, guild_id, conn)
    if not row or not row["stripe_customer_id"]:
        raise NoSubscription("This server has no Stripe subscription yet; choose a tier to subscribe.")
    session = stripe_api.create_portal_session(runtime.settings, {
        "customer": row["stripe_customer_id"], "return_url": premium_page(runtime.settings, guild_id)})
    return {"url": session["url"]}


def status(conn, settings: dict, guild_id, now) -> dict:
    """The guild's premium as the dashboard and /premium show it."""
    row = db.one(conn, "premium.subscription", {"guild_id": int(guild_id)})
    counting = state.counts(row, now)
    tier = tiers.TIERS[counting or "free"]
    renews = counting and row["status"] == "active" and row["source"] == "stripe"
    ends = counting and not renews
    return {"guild_id": str(int(guild_id)), "tier": tier.name, "title": tier.title,
            "status": row["status"] if counting else "free", "source": row["source"] if counting else None,
            "renews_at": _iso(row["current_period_end"]) if renews else None,
            "ends_at": _iso(row["premium_until"]) if ends else None,
            "has_customer": bool(row and row["stripe_customer_id"]),
            "checkout_available": stripe_api.selling(settings),
            "limits": tiers.describe(tier)["limits"]}


def _iso(moment):
    return moment.isoformat() if moment else None
