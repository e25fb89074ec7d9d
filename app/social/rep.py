"""Reputation: members thank each other with +1 rep, once per cooldown, logged.

The cooldown is a row claimed with one conditional upsert (sql/queries/rep.sql claim_cooldown),
so it holds when the same member sends /rep give twice at once: the second request waits for the
first's row lock and then finds the cooldown taken.
"""
from datetime import datetime, timedelta

from app import db, guild_settings
from app.errors import UserError

MAX_COOLDOWN_HOURS = 24 * 30
GIVER_WIDE = 0  # target_id of the giver's own cooldown row


def validate_settings(values: dict) -> None:
    """The rep section's check (declared in app/social/__init__.py)."""
    for key in ("cooldown_hours", "pair_cooldown_hours"):
        if key in values and values[key] is not None and not 0 <= values[key] <= MAX_COOLDOWN_HOURS:
            raise UserError(f"{key} must be between 0 and {MAX_COOLDOWN_HOURS} hours.")


class RepCooldown(UserError):
    """The giver must wait; `until` is when they may give again."""

    def __init__(self, message: str, until: datetime):
        super().__init__(message)
        self.until = until


def when(moment: datetime) -> str:
    """A Discord timestamp: each reader sees it in their own time zone, plus "in 5 hours"."""
    unix = int(moment.timestamp())
    return f"<t:{unix}:R> (<t:{unix}:f>)"


def check_target(giver_id: str, target) -> None:
    if str(target.id) == str(giver_id):
        raise UserError("You can't give reputation to yourself. Thank someone who helped you!")
    if target.is_bot:
        raise UserError("Bots don't collect reputation. Give it to a member who helped you.")


def _claim(conn, guild_id, giver_id, target_id, hours, now) -> datetime | None:
    """None when claimed, otherwise when the cooldown ends."""
    params = {"guild_id": int(guild_id), "giver_id": int(giver_id), "target_id": int(target_id),
              "available_at": now + timedelta(hours=hours), "now": now}
    if db.one(conn, "rep.claim_cooldown", params) is not None:
        return None
    return db.one(conn, "rep.cooldown_until", params)["available_at"]


def give(conn, *, guild_id, giver_id, giver_name: str, target_id, reason: str | None, now: datetime,
         interaction_id=None) -> int:
    """+1 rep from giver to target; returns the target's new total. RepCooldown when too soon.

    The caller owns the transaction: on RepCooldown it must roll back (a claimed giver cooldown
    must not survive a refused pair cooldown). Handlers do that by raising.
    """
    settings = guild_settings.load_section(conn, guild_id, "rep")
    if not settings["enabled"]:
        raise UserError("Reputation is turned off in this server.")
    until = _claim(conn, guild_id, giver_id, GIVER_WIDE, settings["cooldown_hours"] or 0, now)
    if until is not None:
        raise RepCooldown(f"You've already given reputation recently. You can give again {when(until)}.", until)
    until = _claim(conn, guild_id, giver_id, target_id, settings["pair_cooldown_hours"] or 0, now)
    if until is not None:
        raise RepCooldown(f"You gave <@{target_id}> reputation recently. You can give them rep again "
                          f"{when(until)}; you can thank someone else sooner.", until)
    total = db.one(conn, "rep.add_rep", {"guild_id": int(guild_id), "user_id": int(target_id), "now": now})["rep"]
    db.run(conn, "rep.log_rep", {"guild_id": int(guild_id), "giver_id": int(giver_id), "target_id": int(target_id),
                                 "giver_name": (giver_name or "")[:100], "reason": reason, "now": now,
                                 "interaction_id": int(interaction_id) if interaction_id else None})
    return total


def profile(conn, guild_id, user_id) -> dict:
    """What the rep card shows: rep, rank (None without rep), rep given, the two latest received."""
    key = {"guild_id": int(guild_id), "user_id": int(user_id)}
    row = db.one(conn, "rep.rep_of", key)
    rep = row["rep"] if row else 0
    rank = db.one(conn, "rep.rank_of", {**key, "rep": rep})["rank"] if rep > 0 else None
    given = db.one(conn, "rep.given_count", key)["given"]
    recent = db.all_rows(conn, "rep.recent_received", {**key, "limit": 2})
    return {"rep": rep, "rank": rank, "given": given, "recent": recent}


def top(conn, guild_id, limit: int = 10) -> list:
    return db.all_rows(conn, "rep.top", {"guild_id": int(guild_id), "limit": limit})
