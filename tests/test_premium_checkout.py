"""Checkout and the customer portal against the fake Stripe: the session Stripe gets, Stripe unreachable or
refusing (nothing recorded), one customer per guild, and the public tiers route."""
from datetime import timedelta

import pytest

from app.errors import UserError
from app.premium import billing, stripe_api
from tests.premium_support import (GUILD, PRICES, clock, deliver, fake_stripe, guild, query,  # noqa: F401
                                   settings, stripe_server, subscription_row)


def test_a_checkout_session_carries_the_guild_and_the_tiers_price(runtime, fake_stripe, guild):
    session = billing.start_checkout(runtime, GUILD, "basic", user_id="840000000000000004")
    assert session["url"].startswith("https://checkout.stripe.test/")
    [(method, path, params)] = fake_stripe.requests
    assert (method, path) == ("POST", "/v1/checkout/sessions")
    assert params["mode"] == "subscription" and params["line_items"] == [{"price": PRICES["basic"], "quantity": "1"}]
    assert params["client_reference_id"] == GUILD and params["metadata"]["guild_id"] == GUILD
    assert params["subscription_data"]["metadata"]["guild_id"] == GUILD
    assert params["success_url"] == f"https://statussync.example/dashboard/?checkout=success#/guild/{GUILD}/premium"
    assert params["cancel_url"] == f"https://statussync.example/dashboard/?checkout=canceled#/guild/{GUILD}/premium"
    assert params["cancel_url"].startswith("https://statussync.example/dashboard/")
    assert "customer" not in params  # Stripe makes the customer at the first checkout


def test_stripe_unreachable_at_checkout_says_so_and_records_nothing(runtime, settings, clean_db, guild):
    runtime.settings["STRIPE_API_BASE"] = "http://127.0.0.1:9"  # nothing listens on the discard port
    with pytest.raises(stripe_api.StripeUnavailable) as raised:
        billing.start_checkout(runtime, GUILD, "pro")
    assert "can't be reached" in str(raised.value) and "nothing was charged" in str(raised.value)
    assert settings["STRIPE_SECRET_KEY"] not in str(raised.value)
    assert query(clean_db, "SELECT count(*) FROM premium_subscriptions") == [(0,)]
    assert query(clean_db, "SELECT count(*) FROM stripe_events") == [(0,)]


def test_stripe_failing_or_refusing_is_a_clear_error(runtime, fake_stripe, guild, clean_db):
    fake_stripe.fail_next(500, times=2)  # the SDK retries once
    with pytest.raises(stripe_api.StripeUnavailable):
        billing.start_checkout(runtime, GUILD, "pro")
    fake_stripe.prices.discard(PRICES["enterprise"])  # the price was deleted in Stripe's dashboard
    with pytest.raises(stripe_api.StripeRefused) as refused:
        billing.start_checkout(runtime, GUILD, "enterprise")
    assert "price" not in str(refused.value)  # Stripe's own words stay in the log
    assert query(clean_db, "SELECT count(*) FROM premium_subscriptions") == [(0,)]


@pytest.mark.parametrize("tier", ["free", "gold", None, 7])
def test_only_a_paid_tier_can_be_bought(runtime, fake_stripe, tier):
    with pytest.raises(UserError):
        billing.start_checkout(runtime, GUILD, tier)
    assert fake_stripe.requests == []


def test_checkout_is_off_without_stripe_settings(runtime, fake_stripe):
    """Off without the secret key, without the webhook secret (Stripe would charge, nothing grant), and for a
    tier without its price."""
    runtime.settings.pop("STRIPE_SECRET_KEY")
    with pytest.raises(stripe_api.PremiumNotConfigured):
        billing.start_checkout(runtime, GUILD, "pro")
    runtime.settings["STRIPE_SECRET_KEY"], runtime.settings["STRIPE_WEBHOOK_SECRET"] = fake_stripe.api_key, None
    with pytest.raises(stripe_api.PremiumNotConfigured, match="STRIPE_WEBHOOK_SECRET"):  # it would charge, not grant
        billing.start_checkout(runtime, GUILD, "pro")
    runtime.settings["STRIPE_WEBHOOK_SECRET"], runtime.settings["STRIPE_PRICE_PRO"] = fake_stripe.webhook_secret, None
    with pytest.raises(stripe_api.PremiumNotConfigured, match="STRIPE_PRICE_PRO"):
        billing.start_checkout(runtime, GUILD, "pro")


def subscribe(app, runtime, fake_stripe, clock, tier="pro"):
    session = billing.start_checkout(runtime, GUILD, tier)
    for event in fake_stripe.complete_checkout(session["id"], clock.epoch):
        assert deliver(app.test_client(), event, fake_stripe).status_code == 200


def test_a_subscribed_guild_goes_to_the_portal_and_keeps_its_customer(app, runtime, fake_stripe, clock, guild,
                                                                      clean_db):
    with pytest.raises(billing.NoSubscription):
        billing.open_portal(runtime, GUILD)
    subscribe(app, runtime, fake_stripe, clock)
    with pytest.raises(billing.AlreadySubscribed):
        billing.start_checkout(runtime, GUILD, "enterprise")
    portal = billing.open_portal(runtime, GUILD)
    customer = subscription_row(clean_db)["stripe_customer_id"]
    assert portal["url"].startswith("https://billing.stripe.test/")
    assert fake_stripe.portal_sessions[-1]["customer"] == customer
    assert fake_stripe.portal_sessions[-1]["return_url"] == f"https://statussync.example/dashboard/#/guild/{GUILD}/premium"
    sub_id = subscription_row(clean_db)["stripe_subscription_id"]
    clock.at(clock.now + timedelta(days=1))
    for event in fake_stripe.end(sub_id, clock.epoch):
        deliver(app.test_client(), event, fake_stripe)
    billing.start_checkout(runtime, GUILD, "basic")  # subscribing again: the same Stripe customer
    assert fake_stripe.requests[-1][2]["customer"] == customer


def test_status_says_the_tier_and_its_renewal(app, runtime, fake_stripe, clock, guild):
    with runtime.connection() as conn:
        assert billing.status(conn, runtime.settings, GUILD, clock())["tier"] == "free"
    subscribe(app, runtime, fake_stripe, clock)
    with runtime.connection() as conn:
        shown = billing.status(conn, runtime.settings, GUILD, clock())
    assert (shown["tier"], shown["status"], shown["source"]) == ("pro", "active", "stripe")
    assert shown["renews_at"] == (clock.now + timedelta(days=30)).isoformat() and shown["ends_at"] is None
    assert shown["limits"]["custom_commands"] == 50


def test_the_tiers_route_lists_every_tier_with_price_and_limits(app):
    answer = app.test_client().get("/dashboard/premium/tiers")
    assert answer.status_code == 200
    tiers = answer.get_json()["tiers"]
    assert [t["name"] for t in tiers] == ["free", "basic", "pro", "enterprise"]
    assert all(t["available"] for t in tiers) and tiers[2]["price"] == "$9.99 / month"
    assert tiers[0]["limits"]["custom_commands"] < tiers[1]["limits"]["custom_commands"]
    assert set(tiers[0]["limits"]) >= {"custom_commands", "automod_words", "backups", "ai_answers_per_day",
                                       "ai_answers_per_member_day", "level_rewards"}  # backups add their interval
    assert "price_" not in answer.get_data(as_text=True)  # Stripe's price ids are not shown


def test_a_second_click_gets_the_same_checkout_page(runtime, fake_stripe, clock, guild):
    first = billing.start_checkout(runtime, GUILD, "pro", user_id="840000000000000004")
    again = billing.start_checkout(runtime, GUILD, "pro", user_id="840000000000000004")
    assert again == first and len(fake_stripe.sessions) == 1
    other = billing.start_checkout(runtime, GUILD, "basic", user_id="840000000000000004")
    assert other["id"] != first["id"]
    clock.at(clock.now + timedelta(minutes=11))
    assert billing.start_checkout(runtime, GUILD, "pro", user_id="840000000000000004")["id"] != first["id"]


def test_the_api_base_may_name_v1_or_end_in_a_slash(runtime, fake_stripe):
    for base in (fake_stripe.base_url + "/", fake_stripe.base_url + "/v1", fake_stripe.base_url + "/v1/"):
        runtime.settings["STRIPE_API_BASE"] = base
        assert billing.start_checkout(runtime, GUILD, "pro", user_id=base[-3:])["url"]
    assert {path for _, path, _ in fake_stripe.requests} == {"/v1/checkout/sessions"}
