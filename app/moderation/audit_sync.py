"""Discord's audit log as the record of truth, read from a saved cursor per guild.

Moderation done outside StatusSync becomes cases; the bot's own actions confirm their journal rows
(journal.py), so an action whose answer never came still gets its one case, and any action of the
bot's with no journal row at all gets one too. Open rows the log doesn't confirm are cancelled.
"""
import logging

from datetime import timedelta

from .. import db, outbox
from ..discord.rest import DiscordError
from ..discord.snowflake import created_at, from_time
from . import journal, modlog
from .cases import record_case
from .text import safe_text

log = logging.getLogger(__name__)

MEMBER_KICK, MEMBER_BAN_ADD, MEMBER_BAN_REMOVE, MEMBER_UPDATE = 20, 22, 23, 24
AUTOMOD_BLOCK, AUTOMOD_ALERT, AUTOMOD_TIMEOUT = 143, 144, 145
AUTOMOD_ACTIONS = {AUTOMOD_BLOCK: "automod_block", AUTOMOD_ALERT: "automod_alert", AUTOMOD_TIMEOUT: "automod_timeout"}
PAGE = 100
UNCONFIRMED_AFTER = timedelta(minutes=5)  # an attempted action the audit log doesn't show by then didn't happen


def case_for_entry(entry: dict, bot_id) -> dict | None:
    """What case an audit-log entry means ({action, user_id, moderator_id, reason, by_bot, ...}), or None."""
    kind, actor = entry.get("action_type"), entry.get("user_id")
    if kind in AUTOMOD_ACTIONS:
        options = entry.get("options") or {}
        rule = options.get("auto_moderation_rule_name")
        reason = entry.get("reason") or (f"AutoMod rule: {rule}" if rule else "Discord AutoMod")
        return {"action": AUTOMOD_ACTIONS[kind], "user_id": entry.get("target_id") or actor, "moderator_id": None,
                "reason": reason, "details": {"rule": rule, "channel_id": options.get("channel_id")}, "by_bot": False}
    if not entry.get("target_id"):
        return None
    action = {MEMBER_KICK: "kick", MEMBER_BAN_ADD: "ban", MEMBER_BAN_REMOVE: "unban"}.get(kind)
    if kind == MEMBER_UPDATE:
        change = next((c for c in entry.get("changes") or [] if c.get("key") == "communication_disabled_until"), None)
        if change is None:
            return None
        action = "timeout" if change.get("new_value") else "untimeout"
    if action is None:
        return None
    return {"action": action, "user_id": entry["target_id"], "moderator_id": actor, "reason": entry.get("reason"),
            "details": {}, "by_bot": str(actor) == str(bot_id)}


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


def _first_cursor(conn, guild_id, now) -> int:
    """A guild's first sync starts at now (its old log isn't imported), or at its oldest open journal row."""
    oldest = db.one(conn, "journal.oldest_open_action", {"guild_id": int(guild_id)})["at"]
    start = min(now, oldest - UNCONFIRMED_AFTER) if oldest else now
    return max(0, from_time(start) - 1)


def _bots_own(conn, guild_id, entry, wanted, now):
    """An entry of the bot's: the journal row it confirms gets its case (the moderator and reason the
    journal recorded), a row already done is linked; an action with no row at all becomes a case."""
    row = db.one(conn, "journal.match_action", {"guild_id": int(guild_id), "user_id": int(wanted["user_id"]),
                                                "action": wanted["action"], "entry_at": created_at(entry["id"])})
    if row is None:
        return _record(conn, guild_id, entry, dict(wanted, details={"not_journaled": True}), now)
    db.run(conn, "journal.link_action", {"id": row["id"], "audit_entry_id": int(entry["id"])})
    if row["state"] == "done":
        db.run(conn, "journal.link_case", {"guild_id": int(guild_id), "case_number": row["case_number"],
                                           "audit_entry_id": int(entry["id"])})
        return None, []
    return journal.complete(conn, row, now, audit_entry_id=entry["id"], commit=False)


def _record(conn, guild_id, entry, wanted, now):
    if wanted["action"] in ("ban", "unban"):
        db.run(conn, "moderation.end_active_bans", {"guild_id": int(guild_id), "user_id": int(wanted["user_id"])})
    case = record_case(conn, guild_id, wanted["action"], wanted["user_id"], wanted["moderator_id"],
                       safe_text(wanted["reason"]), now, source="audit", audit_entry_id=entry["id"],
                       details=wanted["details"], active=False)
    return case, [i for i in [modlog.enqueue_case(conn, case, now)] if i]


def _close_unconfirmed(conn, guild_id, now) -> list:
    """Open rows Discord's log doesn't confirm after a few minutes: cancelled (attempted, not acted) or,
    never attempted, handed back for carrying out while they're recent. Returns the rows to carry out."""
    again = []
    for row in db.all_rows(conn, "journal.open_actions", {"guild_id": int(guild_id)}):
        if row["attempted_at"] is None and row["created_at"] > now - journal.RESUME_WITHIN:
            again.append(row["id"])
        elif (row["attempted_at"] or row["created_at"]) < now - UNCONFIRMED_AFTER:
            journal.cancel(conn, row, "Discord's audit log shows no such action", now, commit=False)
    return again


def sync_guild(discord, conn, guild_id, now) -> int:
    """Record cases for this guild's new audit-log entries; returns how many. The cursor row lock
    serialises concurrent runs per guild; the cases, the journal's completions and the cursor move
    commit together, then the mod-log posts are sent and unattempted journal rows carried out."""
    cursor = db.one(conn, "moderation.lock_audit_cursor", {"guild_id": int(guild_id), "now": now})
    first = cursor["created"] or not cursor["last_entry_id"]
    last = _first_cursor(conn, guild_id, now) if first else cursor["last_entry_id"]
    entries = _entries_after(discord, guild_id, last)
    recorded, ids = 0, []
    for entry in entries:
        wanted = case_for_entry(entry, discord.application_id)
        if wanted is None or db.one(conn, "moderation.has_audit_case",
                                    {"guild_id": int(guild_id), "audit_entry_id": int(entry["id"])}):
            continue
        case, queued = (_bots_own if wanted["by_bot"] else _record)(conn, guild_id, entry, wanted, now)
        recorded += case is not None
        ids += queued
    again = _close_unconfirmed(conn, guild_id, now)
    newest = int(entries[-1]["id"]) if entries else last
    if newest != cursor["last_entry_id"]:
        db.run(conn, "moderation.save_audit_cursor", {"guild_id": int(guild_id), "last_entry_id": newest, "now": now})
    conn.commit()
    outbox.deliver(discord, conn, now, ids=ids)
    for action_id in again:
        result = journal.execute(discord, conn, action_id, now)
        if result is not None:
            outbox.deliver(discord, conn, now, ids=result.outbox_ids)
    return recorded


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
