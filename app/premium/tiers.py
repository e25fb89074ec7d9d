"""The one tiers table: every limit a feature enforces per tier is a column here, nowhere else.

Features ask `limit(conn, guild_id, now, "custom_commands")`; a tier a guild paid for (Stripe) or was
granted by hand (`python -m app grant-premium`) counts while it is active and not past its period end.
"""
from dataclasses import dataclass

from .. import db


@dataclass(frozen=True)
class Tier:
    name: str
    title: str
    custom_commands: int       # guild commands made with /cc (Discord allows 100 guild commands in all)
    ai_answers_per_day: int    # /ask answers per guild per UTC day
    ai_answers_per_member_day: int
    backups: int               # stored backups per guild
    backup_interval_hours: int  # the shortest schedule of automatic backups


TIERS = {tier.name: tier for tier in (
    Tier("free", "Free", custom_commands=10, ai_answers_per_day=25, ai_answers_per_member_day=5, backups=2,
         backup_interval_hours=168),
    Tier("basic", "Basic", custom_commands=25, ai_answers_per_day=200, ai_answers_per_member_day=20, backups=10,
         backup_interval_hours=24),
    Tier("pro", "Pro", custom_commands=50, ai_answers_per_day=1000, ai_answers_per_member_day=50, backups=25,
         backup_interval_hours=6),
    Tier("enterprise", "Enterprise", custom_commands=90, ai_answers_per_day=5000, ai_answers_per_member_day=200,
         backups=100, backup_interval_hours=1),
)}
PAID = tuple(name for name in TIERS if name != "free")


def tier_of(conn, guild_id, now) -> Tier:
    """The guild's tier now: its active subscription's, else free."""
    row = db.one(conn, "premium.current_tier", {"guild_id": int(guild_id), "now": now})
    return TIERS.get(row["tier"] if row else "free", TIERS["free"])


def limit(conn, guild_id, now, name: str) -> int:
    return getattr(tier_of(conn, guild_id, now), name)
