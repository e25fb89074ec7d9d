"""The one tiers table: every limit a feature enforces per tier is a column here, nowhere else.

Features ask `limit(conn, guild_id, now, "custom_commands")` and refuse with `over_limit(...)`; a tier a
guild paid for (Stripe) or was granted by hand (`python -m app grant-premium`) counts while its
`premium_until` has not passed (app/premium/state.py says what that is for each Stripe status).
"""
from dataclasses import asdict, dataclass

from .. import db


@dataclass(frozen=True)
class Tier:
    name: str
    title: str
    price: str                 # shown on /premium and the dashboard; Stripe's price is the truth
    price_setting: str | None  # the setting holding this tier's Stripe price id
    custom_commands: int       # guild commands made with /cc (Discord allows 100 guild commands in all)
    automod_words: int         # bad words, up to automod's own 5,000 (Discord holds 1,000 a rule; the scan the rest)
    backups: int               # stored backups per guild
    ai_answers_per_day: int    # /ask answers per guild per UTC day
    ai_answers_per_member_day: int
    level_rewards: int         # level-role rewards (/config levelrole)
    backup_interval_hours: int  # the shortest schedule of automatic backups


TIERS = {tier.name: tier for tier in (
    Tier("free", "Free", "free", None, custom_commands=10, automod_words=1000, backups=2,
         ai_answers_per_day=25, ai_answers_per_member_day=5, level_rewards=5, backup_interval_hours=168),
    Tier("basic", "Basic", "$4.99 / month", "STRIPE_PRICE_BASIC", custom_commands=25, automod_words=2500,
         backups=10, ai_answers_per_day=200, ai_answers_per_member_day=20, level_rewards=15,
         backup_interval_hours=24),
    Tier("pro", "Pro", "$9.99 / month", "STRIPE_PRICE_PRO", custom_commands=50, automod_words=4000,
         backups=25, ai_answers_per_day=1000, ai_answers_per_member_day=50, level_rewards=30,
         backup_interval_hours=6),
    Tier("enterprise", "Enterprise", "$24.99 / month", "STRIPE_PRICE_ENTERPRISE", custom_commands=90,
         automod_words=5000, backups=100, ai_answers_per_day=5000, ai_answers_per_member_day=200,
         level_rewards=50, backup_interval_hours=1),
)}
PAID = tuple(name for name in TIERS if name != "free")
LIMITS = {  # limit name -> what a member calls it
    "custom_commands": "custom commands", "automod_words": "automod bad words", "backups": "stored backups",
    "ai_answers_per_day": "AI answers a day", "ai_answers_per_member_day": "AI answers a day per member",
    "level_rewards": "level-role rewards",
}


def tier_of(conn, guild_id, now) -> Tier:
    """The guild's tier now: its subscription's while it counts, else free."""
    row = db.one(conn, "premium.current_tier", {"guild_id": int(guild_id), "now": now})
    return TIERS.get(row["tier"] if row else "free", TIERS["free"])


def limit(conn, guild_id, now, name: str) -> int:
    return getattr(tier_of(conn, guild_id, now), name)


def over_limit(tier: Tier, name: str, used: int) -> str:
    """The refusal a feature gives when `used` has reached the tier's `name` limit."""
    allowed, what = getattr(tier, name), LIMITS[name]
    better = next((t for t in TIERS.values() if getattr(t, name) > allowed), None)
    upgrade = (f" {better.title} allows {getattr(better, name)}: see `/premium` to upgrade." if better
               else "")
    return f"This server has {used} of the {allowed} {what} the {tier.title} tier allows.{upgrade}"


def check_room(conn, guild_id, now, name: str, used: int, adding: int = 1) -> None:
    """UserError (naming the limit and the upgrade) when `adding` more would pass the tier's `name` limit."""
    from ..errors import UserError
    tier = tier_of(conn, guild_id, now)
    if used + adding > getattr(tier, name):
        raise UserError(over_limit(tier, name, used))


def price_ids(settings: dict) -> dict:
    """{Stripe price id: tier name} of the configured tiers."""
    return {settings.get(t.price_setting): t.name for t in TIERS.values()
            if t.price_setting and settings.get(t.price_setting)}


def describe(tier: Tier) -> dict:
    """A tier as the dashboard's tiers route and /premium show it."""
    fields = asdict(tier)
    fields.pop("price_setting")
    return {"name": fields.pop("name"), "title": fields.pop("title"), "price": fields.pop("price"),
            "limits": fields}
