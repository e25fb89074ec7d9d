"""Evaluating a guild's automod rules against Discord message objects (the scan job's core).

compile_rules once per guild, then evaluate_message / evaluate_batch for messages read over REST,
and explain for `/automod test`.
"""
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime

from app.automod.checks import BadWords, Caps, Invites, Links, Mentions, MessageText, Regexes
from app.automod.rules import RULE_TYPES, normalize_rule

STATEFUL_TYPES = ("spam", "duplicates")


@dataclass(frozen=True)
class Violation:
    rule_type: str
    action: str  # delete | warn | timeout | alert
    reason: str  # plain English, shown to moderators
    matched: str  # the text that triggered the rule
    duration: int = None  # seconds, for timeout
    alert_channel_id: str = None  # for alert


class CompiledRule:
    def __init__(self, rule, check=None):
        self.rule = rule
        self.type = rule["type"]
        self.check = check
        self.exempt_roles = frozenset(rule["exempt_roles"])
        self.exempt_channels = frozenset(rule["exempt_channels"])
        self.has_exemptions = bool(self.exempt_roles or self.exempt_channels)

    def exempts(self, channel_id, roles):
        if not self.has_exemptions:
            return False
        return channel_id in self.exempt_channels or not self.exempt_roles.isdisjoint(roles)

    def violation(self, reason, matched):
        rule = self.rule
        return Violation(self.type, rule["action"], reason, matched, rule["duration"], rule["alert_channel_id"])


class CompiledRules:
    """A guild's enabled rules, compiled; cheap to evaluate many messages against."""

    def __init__(self, rules):
        self.rules = rules  # every normalized rule, in RULE_TYPES order, enabled or not
        self.single = []  # CompiledRule for per-message types, enabled only
        self.stateful = []  # CompiledRule for spam and duplicates, enabled only
        for rule in rules:
            if not rule["enabled"]:
                continue
            if rule["type"] in STATEFUL_TYPES:
                self.stateful.append(CompiledRule(rule))
            else:
                self.single.append(CompiledRule(rule, _build_check(rule)))
        self.uses_roles = any(c.exempt_roles for c in self.single + self.stateful)


def _build_check(rule):
    config = rule["config"]
    kind = rule["type"]
    if kind == "bad_words":
        return BadWords(config["words"])
    if kind == "regex":
        return Regexes(config["patterns"])
    if kind == "links":
        return Links(config)
    if kind == "invites":
        return Invites(config)
    if kind == "caps":
        return Caps(rule["threshold"], config["min_length"])
    return Mentions(rule["threshold"])


def compile_rules(rules):
    """Compile rule dicts (stored shape, see rules.py); one rule per type, the last one given wins."""
    by_type = {}
    for rule in rules:
        by_type[rule["type"]] = normalize_rule(rule["type"], rule)
    return CompiledRules([by_type[kind] for kind in RULE_TYPES if kind in by_type])


def evaluate_message(compiled, message, member_roles=()):
    """Violations of the single-message rules by one Discord message object (bots are never checked)."""
    if _skipped(message):
        return []
    return _single_violations(compiled, message, MessageText(message.get("content") or ""), frozenset(member_roles))


def _skipped(message):
    return bool((message.get("author") or {}).get("bot") or message.get("webhook_id"))


def _single_violations(compiled, message, text, roles):
    channel_id = str(message.get("channel_id"))
    found = []
    for rule in compiled.single:
        if rule.has_exemptions and rule.exempts(channel_id, roles):
            continue
        hit = rule.check.find(text, message)
        if hit:
            found.append(rule.violation(*hit))
    return found


def evaluate_batch(compiled, messages, roles_of=lambda user_id: ()):
    """Evaluate messages read over REST, in timestamp order, spam and duplicates included.

    Returns [(message, violations)] for the messages with at least one violation, oldest first.
    """
    timed = sorted(((_seconds(m["timestamp"]), int(m["id"]), m) for m in messages if not _skipped(m)),
                   key=lambda item: item[:2])
    roles_cache = {}
    rate = _RateWindows(compiled)
    flagged = []
    for sent_at, _, message in timed:
        author_id = str(message["author"]["id"])
        roles = frozenset()
        if compiled.uses_roles:
            if author_id not in roles_cache:
                roles_cache[author_id] = frozenset(str(r) for r in _member_roles(message) or roles_of(author_id))
            roles = roles_cache[author_id]
        text = MessageText(message.get("content") or "")
        violations = _single_violations(compiled, message, text, roles)
        violations += rate.observe(message, sent_at, author_id, text, roles)
        if violations:
            flagged.append((message, violations))
    return flagged


def _member_roles(message):
    return (message.get("member") or {}).get("roles")


def _seconds(timestamp):
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


class _RateWindows:
    """Sliding windows per author for the spam and duplicates rules."""

    def __init__(self, compiled):
        self.rules = compiled.stateful
        self.windows = defaultdict(deque)  # (rule type, author, text key) -> timestamps

    def observe(self, message, sent_at, author_id, text, roles):
        found = []
        channel_id = str(message.get("channel_id"))
        for rule in self.rules:
            if rule.has_exemptions and rule.exempts(channel_id, roles):
                continue
            config, limit = rule.rule["config"], rule.rule["threshold"]
            if rule.type == "duplicates":
                normalized = " ".join(text.lower.split())
                if len(normalized) < config["min_length"]:
                    continue
                key = ("duplicates", author_id, normalized)
            else:
                key = ("spam", author_id, None)
            count = self._count(key, sent_at, config["seconds"])
            if count > limit:
                found.append(rule.violation(_rate_reason(rule.type, count, limit, config["seconds"]), text.content[:100]))
        return found

    def _count(self, key, now, seconds):
        window = self.windows[key]
        window.append(now)
        while window[0] <= now - seconds:
            window.popleft()
        return len(window)


def _rate_reason(kind, count, limit, seconds):
    if kind == "spam":
        return f"{count} messages within {seconds} s (limit {limit})"
    return f"same text posted {count} times within {seconds} s (limit {limit})"


def explain(compiled, text):
    """For `/automod test`: one line per rule saying whether it fires on `text`, and why or why not."""
    message_text = MessageText(text)
    lines = []
    if not compiled.rules:
        return ["no automod rules are set up; add one with /automod set"]
    active = {rule.type: rule for rule in compiled.single}
    for rule in compiled.rules:
        kind = rule["type"]
        if not rule["enabled"]:
            lines.append(f"{kind}: off")
        elif kind in STATEFUL_TYPES:
            window = f"more than {rule['threshold']} within {rule['config']['seconds']} s"
            noun = "messages" if kind == "spam" else "copies of the same text"
            lines.append(f"{kind}: not judged from one message; fires on {noun} {window} per member")
        else:
            check = active[kind].check
            hit = check.find(message_text)
            if hit:
                lines.append(f"{kind}: FIRES ({rule['action']}): {hit[0]}")
            else:
                lines.append(f"{kind}: doesn't fire: {check.why_not(message_text)}")
    return lines
