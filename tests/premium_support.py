"""Fixtures for the premium tests: a fake Stripe, settings pointing the app at it, a clock the test moves,
signed webhook deliveries, a guild with a mod-log channel, and a subscription's steps."""
from datetime import datetime, timezone

import psycopg2
import psycopg2.extras
import pytest

from app.premium import billing, tiers
from tests import interactions as ix
from tests.fakes.stripe import FakeStripe

GUILD, MODLOG = ix.GUILD_ID, "860000000000000006"
PRICES = {"basic": "price_basic_test", "pro": "price_pro_test", "enterprise": "price_enterprise_test"}
WEBHOOK = "/dashboard/premium/webhook"


class Clock:
    """The app's clock (settings CLOCK) and the time Stripe stamps its events with."""

    def __init__(self, now=None):
        # real time when each test starts (interactions are signed at real time, checked within 5 minutes)
        self.now = now or datetime.now(timezone.utc).replace(microsecond=0)

    def __call__(self):
        return self.now

    @property
    def epoch(self) -> int:
        return int(self.now.timestamp())

    def at(self, moment):
        self.now = moment
        return int(moment.timestamp())


@pytest.fixture(scope="module")
def stripe_server():
    fake = FakeStripe(prices=PRICES.values()).start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_stripe(stripe_server):
    stripe_server.reset()
    return stripe_server


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def settings(settings, fake_stripe, clock):
    return {**settings, "STRIPE_SECRET_KEY": fake_stripe.api_key, "STRIPE_WEBHOOK_SECRET": fake_stripe.webhook_secret,
            "STRIPE_API_BASE": fake_stripe.base_url, "STRIPE_PRICE_BASIC": PRICES["basic"],
            "STRIPE_PRICE_PRO": PRICES["pro"], "STRIPE_PRICE_ENTERPRISE": PRICES["enterprise"],
            "PUBLIC_URL": "https://statussync.example", "CLOCK": clock}


@pytest.fixture
def guild(fake_discord, runtime, clock):
    """The test guild with a mod-log channel set."""
    from app import guild_settings
    fake_discord.add_guild(GUILD, ix.OWNER_ID)
    fake_discord.add_channel(GUILD, MODLOG, name="mod-log")
    with runtime.transaction() as conn:
        guild_settings.update(conn, GUILD, "modlog", {"channel_id": MODLOG}, clock())
    return GUILD


def deliver(client, event, fake, secret=None, timestamp=None):
    """POST one event to the webhook as Stripe does (raw JSON body, Stripe-Signature header)."""
    body, header = fake.signed(event, secret=secret, timestamp=timestamp)
    return client.post(WEBHOOK, data=body, headers={"Stripe-Signature": header, "Content-Type": "application/json"})


def subscription_row(database_url, guild_id=GUILD):
    conn = psycopg2.connect(database_url, cursor_factory=psycopg2.extras.RealDictCursor)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT * FROM premium_subscriptions WHERE guild_id = %s", (int(guild_id),))
            return cur.fetchone()
    finally:
        conn.close()


def query(database_url, sql, *params):
    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    finally:
        conn.close()


def modlog_titles(fake_discord) -> list:
    return [embed.get("title") for message in fake_discord.channel_messages(MODLOG)
            for embed in message.get("embeds") or []]


# ------------------------------------------------------------ a subscription's life, as the tests drive it

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
