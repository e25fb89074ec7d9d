"""Pushing a guild's rules into Discord's own AutoMod: read what Discord has, plan the calls, apply them one by one."""
import logging
from dataclasses import dataclass, field

from app.automod.native import build_native_rules
from app.automod.sync import plan_sync
from app.discord.errors import DiscordError

log = logging.getLogger(__name__)

AUDIT_REASON = "StatusSync automod sync"
RUST_REGEX_NOTE = ("Discord reads regex in Rust syntax while StatusSync checks patterns with RE2, so a pattern "
                   "both accept differently can be refused; simplify it. The scan still enforces it.")


@dataclass
class PushOutcome:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    overflow: dict = field(default_factory=dict)  # {rule type: [what only the scan enforces]}
    refusals: list = field(default_factory=list)  # plain words, one per refused call

    def lines(self):
        """What a moderator reads after a sync."""
        lines = [f"Discord AutoMod: {self.created} rule(s) created, {self.updated} updated, {self.deleted} deleted."]
        for kind, items in self.overflow.items():
            shown = "; ".join(items[:3]) + (f"; and {len(items) - 3} more" if len(items) > 3 else "")
            lines.append(f"Only the scan enforces ({kind}): {shown}")
        lines += [f"Discord refused: {refusal}" for refusal in self.refusals]
        return lines


def push_native_rules(discord, guild_id, rules, application_id):
    """Bring the bot's Discord AutoMod rules in line with `rules`; Discord's refusals are collected, not raised.

    Raises DiscordError only when the guild's current rules can't be read at all.
    """
    base = f"/guilds/{guild_id}/auto-moderation/rules"
    existing = discord.get(base) or []
    payloads, overflow = build_native_rules(rules, existing, application_id)
    outcome = PushOutcome(overflow=overflow)
    names = {rule["id"]: rule.get("name", "") for rule in existing}
    for method, path, body in plan_sync(existing, payloads, application_id, guild_id):
        name = (body or {}).get("name") or names.get(path.rsplit("/", 1)[-1], "a rule")
        try:
            discord.request(method, path, json_body=body, reason=AUDIT_REASON)
        except DiscordError as error:
            log.warning("guild %s: %s %s refused: %s", guild_id, method, path, error)
            outcome.refusals.append(_refusal(name, body, error))
            continue
        if method == "POST":
            outcome.created += 1
        elif method == "PATCH":
            outcome.updated += 1
        else:
            outcome.deleted += 1
    return outcome


def _refusal(name, body, error):
    if error.status == 403:
        return f"'{name}': I need the Manage Server permission to manage AutoMod rules."
    if error.code == 30037:
        return f"'{name}': this server already has as many AutoMod rules of that kind as Discord allows."
    patterns = ((body or {}).get("trigger_metadata") or {}).get("regex_patterns")
    if error.status == 400 and patterns:
        return f"'{name}': {error.message or 'invalid rule'}. {RUST_REGEX_NOTE}"
    return f"'{name}': {error.explain()}"
