"""Signed Stripe events with hostile objects (hypothesis): the webhook answers 200 or 400, never a 5xx, and
never grants premium without an end."""
import json
import os

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from app import create_app
from tests.fakes.stripe_wire import sign
from tests.premium_support import GUILD, PRICES, WEBHOOK, clock, fake_stripe, query, settings, stripe_server  # noqa: F401

SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
odd = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 70, 2 ** 70), st.floats(allow_nan=True),
                st.text(max_size=12), st.sampled_from([GUILD, PRICES["pro"], "sub_1", "cus_1", "\x00", "active",
                                                        "past_due", "canceled", 10 ** 12, 1_700_000_000]))
values = st.recursive(odd, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                   st.dictionaries(st.sampled_from(
                                                       ["id", "price", "data", "period", "end", "guild_id",
                                                        "subscription", "metadata", "current_period_end",
                                                        "subscription_details", "pricing", "price_details"]),
                                                       inner, max_size=4)), max_leaves=12)
KEYS = ["id", "customer", "status", "metadata", "items", "cancel_at_period_end", "cancel_at", "ended_at",
        "current_period_end", "parent", "lines", "subscription", "mode", "client_reference_id", "payment_status",
        "subscription_details"]
objects = st.dictionaries(st.sampled_from(KEYS), values, max_size=8)
events = st.fixed_dictionaries({
    "id": st.one_of(st.from_regex(r"evt_[A-Za-z0-9]{1,12}", fullmatch=True), odd),
    "type": st.sampled_from(["checkout.session.completed", "customer.subscription.created",
                             "customer.subscription.updated", "customer.subscription.deleted", "invoice.paid",
                             "invoice.payment_failed", "charge.refunded"]),
    "created": st.one_of(st.integers(1, 2 ** 36), odd),
    "data": st.one_of(st.fixed_dictionaries({"object": objects}), odd)})


def test_hostile_signed_events_are_a_200_or_a_400(settings, fake_stripe, clean_db, reliability):
    app = create_app(settings)
    client = app.test_client()

    @hsettings(max_examples=150 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
    @given(events)
    def post(event):
        body = json.dumps(event).encode()
        answer = client.post(WEBHOOK, data=body, headers={"Stripe-Signature": sign(body, fake_stripe.webhook_secret)})
        assert answer.status_code in (200, 400), (answer.status_code, answer.get_data(as_text=True), event)
    post()
    assert query(clean_db, "SELECT count(*) FROM premium_subscriptions WHERE premium_until IS NULL") == [(0,)]
    reliability.record("Hostile input", "hypothesis: signed Stripe webhook events with hostile objects", 150 * SCALE,
                       "a 200 or a 400, never a 5xx; never premium without an end", unit="events")
