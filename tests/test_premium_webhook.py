"""Premium through Stripe's signed webhook, against the fake Stripe: the whole lifecycle, every event replayed,
events reversed, a dropped delivery recovered by the reconciler, forged and stale signatures, unknown guilds
and prices."""
import json
from datetime import timedelta

import pytest

from app.premium import billing, tiers
from tests.fakes.stripe import PERIOD
from tests.fakes.stripe_wire import sign
from tests.premium_support import (GUILD, PRICES, WEBHOOK, clock, deliver, fake_stripe, guild,  # noqa: F401
                                   modlog_titles, query, settings, stripe_server, subscription_row)


def tier_now(runtime, clock):
    with runtime.connection() as conn:
        return tiers.tier_of(conn, GUILD, clock()).name


def checkout(runtime, fake, clock, tier="pro"):
    session = billing.start_checkout(runtime, GUILD, tier, user_id="840000000000000004")
    return fake.complete_checkout(session["id"], clock.epoch)


def deliver_all(client, fake, events, twice=False):
    outcomes = []
    for event in events:
        for _ in range(2 if twice else 1):
            answer = deliver(client, event, fake)
            assert answer.status_code == 200, answer.get_json()
            outcomes.append(answer.get_json()["outcome"])
    return outcomes


STATE = ("tier", "status", "premium_until", "current_period_end", "stripe_subscription_id", "grace_started_at")


def state(clean_db):
    row = subscription_row(clean_db)
    return {key: row[key] for key in STATE} if row else None


def test_the_lifecycle_from_checkout_to_expiry_each_event_replayed(app, runtime, fake_stripe, clock, guild,
                                                                    fake_discord, clean_db):
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


def test_a_dropped_delivery_is_recovered_by_the_reconciler(app, runtime, fake_stripe, clock, guild, clean_db,
                                                           fake_discord):
    from app.jobs import run_job
    client = app.test_client()
    events = checkout(runtime, fake_stripe, clock)
    deliver_all(client, fake_stripe, events[:1])  # only checkout.session.completed arrived
    clock.at(clock.now + timedelta(days=4))  # past the provisional grant: only the reconciler can tell
    assert tier_now(runtime, clock) == "free"
    summary = run_job(runtime, "premium")
    assert summary.startswith("Stripe events: 3 read, 2 missed and applied"), summary
    row = subscription_row(clean_db)
    assert row["status"] == "active" and row["current_period_end"] > clock.now
    assert tier_now(runtime, clock) == "pro"
    assert query(clean_db, "SELECT source, count(*) FROM stripe_events GROUP BY source ORDER BY source") == [
        ("reconciler", 2), ("webhook", 1)]
    clock.at(clock.now + timedelta(hours=1))
    again = run_job(runtime, "premium")  # from where the last read began (less an overlap): nothing new
    assert again.startswith("Stripe events: 0 read, 0 missed and applied"), again


def test_the_reconciler_pages_through_the_events_api(app, runtime, fake_stripe, clock, guild, clean_db):
    from app.premium import reconcile
    events = checkout(runtime, fake_stripe, clock)
    sub_id = events[1]["data"]["object"]["id"]
    for day in range(1, 60):  # 120 updates: two pages of 100
        clock.at(clock.now + timedelta(minutes=10))
        fake_stripe.cancel_at_period_end(sub_id, clock.epoch, cancel=day % 2 == 1)
        fake_stripe.cancel_at_period_end(sub_id, clock.epoch + 1, cancel=day % 2 == 0)
    clock.at(clock.now + timedelta(minutes=1))
    assert reconcile.pull_missed_events(runtime, 30) == f"Stripe events: {len(fake_stripe.events)} read, " \
                                                          f"{len(fake_stripe.events)} missed and applied"
    pages = [p for m, path, p in fake_stripe.requests if path == "/v1/events"]
    assert len(pages) == 2 and "starting_after" in pages[1] and pages[0]["limit"] == "100"
    assert subscription_row(clean_db)["status"] == "active"  # the last update (day 59, + 1 s) resumed it


@pytest.mark.parametrize("how", ["wrong secret", "no header", "stale", "tampered"])
def test_a_forged_or_stale_signature_is_refused_and_nothing_recorded(app, runtime, fake_stripe, clock, guild,
                                                                      clean_db, how):
    import time
    events = checkout(runtime, fake_stripe, clock)
    body, header = fake_stripe.signed(events[1])
    if how == "wrong secret":
        header = sign(body, "whsec_forged")
    elif how == "no header":
        header = None
    elif how == "stale":
        header = sign(body, fake_stripe.webhook_secret, int(time.time()) - 600)
    else:
        body = body.replace(b'"active"', b'"trialing"')
    answer = app.test_client().post(WEBHOOK, data=body, headers={"Stripe-Signature": header} if header else {})
    assert answer.status_code == 400 and "error" in answer.get_json()
    assert query(clean_db, "SELECT count(*) FROM stripe_events") == [(0,)]
    assert subscription_row(clean_db) is None


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"id": "evt_x"}', b'"text"'])
def test_a_signed_body_that_is_not_an_event_is_a_400(app, fake_stripe, clean_db, body):
    answer = app.test_client().post(WEBHOOK, data=body, headers={"Stripe-Signature": sign(
        body, fake_stripe.webhook_secret)})
    assert answer.status_code == 400 and answer.get_json()["error"]
    assert query(clean_db, "SELECT count(*) FROM stripe_events") == [(0,)]


def test_an_unknown_guild_or_price_is_acknowledged_and_not_applied(app, runtime, fake_stripe, clock, guild,
                                                                    clean_db, caplog):
    events = checkout(runtime, fake_stripe, clock)
    sub = events[1]["data"]["object"]
    no_guild = fake_stripe.event("customer.subscription.created", {**sub, "id": "sub_elsewhere",
                                                                   "customer": "cus_elsewhere", "metadata": {}},
                                 clock.epoch)
    other_price = json.loads(json.dumps(sub))
    other_price["items"]["data"][0]["price"]["id"] = "price_of_another_product"
    unknown_price = fake_stripe.event("customer.subscription.updated", other_price, clock.epoch)
    client = app.test_client()
    assert deliver_all(client, fake_stripe, [no_guild, unknown_price]) == ["ignored", "ignored"]
    assert subscription_row(clean_db) is None
    assert query(clean_db, "SELECT outcome, note FROM stripe_events ORDER BY note") == [
        ("ignored", "unknown guild for subscription sub_elsewhere"), ("ignored", "unknown price price_of_another_product")]
    assert "acknowledged, not applied" in caplog.text
    assert tier_now(runtime, clock) == "free"


def test_the_webhook_is_a_503_when_stripe_is_not_configured(app, runtime, fake_stripe):
    runtime.settings.pop("STRIPE_WEBHOOK_SECRET")
    body, header = fake_stripe.signed({"id": "evt_1", "type": "invoice.paid", "created": 1, "data": {"object": {}}})
    answer = app.test_client().post(WEBHOOK, data=body, headers={"Stripe-Signature": header})
    assert answer.status_code == 503 and "not configured" in answer.get_json()["error"]


@pytest.mark.parametrize("type_, obj", [
    ("customer.subscription.updated", {"id": 7, "items": "many", "metadata": "guild"}),
    ("customer.subscription.updated", {"id": "sub_1", "metadata": {"guild_id": GUILD},
                                       "items": {"data": [{"price": {"id": PRICES["pro"]}, "current_period_end": "x"}]},
                                       "status": "active"}),
    ("invoice.paid", {"id": "in_1", "parent": {"subscription_details": {"subscription": "sub_1",
                                                                         "metadata": {"guild_id": GUILD}}},
                      "lines": {"data": [1, None, {"period": {"end": "soon"}}]}}),
    ("checkout.session.completed", {"mode": "subscription", "client_reference_id": GUILD * 3}),
    ("checkout.session.completed", {"mode": "subscription", "client_reference_id": GUILD, "metadata": []}),
    ("charge.refunded", {"id": "ch_1"}),
])
def test_a_signed_event_with_an_odd_object_is_acknowledged_never_a_500(app, fake_stripe, clock, clean_db,
                                                                        type_, obj):
    event = fake_stripe.event(type_, obj, clock.epoch)
    answer = deliver(app.test_client(), event, fake_stripe)
    assert answer.status_code == 200
    assert answer.get_json()["outcome"] in ("ignored", "applied")
    assert query(clean_db, "SELECT count(*) FROM stripe_events") == [(1,)]
    row = subscription_row(clean_db)
    assert row is None or row["premium_until"] is not None  # nothing odd ever grants premium with no end


def test_one_event_delivered_eight_times_at_once_is_applied_once(app, runtime, fake_stripe, clock, guild, clean_db,
                                                                 fake_discord):
    from concurrent.futures import ThreadPoolExecutor
    events = checkout(runtime, fake_stripe, clock)
    deliver_all(app.test_client(), fake_stripe, events[:1])
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda _: deliver(app.test_client(), events[1], fake_stripe).get_json()["outcome"],
                                 range(8)))
    assert sorted(outcomes) == ["applied"] + ["duplicate"] * 7
    assert modlog_titles(fake_discord) == ["StatusSync Pro is active"]


def test_the_database_down_is_a_503_so_stripe_retries(settings, fake_stripe, clock):
    from app import create_app
    app = create_app({**settings, "DATABASE_URL": "postgresql://postgres@127.0.0.1:9/none?connect_timeout=1"})
    event = fake_stripe.event("invoice.paid", {"id": "in_1"}, clock.epoch)
    answer = deliver(app.test_client(), event, fake_stripe)
    assert answer.status_code == 503 and "retry" in answer.get_json()["error"]
