"""The web dashboard: blueprints (premium: Stripe checkout, portal and webhook) registered by the app factory."""
