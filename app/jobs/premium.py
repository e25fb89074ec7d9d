"""The premium job (Stripe's missed events pulled, then lapsed tiers expired) and manual premium (the
grant-premium and revoke-premium commands)."""
from datetime import timedelta

from .. import db
from ..premium import events, notices, reconcile
from ..premium.tiers import PAID
from . import job

EXPIRE_BATCH = 100
KEEP_EVENT_IDS = timedelta(days=45)  # longer than the Events API's 30 days the reconciler may read back


class BadArguments(ValueError):
    """A command-line argument that is not a guild id or a tier (python -m app exits 2 with it)."""


def _guild_id(value) -> int:
    text = str(value).strip()
    if not (text.isdigit() and 15 <= len(text) <= 20 and int(text) < 2 ** 63):
        raise BadArguments(f"GUILD must be a Discord guild id (15-20 digits), not {text[:40]!r}")
    return int(text)


def _days(value) -> int | None:
    if value is None:
        return None
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= 3650:
        raise BadArguments(f"--days must be a whole number of days from 1 to 3650, not {text[:40]!r}")
    return int(text)


def check_arguments(guild_id, tier=None, days=None) -> None:
    """BadArguments naming the first argument that is wrong (before any database is opened)."""
    _guild_id(guild_id)
    if tier is not None and tier not in PAID:
        raise BadArguments(f"TIER must be one of {', '.join(PAID)}, not {str(tier)[:40]!r}")
    _days(days)


def grant(runtime, guild_id, tier: str, days=None) -> str:
    check_arguments(guild_id, tier, days)
    guild_id, days = _guild_id(guild_id), _days(days)
    now = runtime.clock()
    until = now + timedelta(days=days) if days else None
    with runtime.transaction() as conn:
        before = db.one(conn, "premium.subscription", {"guild_id": guild_id})
        db.one(conn, "premium.grant_manual", {"guild_id": guild_id, "tier": tier, "until": until, "now": now})
        after = db.one(conn, "premium.subscription", {"guild_id": guild_id})
        notice = notices.enqueue_change(conn, guild_id, before, after, now, key=f"premium-grant:{guild_id}:{now}")
    if notice:
        events.send_notices(runtime, [notice])
    return f"guild {guild_id} now has {tier}" + (f" until {until:%Y-%m-%d %H:%M} UTC" if until else " with no end date")


def revoke(runtime, guild_id) -> str:
    guild_id = _guild_id(guild_id)
    now = runtime.clock()
    with runtime.transaction() as conn:
        revoked = db.one(conn, "premium.revoke_manual", {"guild_id": guild_id, "now": now})
        live = revoked and revoked["status"] in ("active", "past_due", "canceling")
        notice = notices.enqueue_ended(conn, guild_id, revoked["tier"], now, key=f"premium-revoke:{guild_id}:{now}") \
            if live else None
    if notice:
        events.send_notices(runtime, [notice])
    return f"revoked manual premium of guild {guild_id}" if revoked else f"guild {guild_id} had no manual premium"


def expire_lapsed(runtime) -> int:
    """Mark expired what ran out (a period Stripe never renewed, a grace period over, a grant's end)."""
    expired = 0
    while True:
        now = runtime.clock()
        with runtime.transaction() as conn:
            rows = db.all_rows(conn, "premium.lapsed", {"now": now, "batch": EXPIRE_BATCH})
            ids = []
            for row in rows:
                db.run(conn, "premium.mark_expired", {"guild_id": row["guild_id"], "now": now})
                key = f"premium-expired:{row['guild_id']}:{row['premium_until'].isoformat()}"
                ids.append(notices.enqueue_ended(conn, row["guild_id"], row["tier"], now, key))
        if any(ids):
            events.send_notices(runtime, [i for i in ids if i])
        expired += len(rows)
        if len(rows) < EXPIRE_BATCH:
            return expired


@job("premium")
def expire_premium(runtime) -> str:
    budget = float(runtime.settings.get("JOB_BUDGET_SECONDS") or 40)
    pulled = reconcile.pull_missed_events(runtime, budget * 0.75)
    expired = expire_lapsed(runtime)
    with runtime.transaction() as conn:
        db.run(conn, "premium.forget_old_events", {"before": runtime.clock() - KEEP_EVENT_IDS})
    return f"{pulled}; {expired} premium subscription(s) expired"
