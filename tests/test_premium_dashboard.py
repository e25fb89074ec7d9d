"""The dashboard's premium routes, logged in through the fake Discord's OAuth2: status (dashboard access),
checkout and portal (managers, CSRF), the webhook beside them (no session, no CSRF: Stripe's signature), every
answer checked against the OpenAPI description."""
import pytest

from app import create_app
from tests.dashboard_support import (  # noqa: F401  (fixtures)
    GUILD, MANAGER, MEMBER, OWNER, READ_ROLE, READER, WRITE_ROLE, WRITER, Api, api_as, clock, dash_discord,
    dash_settings, route_template)
from tests.premium_support import PRICES, deliver, fake_stripe, query, stripe_server  # noqa: F401

CHECKOUT, PORTAL, STATUS = "/dashboard/premium/checkout", "/dashboard/premium/portal", "/dashboard/premium/status"


@pytest.fixture
def dash_app(dash_settings, fake_stripe):
    return create_app({**dash_settings, "STRIPE_SECRET_KEY": fake_stripe.api_key,
                       "STRIPE_WEBHOOK_SECRET": fake_stripe.webhook_secret, "STRIPE_API_BASE": fake_stripe.base_url,
                       "STRIPE_PRICE_BASIC": PRICES["basic"], "STRIPE_PRICE_PRO": PRICES["pro"],
                       "STRIPE_PRICE_ENTERPRISE": PRICES["enterprise"]})


@pytest.fixture
def owner(dash_app, dash_discord):
    owner = api_as(dash_app, dash_discord, OWNER)
    granted = owner.post("/dashboard/api/access", {"grants": [{"role_id": READ_ROLE, "level": "read"},
                                                              {"role_id": WRITE_ROLE, "level": "write"}]})
    assert granted.status_code == 200
    return owner


def pay(dash_app, fake_stripe, clock, session_id):
    for event in fake_stripe.complete_checkout(session_id, int(clock.now.timestamp())):
        assert deliver(dash_app.test_client(), event, fake_stripe).status_code == 200


def test_a_manager_buys_a_tier_and_then_manages_it_in_the_portal(dash_app, dash_discord, fake_stripe, clock, owner,
                                                                 clean_db):
    assert owner.get(STATUS).get_json()["tier"] == "free"
    assert owner.post(PORTAL).status_code == 404  # no Stripe customer yet
    started = owner.post(CHECKOUT, {"tier": "pro"})
    assert started.status_code == 200 and started.get_json()["url"].startswith("https://checkout.stripe.test/")
    sent = fake_stripe.requests[-1][2]
    assert sent["client_reference_id"] == GUILD and sent["metadata"]["started_by"] == OWNER
    assert sent["success_url"].startswith("http://localhost/dashboard/")
    pay(dash_app, fake_stripe, clock, started.get_json()["id"])
    shown = owner.get(STATUS).get_json()
    assert (shown["tier"], shown["status"], shown["has_customer"]) == ("pro", "active", True)
    assert shown["usage"]["custom_commands"] == {"used": 0, "allowed": 50}
    assert owner.post(CHECKOUT, {"tier": "enterprise"}).status_code == 409
    portal = owner.post(PORTAL)
    assert portal.status_code == 200 and portal.get_json()["url"].startswith("https://billing.stripe.test/")


def test_only_managers_buy_readers_see_the_status(dash_app, dash_discord, fake_stripe, owner):
    reader, writer = api_as(dash_app, dash_discord, READER), api_as(dash_app, dash_discord, WRITER)
    assert reader.get(STATUS).status_code == 200 and reader.get(STATUS).get_json()["can_manage"] is False
    for api in (reader, writer, api_as(dash_app, dash_discord, MEMBER)):
        assert api.post(CHECKOUT, {"tier": "pro"}).status_code == 403
        assert api.post(PORTAL).status_code == 403
    assert Api(dash_app).post(CHECKOUT, {"tier": "pro"}).status_code == 401
    assert not any(path == "/v1/checkout/sessions" for _, path, _ in fake_stripe.requests)


def test_checkout_needs_the_csrf_token_and_a_real_tier(dash_app, dash_discord, fake_stripe, owner):
    assert owner.post(CHECKOUT, {"tier": "pro"}, csrf=False).status_code == 403
    for body in ({"tier": "gold"}, {"tier": "free"}, {"tier": 3}, {"tier": "pro", "price": "price_1"}, {}):
        answer = owner.post(CHECKOUT, body)
        assert answer.status_code == 400 and answer.get_json()["error"], body
    assert fake_stripe.requests == []


def test_stripe_unreachable_at_checkout_the_page_says_so_and_nothing_is_recorded(dash_app, dash_discord, owner,
                                                                                  clean_db):
    dash_app.extensions["statussync"].settings["STRIPE_API_BASE"] = "http://127.0.0.1:9"
    answer = owner.post(CHECKOUT, {"tier": "basic"})
    assert answer.status_code == 503 and "can't be reached" in answer.get_json()["error"]
    assert query(clean_db, "SELECT count(*) FROM premium_subscriptions") == [(0,)]
    assert query(clean_db, "SELECT count(*) FROM stripe_events") == [(0,)]


def test_the_webhook_needs_no_session_and_no_csrf_but_stripes_signature(dash_app, dash_discord, fake_stripe, owner,
                                                                        clock):
    started = owner.post(CHECKOUT, {"tier": "basic"}).get_json()
    [completed, *_] = fake_stripe.complete_checkout(started["id"], int(clock.now.timestamp()))
    answer = deliver(owner.client, completed, fake_stripe)  # even with a dashboard session cookie and no token
    assert answer.status_code == 200 and answer.get_json() == {"received": True, "outcome": "applied"}
    forged = deliver(dash_app.test_client(), completed, fake_stripe, secret="whsec_forged")
    assert forged.status_code == 400


def test_every_premium_route_is_in_the_openapi_description(dash_app):
    from dashboard.openapi import description
    paths = description()["paths"]
    for rule in dash_app.url_map.iter_rules():
        if rule.rule.startswith("/dashboard/premium/"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in paths[route_template(rule.rule)], (method, rule.rule)
    tiers = Api(dash_app).get("/dashboard/premium/tiers", guild=None)  # validated against the description
    assert len(tiers.get_json()["tiers"]) == 4


def test_without_stripe_settings_checkout_and_portal_are_not_here(dash_app, dash_discord, owner):
    for key in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
        dash_app.extensions["statussync"].settings.pop(key)
    assert owner.get(STATUS).get_json()["checkout_available"] is False
    for path, body in ((CHECKOUT, {"tier": "pro"}), (PORTAL, {})):
        answer = owner.post(path, body)
        assert answer.status_code == 404 and "not configured" in answer.get_json()["error"]
