"""A guild's usage against its tier's limits, as /premium and the dashboard's status show it."""
from .. import db, guild_settings
from . import state, tiers


def _backups(conn, guild_id) -> int | None:
    if not db.one(conn, "premium.table_present", {"table": "public.backups"})["present"]:
        return None  # the backups feature is not installed here
    return db.one(conn, "premium.backups_stored", {"guild_id": int(guild_id)})["n"]


def _automod_words(conn, guild_id) -> int:
    from ..automod.service import list_items
    return len(list_items(conn, guild_id, "words"))


def usage(conn, guild_id, now) -> dict:
    """{limit name: (used, allowed)}; used is None where the feature keeps no count here."""
    from ..ai import usage as ai_usage
    row = db.one(conn, "premium.subscription", {"guild_id": int(guild_id)})
    tier = tiers.TIERS[state.counts(row, now) or "free"]
    answers = ai_usage.today(conn, guild_id, 0, now)["guild_answers"]
    rewards = len(guild_settings.load_section(conn, guild_id, "xp").get("level_roles") or [])
    used = {"custom_commands": db.one(conn, "custom.count_commands", {"guild_id": int(guild_id)})["n"],
            "automod_words": _automod_words(conn, guild_id), "backups": _backups(conn, guild_id),
            "ai_answers_per_day": answers, "level_rewards": rewards}
    return {name: (count, getattr(tier, name)) for name, count in used.items()}
