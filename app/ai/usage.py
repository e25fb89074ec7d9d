"""Answers per guild and per member per UTC day, against the tiers table; claimed before the provider is
called, given back when no answer came."""
from .. import db
from ..errors import UserError
from ..premium import tiers


def _key(guild_id, user_id, now) -> dict:
    return {"guild_id": int(guild_id), "user_id": int(user_id), "day": now.date()}


def claim(conn, guild_id, user_id, now) -> None:
    """Count one answer today, or UserError naming the quota that is used up (nothing counted then:
    the caller's transaction is not committed on a UserError)."""
    key = _key(guild_id, user_id, now)
    per_guild = tiers.limit(conn, guild_id, now, "ai_answers_per_day")
    per_member = tiers.limit(conn, guild_id, now, "ai_answers_per_member_day")
    if db.one(conn, "ai.claim_guild_answer", {**key, "max_answers": per_guild}) is None:
        raise UserError(f"This server has used its {per_guild} AI answers for today (UTC). They reset at "
                        "midnight UTC; `/premium` shows how to get more.")
    if db.one(conn, "ai.claim_member_answer", {**key, "max_answers": per_member}) is None:
        raise UserError(f"You have used your {per_member} AI answers for today (UTC). "
                        "They reset at midnight UTC.")


def refund(conn, guild_id, user_id, day) -> None:
    """Give back the answer claimed on `day` (a date) when the provider gave none."""
    key = {"guild_id": int(guild_id), "user_id": int(user_id), "day": day}
    db.run(conn, "ai.refund_guild_answer", key)
    db.run(conn, "ai.refund_member_answer", key)


def add_tokens(conn, guild_id, day, tokens: int) -> None:
    db.run(conn, "ai.add_tokens", {"guild_id": int(guild_id), "day": day, "tokens": int(tokens or 0)})


def today(conn, guild_id, user_id, now) -> dict:
    row = db.one(conn, "ai.usage_today", _key(guild_id, user_id, now))
    return row or {"guild_answers": 0, "guild_tokens": 0, "member_answers": 0}
