"""The dashboard's Backups and Premium tabs in Chromium: a backup made in the tab restores a role deleted in
the fake Discord (preview, Confirm, progress to the report); the premium tab shows the free tier's usage and
Upgrade goes to the fake Stripe's checkout page."""
import re
from types import SimpleNamespace

import pytest

from tests.browser import browser, live_server, page, screenshot  # noqa: F401  (fixtures)
from tests.dashboard_support import grant_read_access, log_in_browser as log_in
from tests.dashboard_support import (  # noqa: F401  (fixtures)
    GUILD, OWNER, READ_ROLE, READER, WRITE_ROLE, clock, dash_discord, dash_settings)
from tests.fakes.stripe import FakeStripe
from tests.premium_support import PRICES


@pytest.fixture(scope="module")
def stripe_server():
    fake = FakeStripe(prices=PRICES.values()).start()
    yield fake
    fake.stop()


def serve(settings):
    from app import create_app
    holder = {}

    def wsgi(environ, start_response):
        return holder["app"](environ, start_response)

    server = live_server(wsgi)
    base = server.__enter__()
    holder["app"] = create_app({**settings, "PUBLIC_URL": base})
    return server, SimpleNamespace(url=base, app=holder["app"], runtime=holder["app"].extensions["statussync"])


@pytest.fixture
def site(dash_settings, dash_discord):
    server, shown = serve(dash_settings)
    shown.fake = dash_discord
    yield shown
    server.__exit__(None, None, None)


@pytest.fixture
def selling_site(dash_settings, dash_discord, stripe_server):
    stripe_server.reset()
    server, shown = serve({**dash_settings, "STRIPE_SECRET_KEY": stripe_server.api_key,
                           "STRIPE_WEBHOOK_SECRET": stripe_server.webhook_secret, "STRIPE_API_BASE": stripe_server.base_url,
                           "STRIPE_PRICE_BASIC": PRICES["basic"], "STRIPE_PRICE_PRO": PRICES["pro"],
                           "STRIPE_PRICE_ENTERPRISE": PRICES["enterprise"]})
    shown.fake, shown.stripe = dash_discord, stripe_server
    yield shown
    server.__exit__(None, None, None)


def open_tab(page, site, tab, query=""):
    page.goto(site.url + f"/dashboard/{query}#/guild/{GUILD}/{tab}")
    page.wait_for_selector(f"#tab-panel[data-tab='{tab}'][data-state='ready']")


def test_a_backup_made_in_the_tab_restores_a_role_deleted_in_discord(page, site, clock):
    log_in(page, site, OWNER)
    open_tab(page, site, "backups")
    assert page.locator("#no-backups").is_visible()
    page.get_by_label("Note").fill("before the cleanup")
    page.get_by_role("button", name="Make a backup").click()
    page.wait_for_selector("#backups tbody tr")
    row = page.locator("#backups tbody tr").inner_text()
    assert "before the cleanup" in row and f"owner ({OWNER})" in row and "KB" in row
    screenshot(page, "dashboard-backups-list")

    site.fake.remove_role(GUILD, WRITE_ROLE)
    assert "Editors" not in [r["name"] for r in site.fake.guild(GUILD)["roles"]]
    page.get_by_role("button", name=re.compile("^Restore the backup of")).click()
    page.get_by_role("button", name="Preview").click()
    page.wait_for_selector("#diff-create li")
    assert "Editors" in page.locator("#diff-create").inner_text()
    assert re.search(r"\d+ already as saved", page.locator("#diff-kept").inner_text())
    assert page.locator("#diff-cannot").is_visible()
    screenshot(page, "dashboard-backups-preview")

    page.get_by_role("button", name="Confirm restore").click()
    page.wait_for_selector("#restore-progress")
    from app.backups.job import run_backups
    clock.advance(1)
    run_backups(site.runtime)  # the backups job carries out a confirmed dashboard restore, as cron runs it
    page.wait_for_selector("#restore-progress[data-state='done']", timeout=15000)
    assert "Editors" in page.locator("#report-created").inner_text()
    assert "Restore finished" in page.locator("#restore-progress").inner_text()
    assert "Editors" in [r["name"] for r in site.fake.guild(GUILD)["roles"]]
    screenshot(page, "dashboard-backups-restored")


def test_a_read_only_role_sees_the_backups_but_cannot_make_or_restore_one(browser, site):  # noqa: F811
    from app.backups import service
    with site.runtime.transaction() as conn:
        service.create(conn, site.runtime.discord, guild_id=GUILD, note="nightly", author_id=OWNER,
                       now=site.runtime.clock(), origin="dashboard")
    owner = browser.new_context(viewport={"width": 1280, "height": 800})
    reader = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = owner.new_page()
        log_in(page, site, OWNER)
        grant_read_access(page, site.url)

        page = reader.new_page()
        log_in(page, site, READER)
        open_tab(page, site, "backups")
        assert "nightly" in page.locator("#backups").inner_text()
        assert page.get_by_role("button", name="Make a backup").is_disabled()
        assert page.get_by_role("button", name=re.compile("^Restore the backup of")).count() == 0
        assert "Only server managers can restore" in page.locator("#restore-managers-only").inner_text()
        open_tab(page, site, "premium")
        assert page.get_by_role("button", name=re.compile("^Upgrade")).count() == 0
        assert "Only server managers can upgrade" in page.locator("#premium-status").inner_text()
        screenshot(page, "dashboard-backups-read-only")
    finally:
        owner.close()
        reader.close()


def test_the_premium_tab_says_plainly_when_premium_is_not_for_sale(page, site):
    log_in(page, site, OWNER)
    open_tab(page, site, "premium")
    assert "not for sale" in page.locator("#premium-not-configured").inner_text()
    assert page.get_by_role("button", name=re.compile("^Upgrade")).count() == 0
    assert "Free" in page.locator("#premium-status h3").inner_text()
    screenshot(page, "dashboard-premium-not-configured")


def test_the_premium_tab_shows_the_free_tiers_usage_and_upgrade_opens_stripe_checkout(page, selling_site):
    site = selling_site
    from tests.dashboard_support import api_as
    owner = api_as(site.app, site.fake, OWNER)
    for n in range(3):
        made = owner.post("/dashboard/api/custom", {"name": f"hello{n}", "template": "Hello!"})
        assert made.status_code in (200, 201), made.get_json()
    assert owner.post("/dashboard/api/backups", {"note": "one"}).status_code == 201

    log_in(page, site, OWNER)
    open_tab(page, site, "premium")
    assert "This server: Free" in page.locator("#premium-status h3").inner_text()
    assert page.locator("#premium-not-configured").count() == 0
    usage = {row.get_attribute("data-limit"): row.inner_text() for row in page.locator("#premium-usage tbody tr").all()}
    assert "3 of 10" in usage["custom_commands"] and "1 of 2" in usage["backups"]
    assert "0 of 25" in usage["ai_answers_per_day"] and "0 of 1,000" in usage["automod_words"]
    tiers = page.locator("#premium-tiers").inner_text()
    assert "$4.99 / month" in tiers and "$9.99 / month" in tiers and "Custom commands: 25" in tiers
    screenshot(page, "dashboard-premium")

    page.route("https://checkout.stripe.test/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<title>Stripe Checkout (fake)</title><h1>Pay</h1>"))
    page.get_by_role("button", name="Upgrade to Pro").click()
    page.wait_for_url("https://checkout.stripe.test/c/pay/*")
    [session] = list(site.stripe.sessions.values())
    assert page.url == session["url"] and session["_price"] == PRICES["pro"]
    assert session["success_url"] == f"{site.url}/dashboard/?checkout=success#/guild/{GUILD}/premium"

    open_tab(page, site, "premium", query="?checkout=success")  # Stripe sends the buyer back here
    assert "payment went through" in page.locator("#checkout-notice").inner_text()
    assert "checkout=" not in page.url  # said once, not again on reload
    screenshot(page, "dashboard-premium-checkout-success")
    open_tab(page, site, "premium", query="?checkout=canceled")
    assert "nothing was charged" in page.locator("#checkout-notice").inner_text()

    # Stripe completes the checkout and tells the webhook: the server is Pro, renews, and billing is managed
    from tests.premium_support import deliver_all
    at = int(site.runtime.clock().timestamp())
    deliver_all(site.app.test_client(), site.stripe, site.stripe.complete_checkout(session["id"], at))
    page.reload()
    page.wait_for_selector("#tab-panel[data-tab='premium'][data-state='ready']")
    status = page.locator("#premium-status").inner_text()
    assert "This server: Pro" in status and "Renews" in status and "3 of 50" in status
    assert page.get_by_role("button", name=re.compile("^Upgrade")).count() == 0  # one subscription a server
    screenshot(page, "dashboard-premium-pro")
    page.route("https://billing.stripe.test/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<title>Stripe billing portal (fake)</title>"))
    page.get_by_role("button", name="Manage billing").click()
    page.wait_for_url("https://billing.stripe.test/**")
    assert site.stripe.portal_sessions[-1]["return_url"].startswith(site.url + "/dashboard/")


def test_stripe_unreachable_at_checkout_is_said_plainly_and_nothing_is_opened(page, selling_site):
    site = selling_site
    log_in(page, site, OWNER)
    open_tab(page, site, "premium")
    site.stripe.fail_next(status=500, times=10)
    page.get_by_role("button", name="Upgrade to Basic").click()
    page.wait_for_selector("#notice .notice.error, .notice.error")
    assert "Stripe is unreachable" in page.locator(".notice.error").first.inner_text()
    assert page.url.startswith(site.url)
    assert site.stripe.sessions == {}
