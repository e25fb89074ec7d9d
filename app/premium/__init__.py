"""Premium: the tiers and their limits (one table), and a guild's current tier."""
