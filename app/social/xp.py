"""XP from activity: at most one award per member per 60 s, 15-25 XP drawn from the runtime's RNG.

Awards are decided from each message's own timestamp (a scan may run minutes later), kept
all-time in user_xp and per ISO week in user_xp_weekly. A level-up is written to xp_level_ups
in the same transaction; its Discord side effects happen after commit (app/social/level_rewards.py).
"""
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

from app import db, guild_settings
from app.errors import UserError
from app.social.levels import level_for_xp

MESSAGE_XP = (15, 25)
COMMAND_XP = 5
AWARD_WINDOW = timedelta(seconds=60)
MAX_LEVEL_REWARDS = 50


def validate_settings(values: dict) -> None:
    """The xp section's check (declared in app/social/__init__.py)."""
    rewards = values.get("level_roles")
    if rewards is None:
        return
    if len(rewards) > MAX_LEVEL_REWARDS:
        raise UserError(f"At most {MAX_LEVEL_REWARDS} level rewards.")
    for reward in rewards:
        level = reward.get("level") if isinstance(reward, dict) else None
        role_id = str(reward.get("role_id", "")) if isinstance(reward, dict) else ""
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 1000 or not role_id.isdigit():
            raise UserError('Each level reward is {"level": 1-1000, "role_id": "<role id>"}.')


def week_start(moment: datetime) -> date:
    """Monday of the ISO week `moment` falls in, in UTC."""
    day = moment.astimezone(timezone.utc).date()
    return day - timedelta(days=day.weekday())


def message_time(message: dict) -> datetime | None:
    """A Discord message's timestamp (ISO 8601), or None when it is missing or malformed."""
    try:
        moment = datetime.fromisoformat(str(message["timestamp"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def enabled(conn, guild_id) -> bool:
    return bool(guild_settings.load_section(conn, guild_id, "xp")["enabled"])


def award_activity(conn, *, guild_id, channel_id, events, draw_xp, now: datetime,
                   count_messages: bool = True) -> list:
    """Award XP for `events`, (user_id, moment) oldest first. Returns the level-ups as dicts.

    `draw_xp()` gives the amount and is called only for an award, so a seeded RNG is reproducible.
    Every author's row is locked first: two scans of one guild at once can't double an award.
    """
    if not events:
        return []
    guild = int(guild_id)
    user_ids = sorted({int(user_id) for user_id, _ in events})
    db.run(conn, "xp.ensure_members", {"guild_id": guild, "user_ids": user_ids})
    members = {row["user_id"]: dict(row, messages=0, old_level=row["level"])
               for row in db.all_rows(conn, "xp.lock_members", {"guild_id": guild, "user_ids": user_ids})}
    weekly = defaultdict(int)
    for user_id, moment in events:
        member = members[int(user_id)]
        member["messages"] += 1 if count_messages else 0
        last = member["last_award_at"]
        if last is not None and moment - last < AWARD_WINDOW:
            continue
        gained = draw_xp()
        member["xp"] += gained
        member["last_award_at"] = moment
        weekly[(int(user_id), week_start(moment))] += gained
    level_ups = []
    for user_id, member in members.items():
        level = level_for_xp(member["xp"])[0]
        db.run(conn, "xp.save_member", {"guild_id": guild, "user_id": user_id, "xp": member["xp"], "level": level,
                                        "messages": member["messages"], "last_award_at": member["last_award_at"]})
        if level > member["old_level"]:
            level_up = {"guild_id": guild, "user_id": user_id, "old_level": member["old_level"],
                        "new_level": level, "channel_id": int(channel_id) if channel_id else None, "now": now}
            db.run(conn, "xp.record_level_up", level_up)
            level_ups.append(level_up)
    for (user_id, week), gained in sorted(weekly.items()):
        db.run(conn, "xp.add_weekly", {"guild_id": guild, "week_start": week, "user_id": user_id, "xp": gained})
    return level_ups


def award_messages(conn, rng, guild_id, channel_id, messages: list, now: datetime) -> list:
    """XP for scanned messages (Discord message objects, oldest first); bots and odd ones skipped."""
    events = []
    for message in messages:
        author = message.get("author") or {}
        moment = message_time(message)
        if author.get("bot") or not str(author.get("id", "")).isdigit() or moment is None:
            continue
        events.append((author["id"], moment))
    return award_activity(conn, guild_id=guild_id, channel_id=channel_id, events=events,
                          draw_xp=lambda: rng.randint(*MESSAGE_XP), now=now)


def award_command_use(conn, guild_id, channel_id, user_id, now: datetime) -> list:
    """A little XP for using a StatusSync command, when the server turned it on (general.command_xp)."""
    if not guild_id:
        return []
    settings = guild_settings.load(conn, guild_id)
    if not settings["general"].get("command_xp") or not settings["xp"]["enabled"]:
        return []
    return award_activity(conn, guild_id=guild_id, channel_id=channel_id, events=[(user_id, now)],
                          draw_xp=lambda: COMMAND_XP, now=now, count_messages=False)
