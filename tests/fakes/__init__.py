"""Local HTTP servers that stand in for the outside services (Discord, Stripe, the AI provider)."""
