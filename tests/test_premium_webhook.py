"""Stripe's signed webhook: forged, stale and tampered signatures and bodies that are not events refused
(400, nothing recorded); unknown guilds and prices, odd objects acknowledged and not applied; one event
delivered many times at once applied once; the database down a 503 so Stripe retries."""
import json

import pytest

from tests.fakes.stripe_wire import sign
from tests.premium_support import (GUILD, PRICES, WEBHOOK, checkout, clock, deliver, deliver_all,  # noqa: F401
                                   fake_stripe, guild, modlog_titles, query, settings, stripe_server,
                                   subscription_row, tier_now)


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


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"id": "evt_x"}', b'"text"', b'{"id": "evt_x", '
                                  b'"type": "invoice.paid", "created": 1099511627775, "data": {"object": {}}}'])
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


def test_the_webhook_is_a_404_when_stripe_is_not_configured(app, runtime, fake_stripe):
    runtime.settings.pop("STRIPE_WEBHOOK_SECRET")
    body, header = fake_stripe.signed({"id": "evt_1", "type": "invoice.paid", "created": 1, "data": {"object": {}}})
    answer = app.test_client().post(WEBHOOK, data=body, headers={"Stripe-Signature": header})
    assert answer.status_code == 404 and "not configured" in answer.get_json()["error"]


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
                                                                 fake_discord, reliability):
    from concurrent.futures import ThreadPoolExecutor
    events = checkout(runtime, fake_stripe, clock)
    deliver_all(app.test_client(), fake_stripe, events[:1])
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda _: deliver(app.test_client(), events[1], fake_stripe).get_json()["outcome"],
                                 range(8)))
    assert sorted(outcomes) == ["applied"] + ["duplicate"] * 7
    assert modlog_titles(fake_discord) == ["StatusSync Pro is active"]
    reliability.record("Faults", "Stripe: one event delivered 8 times at once", 8, "applied once; one mod-log notice",
                       unit="deliveries")


def test_the_database_down_is_a_503_so_stripe_retries(settings, fake_stripe, clock):
    from app import create_app
    app = create_app({**settings, "DATABASE_URL": "postgresql://postgres@127.0.0.1:9/none?connect_timeout=1"})
    event = fake_stripe.event("invoice.paid", {"id": "in_1"}, clock.epoch)
    answer = deliver(app.test_client(), event, fake_stripe)
    assert answer.status_code == 503 and "retry" in answer.get_json()["error"]


def test_the_started_notice_gives_the_renewal_only_once_stripe_said_it(app, runtime, fake_stripe, clock, guild,
                                                                       fake_discord):
    events = checkout(runtime, fake_stripe, clock)
    deliver_all(app.test_client(), fake_stripe, events[:1])  # the checkout alone: no period known yet
    [message] = fake_discord.channel_messages("860000000000000006")
    assert "Renews" not in message["embeds"][0]["description"]
    assert message["embeds"][0]["description"].startswith("This server now has the Pro tier.")


def test_a_timestamp_far_past_any_date_is_not_one(app, fake_stripe, clock, clean_db):
    sub = {"id": "sub_far", "status": "active", "customer": "cus_far", "metadata": {"guild_id": GUILD},
           "items": {"data": [{"price": {"id": PRICES["pro"]}, "current_period_end": 10 ** 20}]}}
    answer = deliver(app.test_client(), fake_stripe.event("customer.subscription.created", sub, clock.epoch),
                     fake_stripe)
    assert answer.status_code == 200 and answer.get_json()["outcome"] == "applied"
    assert subscription_row(clean_db)["current_period_end"] is None


@pytest.mark.parametrize("change", ["id", "type", "customer", "metadata"])
def test_nul_bytes_in_a_signed_event_are_refused_or_ignored_never_a_500(app, fake_stripe, clock, clean_db, change):
    sub = {"id": "sub_nul", "status": "active", "customer": "cus_nul", "metadata": {"guild_id": GUILD},
           "items": {"data": [{"price": {"id": PRICES["pro"]}, "current_period_end": clock.epoch + 86400}]}}
    event = fake_stripe.event("customer.subscription.created", sub, clock.epoch)
    if change in ("id", "type"):
        event[change] += "\x00"
    elif change == "customer":
        event["data"]["object"]["customer"] = "cus_\x00"
    else:
        event["data"]["object"]["metadata"] = {"guild_id": GUILD + "\x00"}
    answer = deliver(app.test_client(), event, fake_stripe)
    assert answer.status_code in (200, 400), answer.get_data(as_text=True)
    if answer.status_code == 200:
        row = subscription_row(clean_db)
        assert row is None or row["stripe_customer_id"] is None


def test_a_body_past_the_size_limit_is_a_413_before_any_work(app, fake_stripe, clean_db):
    body = b'{"id": "evt_big", "pad": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    answer = app.test_client().post(WEBHOOK, data=body, headers={"Stripe-Signature": sign(body, fake_stripe.webhook_secret)})
    assert answer.status_code == 413 and answer.is_json
    assert query(clean_db, "SELECT count(*) FROM stripe_events") == [(0,)]
