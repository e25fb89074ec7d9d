"""The one tiers table: a guild's tier follows its active subscription, and limits grow with the tier."""
from datetime import datetime, timedelta, timezone

from app.premium.tiers import PAID, TIERS, limit, tier_of

GUILD = "810000000000000001"


def test_limits_never_shrink_from_one_tier_to_the_next():
    order = [TIERS[name] for name in ("free", *PAID)]
    for lower, higher in zip(order, order[1:]):
        for field in ("custom_commands", "ai_answers_per_day", "ai_answers_per_member_day", "backups"):
            assert getattr(lower, field) <= getattr(higher, field), (lower.name, higher.name, field)
    assert TIERS["enterprise"].custom_commands <= 100  # Discord's guild command limit


def test_a_guild_has_its_granted_tier_until_it_ends_then_free(runtime):
    from app.jobs.premium import grant
    now = datetime.now(timezone.utc)
    with runtime.connection() as conn:
        assert tier_of(conn, GUILD, now).name == "free"
    grant(runtime, GUILD, "pro", days=3)
    with runtime.connection() as conn:
        assert tier_of(conn, GUILD, now).name == "pro"
        assert limit(conn, GUILD, now, "custom_commands") == TIERS["pro"].custom_commands
        assert tier_of(conn, GUILD, now + timedelta(days=4)).name == "free"
