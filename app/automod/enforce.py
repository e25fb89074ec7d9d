"""Acting on what the scan found: delete messages, warn and time out members (with cases), alert moderators."""
import logging
from datetime import datetime, timedelta, timezone

from app.automod.cases import escalate_warning, post_to_modlog, record_automod_case
from app.automod.engine import evaluate_batch
from app.discord.errors import DiscordError
from app.discord.snowflake import created_at

log = logging.getLogger(__name__)

BULK_DELETE_MAX = 100
BULK_DELETE_AGE = timedelta(days=14) - timedelta(minutes=5)  # margin: the request takes time to arrive
DELETING_ACTIONS = ("delete", "warn", "timeout")  # like Discord's own AutoMod, a punishment also removes the message
ALERT_EMBEDS_PER_MESSAGE = 10
AUDIT_REASON = "StatusSync automod"


class Verdict:
    """What the scan decided about a batch, before anything is done on Discord."""

    def __init__(self, flagged):
        self.flagged = len(flagged)
        self.doomed, self.punished, self.alerts = [], {}, {}
        for message, violations in flagged:
            if any(v.action in DELETING_ACTIONS for v in violations):
                self.doomed.append(message["id"])
            for violation in violations:
                author = str(message["author"]["id"])
                if violation.action in ("warn", "timeout"):  # once per member, action and rule in a batch
                    self.punished.setdefault((author, violation.action, violation.rule_type), (message, violation))
                elif violation.action == "alert" and violation.alert_channel_id:
                    self.alerts.setdefault(violation.alert_channel_id, []).append((message, violation))


def judge(compiled, messages, roles_of):
    """Pure: the verdict on `messages` (oldest first); nothing is sent or written."""
    return Verdict(evaluate_batch(compiled, messages, roles_of))


def act(discord, conn, guild_id, channel_id, verdict, now):
    """Carry out a verdict: deletions, timeouts and cases, alerts. Returns counts by action."""
    counts = {"flagged": verdict.flagged, "deleted": 0, "warned": 0, "timed_out": 0, "alerted": 0}
    counts["deleted"] = len(delete_messages(discord, channel_id, verdict.doomed, now))
    for (author, action, _), (message, violation) in verdict.punished.items():
        if punish(discord, conn, guild_id, author, message, violation, now):
            counts["warned" if action == "warn" else "timed_out"] += 1
    for alert_channel, items in verdict.alerts.items():
        counts["alerted"] += post_alerts(discord, guild_id, alert_channel, items)
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


def punish(discord, conn, guild_id, user_id, message, violation, now):
    """Warn (a case) or time out (Discord, then a case); False when Discord refused the timeout."""
    reason = f"AutoMod ({violation.rule_type}): {violation.reason}"
    details = {"rule": violation.rule_type, "channel_id": message["channel_id"], "message_id": message["id"],
               "matched": violation.matched[:200]}
    expires_at = None
    if violation.action == "timeout":
        expires_at = now + timedelta(seconds=violation.duration)
        try:
            if _timed_out_until(discord, guild_id, user_id) >= expires_at:
                log.info("guild %s: %s is already timed out for longer; automod timeout skipped", guild_id, user_id)
                return False
            discord.patch(f"/guilds/{guild_id}/members/{user_id}",
                          {"communication_disabled_until": expires_at.isoformat()}, reason=reason[:512])
        except DiscordError as error:
            log.warning("guild %s: automod timeout of %s refused: %s", guild_id, user_id, error)
            return False
    case = record_automod_case(conn, guild_id, violation.action, user_id, reason, now, expires_at=expires_at,
                               details=details)
    post_to_modlog(discord, conn, guild_id, case)
    if violation.action == "warn":
        escalate_warning(discord, conn, guild_id, user_id, case, now)
    return True


def _timed_out_until(discord, guild_id, user_id):
    """When the member's current timeout ends (the epoch if none): the scan runs late, a moderator may be first."""
    member = discord.get(f"/guilds/{guild_id}/members/{user_id}") or {}
    until = member.get("communication_disabled_until")
    return datetime.fromisoformat(until.replace("Z", "+00:00")) if until else datetime.min.replace(tzinfo=timezone.utc)


def post_alerts(discord, guild_id, alert_channel_id, items):
    """One embed per flagged message, up to 10 per alert message; returns how many were posted."""
    from app.discord.messages import embed
    embeds = [embed(f"AutoMod flagged a message ({violation.rule_type})", message.get("content") or "(no text)",
                    fields=[("Member", f"<@{message['author']['id']}>", True),
                            ("Channel", f"<#{message['channel_id']}>", True),
                            ("Why", violation.reason),
                            ("Message", f"https://discord.com/channels/{guild_id}/{message['channel_id']}/{message['id']}")],
                    color=0xFEE75C)
              for message, violation in items]
    posted = 0
    for start in range(0, len(embeds), ALERT_EMBEDS_PER_MESSAGE):
        chunk = embeds[start:start + ALERT_EMBEDS_PER_MESSAGE]
        try:
            discord.send_message(alert_channel_id, embeds=chunk)
            posted += len(chunk)
        except DiscordError as error:
            log.warning("guild %s: automod alert to channel %s failed: %s", guild_id, alert_channel_id, error)
    return posted
