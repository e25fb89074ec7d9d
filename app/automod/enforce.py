"""Acting on what the scan found, in the order that keeps the record true.

record(conn, ...)  in the scan's transaction (with the cursor advance): warning cases and the escalation
                   they decide, journal rows for timeouts, outbox rows for alerts and mod-log posts;
carry_out(...)     after commit, with no transaction open: deletions, then each journaled timeout or
                   escalation exactly once (journal.execute), then the outbox rows are sent;
report_deletions   one compact mod-log message per guild per scan run listing what was deleted.
"""
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from app import guild_settings, outbox
from app.automod.engine import evaluate_batch
from app.discord.errors import DiscordError
from app.discord.snowflake import created_at
from app.moderation.text import safe_text

log = logging.getLogger(__name__)

BULK_DELETE_MAX = 100
BULK_DELETE_AGE = timedelta(days=14) - timedelta(minutes=5)  # margin: the request takes time to arrive
DELETING_ACTIONS = ("delete", "warn", "timeout")  # like Discord's own AutoMod, a punishment also removes the message
ALERT_EMBEDS_PER_MESSAGE = 10
AUDIT_REASON = "StatusSync automod"
SUMMARY_LINES = 25


class Verdict:
    """What the scan decided about a batch, before anything is done on Discord."""

    def __init__(self, flagged):
        self.flagged = len(flagged)
        self.doomed, self.punished, self.alerts, self.why = [], {}, {}, {}
        for message, violations in flagged:
            if any(v.action in DELETING_ACTIONS for v in violations):
                self.doomed.append(message["id"])
                first = next(v for v in violations if v.action in DELETING_ACTIONS)
                self.why[message["id"]] = (str(message["author"]["id"]), first.rule_type)
            for violation in violations:
                author = str(message["author"]["id"])
                if violation.action in ("warn", "timeout"):  # once per member, action and rule in a batch
                    self.punished.setdefault((author, violation.action, violation.rule_type), (message, violation))
                elif violation.action == "alert" and violation.alert_channel_id:
                    self.alerts.setdefault(violation.alert_channel_id, []).append((message, violation))

    @property
    def warns(self) -> bool:
        return any(action == "warn" for _, action, _ in self.punished)


def judge(compiled, messages, roles_of):
    """Pure: the verdict on `messages` (oldest first); nothing is sent or written."""
    return Verdict(evaluate_batch(compiled, messages, roles_of))


@dataclass
class Plan:
    """What record() wrote and carry_out() must now do on Discord."""
    guild_id: str
    channel_id: str
    verdict: Verdict
    timeouts: list = field(default_factory=list)  # journal rows
    escalations: list = field(default_factory=list)  # escalation.Plan
    outbox_ids: list = field(default_factory=list)
    warned: int = 0


def _reason(violation) -> str:
    return safe_text(f"AutoMod ({violation.rule_type}): {violation.reason}", 512)


def _details(message, violation) -> dict:
    return {"rule": violation.rule_type, "channel_id": message["channel_id"], "message_id": message["id"],
            "matched": safe_text(violation.matched, 200)}


def record(conn, guild_id, channel_id, verdict, now, *, bot_id, guild_name=None) -> Plan:
    """In the scan's transaction: every record of the verdict, nothing sent (the caller commits)."""
    from app.moderation import journal
    from app.moderation.actions import record_warning
    plan = Plan(str(guild_id), str(channel_id), verdict)
    settings = guild_settings.load(conn, guild_id)
    for (author, action, rule), (message, violation) in verdict.punished.items():
        if action == "warn":
            warning = record_warning(conn, guild_id=guild_id, user_id=author, moderator_id=None,
                                     reason=_reason(violation), now=now, settings=settings, source="automod",
                                     details=_details(message, violation), bot_id=bot_id, guild_name=guild_name)
            plan.warned += 1
            plan.outbox_ids += warning.outbox_ids
            if warning.escalation is not None:
                plan.escalations.append(warning.escalation)
            continue
        row, fresh = journal.open_action(
            conn, guild_id=guild_id, user_id=author, action="timeout", moderator_id=None, reason=_reason(violation),
            now=now, source="automod", key=f"automod:{guild_id}:{message['id']}:timeout:{rule}",
            until=now + timedelta(seconds=violation.duration), details=_details(message, violation))
        if fresh:
            plan.timeouts.append(row)
    for alert_channel, items in verdict.alerts.items():
        plan.outbox_ids += queue_alerts(conn, guild_id, alert_channel, items, now)
    return plan


def carry_out(discord, conn, plan: Plan, now) -> dict:
    """After commit: deletions, journaled timeouts and escalations, then the outbox. Counts by action."""
    from app.moderation import escalation, journal
    verdict = plan.verdict
    counts = {"flagged": verdict.flagged, "deleted": 0, "warned": plan.warned, "timed_out": 0,
              "alerted": sum(len(items) for items in verdict.alerts.values()), "removed": []}
    deleted = delete_messages(discord, plan.channel_id, verdict.doomed, now)
    counts["deleted"] = len(deleted)
    counts["removed"] = [(plan.channel_id, m, *verdict.why.get(m, ("?", "?"))) for m in verdict.doomed if m in deleted]
    ids = list(plan.outbox_ids)
    for row in plan.timeouts:
        result = journal.execute(discord, conn, row["id"], now)
        if result is None:
            continue
        if result.error is not None and result.error.status != 409:
            log.warning("guild %s: automod timeout of %s refused: %s", plan.guild_id, row["user_id"], result.error)
        if result.case is not None or result.pending:
            counts["timed_out"] += 1
        ids += result.outbox_ids
    for planned in plan.escalations:
        result, note = escalation.carry_out(discord, conn, planned, now)
        if result is not None:
            ids += result.outbox_ids
            if result.error is not None:
                log.warning("guild %s: %s", plan.guild_id, note)
    outbox.deliver(discord, conn, now, ids=ids)
    return counts


def delete_messages(discord, channel_id, message_ids, now):
    """Bulk delete what is young enough (≤100 per call), single DELETE otherwise; vanished ones are skipped."""
    young = [i for i in message_ids if now - created_at(i) < BULK_DELETE_AGE]
    old = [i for i in message_ids if now - created_at(i) >= BULK_DELETE_AGE]
    deleted, singles = set(), list(old)
    for start in range(0, len(young), BULK_DELETE_MAX):
        chunk = young[start:start + BULK_DELETE_MAX]
        if len(chunk) == 1:
            singles += chunk
            continue
        try:
            discord.post(f"/channels/{channel_id}/messages/bulk-delete", {"messages": chunk}, reason=AUDIT_REASON)
            deleted.update(chunk)
        except DiscordError as error:
            if error.status == 403:
                log.warning("channel %s: can't delete messages (missing Manage Messages): %s", channel_id, error)
                return deleted
            singles += chunk  # e.g. one of them vanished or aged out meanwhile: one by one instead
    for message_id in singles:
        try:
            discord.delete(f"/channels/{channel_id}/messages/{message_id}", reason=AUDIT_REASON)
            deleted.add(message_id)
        except DiscordError as error:
            if error.status == 404:
                log.info("channel %s: message %s vanished before deletion; skipped", channel_id, message_id)
                deleted.add(message_id)  # gone either way
            else:
                log.warning("channel %s: deleting message %s failed: %s", channel_id, message_id, error)
    return deleted


def queue_alerts(conn, guild_id, alert_channel_id, items, now) -> list:
    """One embed per flagged message, up to 10 per alert message, through the outbox; the row ids."""
    from app.discord.messages import embed
    embeds = [embed(f"AutoMod flagged a message ({violation.rule_type})",
                    safe_text(message.get("content")) or "(no text)",
                    fields=[("Member", f"<@{message['author']['id']}>", True),
                            ("Channel", f"<#{message['channel_id']}>", True),
                            ("Why", safe_text(violation.reason)),
                            ("Message", f"https://discord.com/channels/{guild_id}/{message['channel_id']}/{message['id']}")],
                    color=0xFEE75C)
              for message, violation in items]
    return [outbox.enqueue(conn, guild_id=guild_id, channel_id=alert_channel_id,
                           body={"embeds": embeds[start:start + ALERT_EMBEDS_PER_MESSAGE]}, now=now)
            for start in range(0, len(embeds), ALERT_EMBEDS_PER_MESSAGE)]


def report_deletions(discord, conn, guild_id, removed, now) -> int | None:
    """One compact mod-log entry for a scan run's deletions in a guild (queued, then sent); its outbox id."""
    from app.discord.messages import clip, embed
    if not removed:
        return None
    channel_id = guild_settings.load_section(conn, guild_id, "modlog")["channel_id"]
    if not channel_id:
        conn.rollback()
        return None
    lines = [f"<#{channel}> · <@{author}> · {rule}" for channel, _, author, rule in removed[:SUMMARY_LINES]]
    if len(removed) > SUMMARY_LINES:
        lines.append(f"…and {len(removed) - SUMMARY_LINES} more.")
    count = len(removed)
    row_id = outbox.enqueue(conn, guild_id=guild_id, channel_id=channel_id, now=now, body={"embeds": [
        embed(f"AutoMod deleted {count} message{'s' if count != 1 else ''}", clip("\n".join(lines), 4000),
              color=0x99AAB5, footer="Channel · member · rule")]})
    conn.commit()
    outbox.deliver(discord, conn, now, ids=[row_id])
    return row_id
