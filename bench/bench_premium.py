"""Premium: the Stripe webhook's handling time (signature check + one transaction), new events and replays,
and the reconciler's time for 1,000 events of which 10 never arrived, against the fake Stripe on loopback.

    python bench/bench_premium.py [--events 1000] [--missing 10] [--runs 500]

Uses DATABASE_URL / TEST_DATABASE_URL (or postgresql://postgres@127.0.0.1:5432/postgres) to create and drop
its own throwaway database.

Measured (2026-12-01, 2 cores shared with other test runs, local PostgreSQL): webhook new event p50 1.9 ms,
p99 10 ms on a quiet machine (4.5 / 73 ms under load); replayed event p50 0.9 ms, p99 2.5 ms (1.7 / 40 ms).
construct_event is ~0.2 ms of it; the rest is PostgreSQL round trips and the commit. Reconciler: 1,000
events, 10 missing: 0.57-0.65 s in 10 pages of 100; a run with nothing new since the last: 10-50 ms.
"""
import argparse
import time
from datetime import datetime, timezone

from _common import percentiles, throwaway_database

from app import create_app
from app.premium import events as premium_events
from app.premium import reconcile
from tests.fakes.stripe import FakeStripe

PRICE = "price_pro_bench"
BASE_GUILD = 810000000000000000


def subscription(number: int, at: int, cancel: bool) -> dict:
    return {"id": f"sub_bench{number}", "object": "subscription", "customer": f"cus_bench{number}",
            "status": "active", "cancel_at_period_end": cancel, "cancel_at": None, "ended_at": None,
            "metadata": {"guild_id": str(BASE_GUILD + number)},
            "items": {"data": [{"price": {"id": PRICE}, "current_period_end": at + 30 * 86400}]}}


def bench_webhook(app, fake, runs: int, guilds: int) -> None:
    client, now = app.test_client(), int(time.time())
    def post(event):
        body, header = fake.signed(event)
        started = time.perf_counter()
        answer = client.post("/dashboard/premium/webhook", data=body, headers={"Stripe-Signature": header})
        took = time.perf_counter() - started
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return took, answer.get_json()["outcome"]
    sent = [fake.event("customer.subscription.updated", subscription(i % guilds, now, i % 2 == 1), now + i)
            for i in range(runs)]
    for event in sent[:50]:
        post(event)  # warm up: pools, imports
    fresh = [post(event) for event in sent[50:]]
    replays = [post(event) for event in sent[50:]]
    assert {outcome for _, outcome in fresh} == {"applied"} and {o for _, o in replays} == {"duplicate"}
    for label, samples in (("new event", fresh), ("replayed event", replays)):
        p50, p99 = percentiles([took for took, _ in samples])
        print(f"webhook, {label:15} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  ({len(samples)} requests, {guilds} guilds)")


def bench_reconciler(app, fake, total: int, missing: int) -> None:
    runtime = app.extensions["statussync"]
    fake.reset()
    now = int(time.time()) - 3600
    made = [fake.event("customer.subscription.updated", subscription(i, now, i % 3 == 0), now + i)
            for i in range(total)]
    dropped = set(range(0, total, max(1, total // missing))[:missing])
    with runtime.transaction() as conn:  # what the webhook had delivered: every event but the dropped ones
        for index, event in enumerate(made):
            if index not in dropped:
                premium_events.apply(conn, runtime.settings, event, runtime.clock(), "webhook")
    fake.requests.clear()
    started = time.perf_counter()
    summary = reconcile.pull_missed_events(runtime, budget_s=60)
    took = time.perf_counter() - started
    pages = sum(1 for _, path, _ in fake.requests if path == "/v1/events")
    print(f"reconciler: {total} events, {missing} missing: {took * 1000:.0f} ms, {pages} pages  ({summary})")
    started = time.perf_counter()
    again = reconcile.pull_missed_events(runtime, budget_s=60)
    print(f"reconciler again (nothing new since): {(time.perf_counter() - started) * 1000:.1f} ms  ({again})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--missing", type=int, default=10)
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()
    fake = FakeStripe(prices=[PRICE]).start()
    try:
        with throwaway_database() as url:
            app = create_app({"DATABASE_URL": url, "DISCORD_APPLICATION_ID": "100000000000000001",
                              "DISCORD_PUBLIC_KEY": "ab" * 32, "DISCORD_BOT_TOKEN": "bench",
                              "SECRET_KEY": "bench", "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",
                              "STRIPE_SECRET_KEY": fake.api_key, "STRIPE_WEBHOOK_SECRET": fake.webhook_secret,
                              "STRIPE_API_BASE": fake.base_url, "STRIPE_PRICE_PRO": PRICE,
                              "CLOCK": lambda: datetime.now(timezone.utc)})
            bench_webhook(app, fake, args.runs + 50, guilds=200)
            bench_reconciler(app, fake, args.events, args.missing)
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
