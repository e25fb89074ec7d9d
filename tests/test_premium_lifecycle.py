"""A subscription's life through the webhook, against the fake Stripe: checkout → active → payment failed →
past_due → paid → active → canceled at period end → expired, every event replayed; events delivered in
reverse; a tier switched in the portal; a second subscription for one guild."""
from datetime import timedelta

import pytest

from tests import spec
from tests.fakes.stripe import PERIOD
from tests.premium_support import (checkout, clock, deliver_all, fake_stripe, guild, modlog_titles,  # noqa: F401
                                   query, settings, state, stripe_server, subscription_row, tier_now)


def test_the_lifecycle_from_checkout_to_expiry_each_event_replayed(app, runtime, fake_stripe, clock, guild,
                                                                    fake_discord, clean_db, reliability):
    reliability.record("Faults", "Stripe: every event of a lifecycle delivered twice", 1,
                       "each applied once, the second a 'duplicate'", unit="lifecycles")
    client = app.test_client()
    events = checkout(runtime, fake_stripe, clock)
    assert deliver_all(client, fake_stripe, events, twice=True) == [
        "applied", "duplicate", "applied", "duplicate", "applied", "duplicate"]
    row = subscription_row(clean_db)
    sub_id = row["stripe_subscription_id"]
    assert (row["tier"], row["status"], row["source"]) == ("pro", "active", "stripe")
    assert row["stripe_customer_id"] == fake_stripe.subscriptions[sub_id]["customer"]
    assert row["current_period_end"] == clock.now + timedelta(seconds=PERIOD)
    assert tier_now(runtime, clock) == "pro"
    assert modlog_titles(fake_discord) == ["StatusSync Pro is active"]

    # the renewal fails: past_due, premium kept through the grace period
    period_end = row["current_period_end"]
    clock.at(period_end + timedelta(hours=1))
    failed = fake_stripe.renew(sub_id, clock.epoch, paid=False)
    deliver_all(client, fake_stripe, failed)
    before = state(clean_db)
    assert deliver_all(client, fake_stripe, failed) == ["duplicate", "duplicate"]
    assert state(clean_db) == before and before["status"] == "past_due"
    clock.at(period_end + timedelta(days=5))
    assert tier_now(runtime, clock) == "pro"
    assert modlog_titles(fake_discord)[-1] == "Premium failed to renew"

    # Stripe's retry succeeds: active again, the new period paid
    paid = fake_stripe.renew(sub_id, clock.epoch, paid=True)
    assert deliver_all(client, fake_stripe, paid, twice=True) == ["applied", "duplicate", "applied", "duplicate"]
    row = subscription_row(clean_db)
    assert row["status"] == "active" and row["grace_started_at"] is None
    assert row["current_period_end"] == period_end + timedelta(seconds=PERIOD)
    assert modlog_titles(fake_discord)[-1] == "Premium renewed"

    # canceled at period end: premium until the paid period ends, then expired by the job
    clock.at(period_end + timedelta(days=10))
    deliver_all(client, fake_stripe, fake_stripe.cancel_at_period_end(sub_id, clock.epoch), twice=True)
    row = subscription_row(clean_db)
    assert row["status"] == "canceling" and row["premium_until"] == row["current_period_end"]
    assert tier_now(runtime, clock) == "pro" and modlog_titles(fake_discord)[-1] == "Premium canceled"
    clock.at(row["current_period_end"] + timedelta(minutes=5))
    assert tier_now(runtime, clock) == "free"
    from app.jobs import run_job
    assert run_job(runtime, "premium").endswith("1 premium subscription(s) expired")
    kept_since = clock.epoch - 45 * 86400  # the job forgets event ids Stripe can no longer send
    assert subscription_row(clean_db)["status"] == "expired"
    assert modlog_titles(fake_discord)[-1] == "Premium has ended"

    # Stripe ends the subscription: canceled, and members are not told twice
    deliver_all(client, fake_stripe, fake_stripe.end(sub_id, clock.epoch), twice=True)
    assert subscription_row(clean_db)["status"] == "canceled"
    assert modlog_titles(fake_discord).count("Premium has ended") == 1
    assert len(modlog_titles(fake_discord)) == 5
    posts = fake_discord.find("POST", r"/channels/\d+/messages")
    assert len(posts) == 5 and all(spec.validate_recorded(post) for post in posts)  # Discord's own schema
    recorded = query(clean_db, "SELECT count(*), count(DISTINCT event_id) FROM stripe_events")
    recent = [e for e in fake_stripe.events if e["created"] >= kept_since]
    assert len(recent) < len(fake_stripe.events) and recorded == [(len(recent), len(recent))]


def test_updated_events_reversed_end_in_the_state_of_the_later_one(app, runtime, fake_stripe, clock, guild,
                                                                     clean_db):
    client = app.test_client()
    events = checkout(runtime, fake_stripe, clock)
    sub_id = events[1]["data"]["object"]["id"]
    clock.at(clock.now + timedelta(days=1))
    [canceled] = fake_stripe.cancel_at_period_end(sub_id, clock.epoch)
    clock.at(clock.now + timedelta(days=1))
    [resumed] = fake_stripe.cancel_at_period_end(sub_id, clock.epoch, cancel=False)
    # the later event first, then the earlier one, then the creation events last of all
    assert deliver_all(client, fake_stripe, [resumed, canceled] + events[::-1]) == [
        "applied", "stale", "stale", "stale", "stale"]
    row = subscription_row(clean_db)
    assert row["status"] == "active" and row["tier"] == "pro"
    assert row["stripe_customer_id"] == events[1]["data"]["object"]["customer"]
    assert tier_now(runtime, clock) == "pro"


def test_a_failed_payment_older_than_the_recovery_does_not_bring_past_due_back(app, runtime, fake_stripe, clock,
                                                                                guild, clean_db):
    client = app.test_client()
    events = checkout(runtime, fake_stripe, clock)
    deliver_all(client, fake_stripe, events)
    sub_id = events[1]["data"]["object"]["id"]
    clock.at(clock.now + timedelta(seconds=PERIOD, hours=1))
    failed = fake_stripe.renew(sub_id, clock.epoch, paid=False)
    clock.at(clock.now + timedelta(days=2))
    paid = fake_stripe.renew(sub_id, clock.epoch, paid=True)
    assert deliver_all(client, fake_stripe, paid + failed) == ["applied", "applied", "stale", "stale"]
    row = subscription_row(clean_db)
    assert row["status"] == "active" and row["grace_started_at"] is None


def test_a_tier_switched_in_the_portal_changes_the_limits_and_is_told(app, runtime, fake_stripe, clock, guild,
                                                                       clean_db, fake_discord):
    from tests.premium_support import PRICES
    client = app.test_client()
    events = checkout(runtime, fake_stripe, clock, tier="basic")
    deliver_all(client, fake_stripe, events)
    clock.at(clock.now + timedelta(days=3))
    deliver_all(client, fake_stripe, fake_stripe.switch_price(events[1]["data"]["object"]["id"], PRICES["enterprise"],
                                                              clock.epoch))
    assert subscription_row(clean_db)["tier"] == "enterprise" and tier_now(runtime, clock) == "enterprise"
    assert modlog_titles(fake_discord) == ["StatusSync Basic is active", "Now on StatusSync Enterprise"]


def test_a_second_paid_checkout_takes_over_and_is_flagged_for_the_operator(app, runtime, fake_stripe, clock, guild,
                                                                           clean_db, caplog):
    from app.premium import billing
    client = app.test_client()
    first = billing.start_checkout(runtime, "810000000000000001", "basic", user_id="840000000000000004")
    second = billing.start_checkout(runtime, "810000000000000001", "pro", user_id="830000000000000003")
    deliver_all(client, fake_stripe, fake_stripe.complete_checkout(first["id"], clock.epoch))
    clock.at(clock.now + timedelta(minutes=2))
    later = fake_stripe.complete_checkout(second["id"], clock.epoch)
    deliver_all(client, fake_stripe, later)
    row = subscription_row(clean_db)
    assert row["tier"] == "pro" and row["stripe_subscription_id"] == later[1]["data"]["object"]["id"]
    assert "second live Stripe subscription" in caplog.text


def _history(runtime, fake_stripe, clock, until: str) -> list:
    """Every event of a subscription's life up to `until` (past_due | canceled), a minute or more apart."""
    events = checkout(runtime, fake_stripe, clock)
    sub_id = events[1]["data"]["object"]["id"]
    steps = [lambda at: fake_stripe.renew(sub_id, at, paid=False)]
    if until == "canceled":
        steps += [lambda at: fake_stripe.renew(sub_id, at, paid=True),
                  lambda at: fake_stripe.cancel_at_period_end(sub_id, at), lambda at: fake_stripe.end(sub_id, at)]
    for step in steps:
        clock.at(clock.now + timedelta(days=1))
        events += step(clock.epoch)
    return events


@pytest.mark.parametrize("until", ["past_due", "canceled"])
def test_any_order_of_delivery_ends_in_the_same_state(app, runtime, fake_stripe, clock, guild, clean_db, until,
                                                      reliability):
    import random
    import psycopg2
    events = _history(runtime, fake_stripe, clock, until)
    client = app.test_client()
    outcomes = []
    for seed in range(12):
        with psycopg2.connect(clean_db) as conn, conn.cursor() as cur:
            cur.execute("TRUNCATE premium_subscriptions, stripe_events")
        order = list(events) if seed == 0 else random.Random(seed).sample(events, len(events))
        deliver_all(client, fake_stripe, order)
        outcomes.append(state(clean_db))
    assert outcomes[0]["status"] == until
    assert all(outcome == outcomes[0] for outcome in outcomes), [o["status"] for o in outcomes]
    reliability.record("Faults", "Stripe: a subscription's whole history delivered in 12 orders", 12,
                       "every order ends in the same state", unit="orders × endings")
