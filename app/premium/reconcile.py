"""The reconciler's half of the premium job: Stripe's Events API read back (newest first, a page at a time)
from where the last complete read began, and every event never applied put through the webhook's code."""
import logging
import time
from datetime import timedelta

from .. import db
from . import events, stripe_api
from .handlers import REFRESH_PREFIX

log = logging.getLogger(__name__)

MAX_LOOKBACK = timedelta(days=30)    # the Events API keeps 30 days; a first run reads all of them
OVERLAP = timedelta(minutes=10)      # events are listed by `created`; one made just before a read can appear after
PAGE = 100


def pull_missed_events(runtime, budget_s: float) -> str:
    if not runtime.settings.get("STRIPE_SECRET_KEY"):
        return "Stripe is not configured"
    started, now = time.monotonic(), runtime.clock()
    with runtime.connection() as conn:
        row = db.one(conn, "premium.synced_until", {})
        conn.rollback()
    since = max(now - MAX_LOOKBACK, row["synced_until"] - OVERLAP if row else now - MAX_LOOKBACK)
    params = {"types": list(events.TYPES), "created": {"gte": int(since.timestamp())}, "limit": PAGE}
    seen = missed = 0
    while True:
        if time.monotonic() - started > budget_s:
            return f"Stripe events: {seen} read, {missed} missed and recorded; out of time, the rest next run"
        try:
            page = stripe_api.list_events(runtime.settings, params)
        except stripe_api.StripeUnavailable:
            return f"Stripe events: {seen} read, {missed} missed and recorded; then Stripe did not answer (next run)"
        except stripe_api.StripeRefused:
            return f"Stripe events: {seen} read, {missed} missed and recorded; then Stripe refused the read (logged)"
        listed = [event for event in page.get("data") or [] if isinstance(event, dict) and event.get("id")]
        seen += len(listed)
        with runtime.connection() as conn:
            known = {r["event_id"] for r in db.all_rows(conn, "premium.known_events",
                                                         {"event_ids": [e["id"] for e in listed]})}
            conn.rollback()
        for event in reversed(listed):  # oldest first: the order does not matter, the log reads better
            if event["id"] not in known:
                try:
                    outcome = events.apply_and_report(runtime, event, "reconciler")
                except events.MalformedEvent:
                    log.warning("stripe event %s from the Events API is malformed", event["id"])
                    continue
                missed += outcome.outcome != "duplicate"
        if not page.get("has_more") or not listed:
            break
        params = {**params, "starting_after": listed[-1]["id"]}
    with runtime.transaction() as conn:
        db.run(conn, "premium.save_synced_until", {"synced_until": now})
    refreshed = refresh_subscriptions(runtime)
    return f"Stripe events: {seen} read, {missed} missed and recorded" + (
        f"; {refreshed} subscription(s) read again from Stripe" if refreshed else "")


def refresh_subscriptions(runtime, batch: int = 50) -> int:
    """Subscriptions whose events of one second disagreed: Stripe's current object decides, applied as an
    event of that second through the same code (a later event still wins)."""
    with runtime.connection() as conn:
        rows = db.all_rows(conn, "premium.needing_refresh", {"batch": batch})
        conn.rollback()
    done = 0
    for row in rows:
        try:
            sub = stripe_api.retrieve_subscription(runtime.settings, row["stripe_subscription_id"])
        except stripe_api.StripeUnavailable:
            break  # the flags stay: next run
        except stripe_api.StripeRefused:  # gone from Stripe: the events applied are all there is
            log.warning("subscription %s of guild %s could not be read from Stripe; keeping its state",
                        row["stripe_subscription_id"], row["guild_id"])
            with runtime.transaction() as conn:
                db.run(conn, "premium.refreshed", {"guild_id": row["guild_id"]})
            continue
        stamp = int(runtime.clock().timestamp())
        deleted = sub.get("status") == "canceled"
        events.apply_and_report(runtime, {
            "id": f"{REFRESH_PREFIX}{row['stripe_subscription_id']}_{stamp}"[:255],
            "type": "customer.subscription.deleted" if deleted else "customer.subscription.updated",
            "created": int(row["stripe_state_at"].timestamp()), "data": {"object": sub}}, "reconciler")
        done += 1
    return done
