"""Manual premium (grant/revoke from the command line) and the expiry of lapsed tiers."""
from datetime import timedelta

from .. import db
from ..premium.tiers import PAID as TIERS
from . import job


def grant(runtime, guild_id, tier: str, days=None) -> str:
    if tier not in TIERS or not str(guild_id).isdigit():
        raise SystemExit(f"statussync: tier must be one of {', '.join(TIERS)} and GUILD a guild id")
    now = runtime.clock()
    until = now + timedelta(days=days) if days else None
    with runtime.transaction() as conn:
        db.one(conn, "premium.grant_manual", {"guild_id": int(guild_id), "tier": tier, "until": until, "now": now})
    return f"guild {guild_id} now has {tier}" + (f" until {until:%Y-%m-%d %H:%M} UTC" if until else " with no end date")


def revoke(runtime, guild_id) -> str:
    with runtime.transaction() as conn:
        removed = db.run(conn, "premium.revoke_manual", {"guild_id": int(guild_id)})
    return f"revoked manual premium of guild {guild_id}" if removed else f"guild {guild_id} had no manual premium"


@job("premium")
def expire_premium(runtime) -> str:
    with runtime.transaction() as conn:
        expired = db.run(conn, "premium.expire", {"now": runtime.clock()})
    return f"{expired} premium subscription(s) expired"
