"""The reconciler (`python -m app job premium`): a delivery Stripe never made is recovered from the Events
API (paged, read back from where the last complete read began); Stripe unreachable leaves the same window
for the next run while lapsed tiers still expire."""
from datetime import timedelta

from tests.premium_support import (checkout, clock, deliver_all, fake_stripe, guild, query, settings,  # noqa: F401
                                   stripe_server, subscription_row, tier_now)


def test_a_dropped_delivery_is_recovered_by_the_reconciler(app, runtime, fake_stripe, clock, guild, clean_db,
                                                           fake_discord):
    from app.jobs import run_job
    client = app.test_client()
    events = checkout(runtime, fake_stripe, clock)
    deliver_all(client, fake_stripe, events[:1])  # only checkout.session.completed arrived
    clock.at(clock.now + timedelta(days=4))  # past the provisional grant: only the reconciler can tell
    assert tier_now(runtime, clock) == "free"
    summary = run_job(runtime, "premium")
    assert summary.startswith("Stripe events: 3 read, 2 missed and recorded"), summary
    row = subscription_row(clean_db)
    assert row["status"] == "active" and row["current_period_end"] > clock.now
    assert tier_now(runtime, clock) == "pro"
    assert query(clean_db, "SELECT source, count(*) FROM stripe_events GROUP BY source ORDER BY source") == [
        ("reconciler", 2), ("webhook", 1)]
    clock.at(clock.now + timedelta(hours=1))
    again = run_job(runtime, "premium")  # from where the last read began (less an overlap): nothing new
    assert again.startswith("Stripe events: 0 read, 0 missed and recorded"), again


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
                                                          f"{len(fake_stripe.events)} missed and recorded"
    pages = [p for m, path, p in fake_stripe.requests if path == "/v1/events"]
    assert len(pages) == 2 and "starting_after" in pages[1] and pages[0]["limit"] == "100"
    assert subscription_row(clean_db)["status"] == "active"  # the last update (day 59, + 1 s) resumed it


def test_stripe_unreachable_the_job_still_expires_and_reads_the_same_window_next_run(app, runtime, fake_stripe,
                                                                                      clock, guild, clean_db):
    from app.jobs import run_job
    from app.jobs.premium import grant
    events = checkout(runtime, fake_stripe, clock)
    grant(runtime, "811000000000000001", "pro", days=1)
    clock.at(clock.now + timedelta(days=2))
    runtime.settings["STRIPE_API_BASE"] = "http://127.0.0.1:9"
    summary = run_job(runtime, "premium")
    assert summary == "Stripe events: 0 read, 0 missed and recorded; then Stripe did not answer (next run); " \
                      "1 premium subscription(s) expired"
    assert query(clean_db, "SELECT count(*) FROM stripe_sync") == [(0,)]  # the read starts over next time
    runtime.settings["STRIPE_API_BASE"] = fake_stripe.base_url
    assert run_job(runtime, "premium").startswith(f"Stripe events: {len(events)} read, {len(events)} missed")
    assert tier_now(runtime, clock) == "pro"


def test_two_updates_in_one_second_are_settled_by_stripes_own_subscription(app, runtime, fake_stripe, clock, guild,
                                                                          clean_db):
    from app.jobs import run_job
    client = app.test_client()
    events = checkout(runtime, fake_stripe, clock)
    deliver_all(client, fake_stripe, events)
    sub_id = events[1]["data"]["object"]["id"]
    clock.at(clock.now + timedelta(days=1))
    [canceled] = fake_stripe.cancel_at_period_end(sub_id, clock.epoch)
    [resumed] = fake_stripe.cancel_at_period_end(sub_id, clock.epoch, cancel=False)  # the same second
    deliver_all(client, fake_stripe, [resumed, canceled])  # the last change arrives first
    row = subscription_row(clean_db)
    assert row["status"] == "canceling" and row["stripe_refresh_needed"]  # arrival order decided, for now
    clock.at(clock.now + timedelta(minutes=30))
    summary = run_job(runtime, "premium")
    assert "1 subscription(s) read again from Stripe" in summary, summary
    row = subscription_row(clean_db)
    assert row["status"] == "active" and not row["stripe_refresh_needed"]
    assert ("GET", f"/v1/subscriptions/{sub_id}", {}) in fake_stripe.requests
    assert "read again" not in run_job(runtime, "premium")


def test_a_subscription_stripe_no_longer_has_keeps_its_state_and_is_not_asked_again(app, runtime, fake_stripe, clock,
                                                                                   guild, clean_db):
    from app.premium import reconcile
    events = checkout(runtime, fake_stripe, clock)
    deliver_all(app.test_client(), fake_stripe, events)
    import psycopg2
    with psycopg2.connect(clean_db) as conn, conn.cursor() as cur:  # as two events of one second left it
        cur.execute("UPDATE premium_subscriptions SET stripe_refresh_needed = true")
    fake_stripe.subscriptions.clear()  # Stripe answers 404 for it now
    assert reconcile.refresh_subscriptions(runtime) == 0
    assert [path for _, path, _ in fake_stripe.requests if path.startswith("/v1/subscriptions/")] == [
        f"/v1/subscriptions/{events[1]['data']['object']['id']}"]
    row = subscription_row(clean_db)
    assert row["status"] == "active" and not row["stripe_refresh_needed"]
