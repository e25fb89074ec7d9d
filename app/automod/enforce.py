"""Acting on what the scan found, in the order that keeps the record true.

record(conn, ...)  in the scan's transaction (with the cursor advance): warning cases and the escalation
                   they decide, journal rows for timeouts, outbox rows for alerts and mod-log posts;
carry_out(...)     after commit, with no transaction open: deletions, then each journaled timeout or
                   escalation exactly once (journal.execute), then the outbox rows are sent;
(deletions.py: the deleted messages, one compact mod-log message per guild per scan run.)
"""
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from app import guild_settings, outbox
from app.automod import deletions
from app.automod.engine import evaluate_batch
from app.moderation.text import safe_text

log = logging.getLogger(__name__)

DELETING_ACTIONS = ("delete", "warn", "timeout")  # like Discord's own AutoMod, a punishment also removes the message
ALERT_EMBEDS_PER_MESSAGE = 10


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
    deletions.record(conn, guild_id, channel_id, verdict.why, now)
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
    counts = {"flagged": verdict.flagged, "warned": plan.warned, "timed_out": 0,
              "alerted": sum(len(items) for items in verdict.alerts.values())}
    counts["deleted"] = len(deletions.carry_out(discord, conn, plan.guild_id, plan.channel_id, verdict.doomed, now))
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
