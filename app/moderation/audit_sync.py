"""Cases for moderation done outside StatusSync, read from each guild's audit log from a saved cursor."""
import logging

from .. import db, guild_settings
from ..discord.rest import DiscordError
from . import modlog
from .cases import record_case

log = logging.getLogger(__name__)

MEMBER_KICK, MEMBER_BAN_ADD, MEMBER_BAN_REMOVE, MEMBER_UPDATE = 20, 22, 23, 24
AUTOMOD_BLOCK, AUTOMOD_ALERT, AUTOMOD_TIMEOUT = 143, 144, 145
AUTOMOD_ACTIONS = {AUTOMOD_BLOCK: "automod_block", AUTOMOD_ALERT: "automod_alert", AUTOMOD_TIMEOUT: "automod_timeout"}
PAGE = 100


def case_for_entry(entry: dict, bot_id) -> dict | None:
    """What case an audit-log entry means ({action, user_id, moderator_id, reason, ...}), or None."""
    kind, actor = entry.get("action_type"), entry.get("user_id")
    if kind in AUTOMOD_ACTIONS:
        options = entry.get("options") or {}
        rule = options.get("auto_moderation_rule_name")
        reason = entry.get("reason") or (f"AutoMod rule: {rule}" if rule else "Discord AutoMod")
        return {"action": AUTOMOD_ACTIONS[kind], "user_id": entry.get("target_id") or actor, "moderator_id": None,
                "reason": reason, "details": {"rule": rule, "channel_id": options.get("channel_id")}}
    if str(actor) == str(bot_id) or not entry.get("target_id"):
        return None  # our own actions are recorded when we take them
    action = {MEMBER_KICK: "kick", MEMBER_BAN_ADD: "ban", MEMBER_BAN_REMOVE: "unban"}.get(kind)
    if kind == MEMBER_UPDATE:
        change = next((c for c in entry.get("changes") or [] if c.get("key") == "communication_disabled_until"), None)
        if change is None:
            return None
        action = "timeout" if change.get("new_value") else "untimeout"
    if action is None:
        return None
    return {"action": action, "user_id": entry["target_id"], "moderator_id": actor, "reason": entry.get("reason"),
            "details": {}}


def _entries_after(discord, guild_id, after: int) -> list:
    """Every entry newer than `after`, oldest first (Discord pages by 100)."""
    found = []
    while True:
        page = discord.get(f"/guilds/{guild_id}/audit-logs", params={"after": str(after), "limit": PAGE})
        entries = sorted((page or {}).get("audit_log_entries") or [], key=lambda e: int(e["id"]))
        entries = [e for e in entries if int(e["id"]) > after]
        found.extend(entries)
        if len(entries) < PAGE:
            return found
        after = int(entries[-1]["id"])


def sync_guild(discord, conn, guild_id, now) -> int:
    """Record cases for this guild's new audit-log entries; returns how many. The cursor row lock
    serialises concurrent runs per guild, and the case insert and the cursor move commit together."""
    cursor = db.one(conn, "moderation.lock_audit_cursor", {"guild_id": int(guild_id), "now": now})["last_entry_id"]
    entries = _entries_after(discord, guild_id, cursor)
    recorded = []
    for entry in entries:
        wanted = case_for_entry(entry, discord.application_id)
        if wanted is None or db.one(conn, "moderation.has_audit_case",
                                    {"guild_id": int(guild_id), "audit_entry_id": int(entry["id"])}):
            continue
        if wanted["action"] in ("ban", "unban"):
            db.run(conn, "moderation.end_active_bans", {"guild_id": int(guild_id), "user_id": int(wanted["user_id"])})
        recorded.append(record_case(conn, guild_id, wanted["action"], wanted["user_id"], wanted["moderator_id"],
                                    wanted["reason"], now, source="audit", audit_entry_id=entry["id"],
                                    details=wanted["details"], active=False))
    if entries:
        db.run(conn, "moderation.save_audit_cursor",
               {"guild_id": int(guild_id), "last_entry_id": int(entries[-1]["id"]), "now": now})
    conn.commit()
    channel_id = guild_settings.load_section(conn, guild_id, "modlog")["channel_id"]
    conn.rollback()
    for case in recorded:
        modlog.post_case(discord, channel_id, case)
    return len(recorded)


def bot_guilds(discord) -> list:
    """Ids of every guild the bot is in (GET /users/@me/guilds pages by 200)."""
    ids, after = [], "0"
    while True:
        page = discord.get("/users/@me/guilds", params={"after": after, "limit": 200}) or []
        ids.extend(g["id"] for g in page)
        if len(page) < 200:
            return ids
        after = page[-1]["id"]


def sync_all(runtime, now) -> tuple:
    """(cases recorded, guilds that failed, guilds left for next run): guilds least recently synced first,
    within the job's time budget (app/jobs/guilds.py); one guild's failure doesn't stop the others."""
    from ..jobs.guilds import serve_guilds
    counts = {"recorded": 0, "failed": 0}

    def sync_one(guild_id):
        with runtime.connection() as conn:
            try:
                counts["recorded"] += sync_guild(runtime.discord, conn, guild_id, now)
            except DiscordError as error:
                conn.rollback()
                counts["failed"] += 1
                log.warning("audit-log sync of guild %s failed: %s", guild_id, error)

    served = serve_guilds(runtime, "audit", lambda: bot_guilds(runtime.discord), sync_one)
    return counts["recorded"], counts["failed"], served.left
