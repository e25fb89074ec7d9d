"""Premium: the tiers and their limits (one table), Stripe checkout, webhooks and the reconciler (docs/premium.md)."""
from app.features import Feature

FEATURE = Feature(
    "premium",
    jobs={"premium": "app.jobs.premium:expire_premium"},  # Stripe's missed events, then lapsed tiers expired
    commands=["commands.premium"],
)
