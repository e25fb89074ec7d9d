"""The one tiers table: each tier allows at least what the one below it does, and never more than the
features (or Discord) can hold."""
from app.automod.rules import MAX_WORDS
from app.premium import tiers
from app.social.xp import MAX_LEVEL_REWARDS

DISCORD_GUILD_COMMANDS = 100


def test_each_tier_allows_at_least_the_one_below_and_within_the_features_caps():
    ordered = list(tiers.TIERS.values())
    assert [t.name for t in ordered] == ["free", "basic", "pro", "enterprise"]
    for lower, higher in zip(ordered, ordered[1:]):
        for name in tiers.LIMITS:
            assert getattr(higher, name) >= getattr(lower, name), (higher.name, name)
    top = ordered[-1]
    assert top.automod_words <= MAX_WORDS and top.level_rewards <= MAX_LEVEL_REWARDS
    assert top.custom_commands < DISCORD_GUILD_COMMANDS  # room for the bot's own commands in the guild


def test_every_paid_tier_has_its_price_setting_and_prices_map_back_to_tiers():
    settings = {t.price_setting: f"price_{t.name}" for t in tiers.TIERS.values() if t.price_setting}
    assert set(settings) == {"STRIPE_PRICE_BASIC", "STRIPE_PRICE_PRO", "STRIPE_PRICE_ENTERPRISE"}
    assert tiers.price_ids(settings) == {"price_basic": "basic", "price_pro": "pro", "price_enterprise": "enterprise"}
    assert tiers.price_ids({}) == {}


def test_the_refusal_names_the_limit_and_the_next_tier_that_allows_more():
    free, top = tiers.TIERS["free"], tiers.TIERS["enterprise"]
    assert tiers.over_limit(free, "custom_commands", 10) == (
        "This server has 10 of the 10 custom commands the Free tier allows. Basic allows 25: see `/premium` "
        "to upgrade.")
    assert tiers.over_limit(top, "level_rewards", 50) == (
        "This server has 50 of the 50 level-role rewards the Enterprise tier allows.")
