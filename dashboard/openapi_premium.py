"""OpenAPI of /dashboard/premium/: the tiers, a guild's premium status, checkout, the portal, Stripe's webhook."""
from dashboard.openapi_shapes import GUILD_ID, SNOWFLAKE, obj, operation, ref

STRING = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
TIER_NAME = {"enum": ["free", "basic", "pro", "enterprise"]}
LIMITS = obj({"custom_commands": INT, "automod_words": INT, "backups": INT, "ai_answers_per_day": INT,
              "ai_answers_per_member_day": INT, "level_rewards": INT}, additional=INT)
USED = obj({"used": {"type": ["integer", "null"], "description": "null where this server keeps no count"},
            "allowed": INT})
W = ("400", "401", "403", "404", "409", "413", "429", "503")

SCHEMAS = {
    "Tier": obj({"name": TIER_NAME, "title": STRING, "price": STRING, "limits": LIMITS,
                 "available": {"type": "boolean", "description": "can be bought here (Stripe and its price set)"}}),
    "Tiers": obj({"tiers": {"type": "array", "items": ref("Tier")}}),
    "PremiumStatus": obj({
        "guild_id": SNOWFLAKE, "tier": TIER_NAME, "title": STRING,
        "status": {"enum": ["free", "active", "past_due", "canceling"]},
        "source": {"type": ["string", "null"], "enum": ["stripe", "manual", None]},
        "renews_at": NULLABLE_TIME, "ends_at": NULLABLE_TIME, "has_customer": BOOL, "checkout_available": BOOL,
        "can_manage": BOOL, "limits": LIMITS,
        "usage": {"type": "object", "additionalProperties": USED}}),
    "CheckoutRequest": obj({"tier": {"enum": ["basic", "pro", "enterprise"]}}),
    "StripeRedirect": obj({"url": STRING, "id": STRING}, required=["url"]),
    "WebhookReceived": obj({"received": BOOL, "outcome": {"enum": ["applied", "stale", "ignored", "duplicate"]}}),
}

PATHS = {
    "/dashboard/premium/tiers": {"get": operation(
        "The tiers with their prices and limits", ref("Tiers"), errors=("503",), tags=["premium"], public=True)},
    "/dashboard/premium/status": {"get": operation(
        "This guild's tier, its renewal or end date, and usage against the limits", ref("PremiumStatus"),
        params=[GUILD_ID], errors=("400", "401", "403", "404", "429", "503"), tags=["premium"])},
    "/dashboard/premium/checkout": {"post": operation(
        "Start a Stripe Checkout (subscription) for a tier; managers only. Open the returned url. 409: the guild "
        "has a subscription already (use the portal); 404: premium is not configured here; 503: Stripe unreachable "
        "(nothing charged)",
        ref("StripeRedirect"), params=[GUILD_ID], body=ref("CheckoutRequest"), errors=W, tags=["premium"],
        write=True)},
    "/dashboard/premium/portal": {"post": operation(
        "Open Stripe's Customer Portal for the guild's customer (card, tier, cancel); managers only. 404: no "
        "Stripe customer yet (or premium is not configured here)", ref("StripeRedirect"), params=[GUILD_ID], body=obj({}), errors=W, tags=["premium"],
        write=True)},
    "/dashboard/premium/webhook": {"post": {
        **operation("Stripe's webhook: the raw body signed in Stripe-Signature (t=...,v1=HMAC-SHA256); each event "
                    "applied once, in any order", ref("WebhookReceived"), body={"type": "object"},
                    errors=("400", "404", "413", "503"), tags=["premium"], public=True),
        "parameters": [{"name": "Stripe-Signature", "in": "header", "required": True, "schema": STRING}]}},
}
