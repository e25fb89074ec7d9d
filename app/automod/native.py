"""Discord's own AutoMod rules built from a guild's automod rules, and the REST calls that sync them.

Discord enforces these instantly; what can't be expressed natively is returned as overflow and
is enforced only by the scan job.
"""
from app.automod.patterns import INVITE_RUST, MAX_PATTERN_CHARS, parse_word, rust_escape
from app.automod.rules import RULE_TYPES, normalize_rule
from app.automod.sync import NAME_PREFIX, is_own, plan_sync

__all__ = ["NAME_PREFIX", "build_native_rules", "plan_sync"]

KEYWORD, SPAM, MENTION_SPAM = 1, 3, 5
MESSAGE_SEND = 1
BLOCK_MESSAGE, SEND_ALERT_MESSAGE, TIMEOUT = 1, 2, 3
MAX_RULES = {KEYWORD: 6, SPAM: 1, MENTION_SPAM: 1}  # per guild, across every bot and moderator
MAX_KEYWORDS, MAX_REGEXES, MAX_ALLOW_LIST = 1000, 10, 100
MAX_MENTION_LIMIT = 50
MAX_CUSTOM_MESSAGE = 150
KEYWORD_TYPES = ("bad_words", "invites", "links", "regex")  # priority order when slots run out
LABELS = {"bad_words": "bad words", "invites": "invites", "links": "links", "regex": "regex"}


def build_native_rules(rules, existing=(), application_id=None):
    """Discord AutoMod payloads for `rules`, and overflow: {rule type: [what only the scan enforces]}.

    With `existing` (GET .../auto-moderation/rules) and `application_id`, rules other bots or moderators
    own count against Discord's per-guild limits.
    """
    by_type = {rule["type"]: normalize_rule(rule["type"], rule) for rule in rules}
    enabled = {kind: rule for kind, rule in by_type.items() if rule["enabled"]}
    slots = _free_slots(existing, application_id)
    overflow = {}
    payloads = _keyword_payloads(enabled, slots[KEYWORD], overflow)
    payloads += _mention_payloads(enabled.get("mentions"), slots[MENTION_SPAM], overflow)
    payloads += _spam_payloads(enabled.get("spam"), slots[SPAM], overflow)
    for kind in ("duplicates", "caps"):
        if kind in enabled:
            _add(overflow, kind, f"{RULE_TYPES[kind]['summary']} (Discord has no such filter)")
    return payloads, overflow


def _free_slots(existing, application_id):
    slots = dict(MAX_RULES)
    for rule in existing:
        if rule.get("trigger_type") in slots and not is_own(rule, application_id):
            slots[rule["trigger_type"]] -= 1
    return {kind: max(0, count) for kind, count in slots.items()}


def _add(overflow, kind, item):
    overflow.setdefault(kind, []).append(item)


def _actions(rule, trigger_type, label, overflow):
    action = rule["action"]
    if action == "alert":
        return [{"type": SEND_ALERT_MESSAGE, "metadata": {"channel_id": rule["alert_channel_id"]}}]
    message = f"Blocked by this server's automod ({label})."[:MAX_CUSTOM_MESSAGE]
    actions = [{"type": BLOCK_MESSAGE, "metadata": {"custom_message": message}}]
    if action == "timeout" and trigger_type in (KEYWORD, MENTION_SPAM):
        actions.append({"type": TIMEOUT, "metadata": {"duration_seconds": rule["duration"]}})
    elif action == "timeout":
        _add(overflow, rule["type"], "timeout (Discord's spam filter can only block or alert)")
    elif action == "warn":
        _add(overflow, rule["type"], "warning (Discord blocks the message natively but can't record a warning)")
    return actions


def _payload(name, trigger_type, metadata, rule, actions):
    payload = {
        "name": name,
        "event_type": MESSAGE_SEND,
        "trigger_type": trigger_type,
        "actions": actions,
        "enabled": True,
        "exempt_roles": rule["exempt_roles"],
        "exempt_channels": rule["exempt_channels"],
    }
    if metadata is not None:
        payload["trigger_metadata"] = metadata
    return payload


def _keyword_payloads(enabled, slots, overflow):
    payloads = []
    for group in _keyword_groups(enabled, overflow):
        chunks = _chunks(group["keywords"], group["regexes"])
        names = " + ".join(LABELS[kind] for kind in group["types"])
        for number, (keywords, regexes) in enumerate(chunks, start=1):
            if slots == 0:  # Discord allows 6 KEYWORD rules per guild, counting everyone's
                for word in keywords:
                    _add(overflow, "bad_words", f"{word} (no free KEYWORD rule)")
                for kind, pattern in regexes:
                    _add(overflow, kind, f"{pattern} (no free KEYWORD rule)")
                continue
            slots -= 1
            metadata = {"keyword_filter": keywords, "regex_patterns": [pattern for _, pattern in regexes],
                        "allow_list": group["allow_list"]}
            metadata = {key: value for key, value in metadata.items() if value}
            payloads.append(_payload(f"{NAME_PREFIX}{names} {number}", KEYWORD, metadata, group["rule"], group["actions"]))
    return payloads


def _keyword_groups(enabled, overflow):
    """One group per distinct (actions, exemptions, allow list): rules that agree share Discord rules."""
    groups = {}
    for kind in KEYWORD_TYPES:
        if kind not in enabled:
            continue
        rule = enabled[kind]
        keywords, regexes, allow_list = _keyword_items(rule, overflow)
        if not keywords and not regexes:
            continue
        actions = _actions(rule, KEYWORD, LABELS[kind], overflow)
        key = repr((rule["action"], rule["duration"], rule["alert_channel_id"], rule["exempt_roles"],
                    rule["exempt_channels"], allow_list))
        group = groups.setdefault(key, {"types": [], "keywords": [], "regexes": [], "allow_list": allow_list,
                                        "rule": rule, "actions": actions})
        group["types"].append(kind)
        group["keywords"] += keywords
        group["regexes"] += [(kind, pattern) for pattern in regexes]
    for group in groups.values():
        if len(group["types"]) > 1:
            label = " + ".join(LABELS[kind] for kind in group["types"])
            message = f"Blocked by this server's automod ({label})."[:MAX_CUSTOM_MESSAGE]
            for action in group["actions"]:
                if action["type"] == BLOCK_MESSAGE:
                    action["metadata"]["custom_message"] = message
    return list(groups.values())


def _keyword_items(rule, overflow):
    """(keywords, regex patterns, allow list) expressing `rule` in a KEYWORD trigger."""
    config = rule["config"]
    if rule["type"] == "bad_words":
        words = [parse_word(word) for word in config["words"]]
        plain = [w.text for w in words if not w.mid_wildcard]
        inside = [w.rust_pattern() for w in words if w.mid_wildcard]  # Discord's * works only at the edges
        return plain, _pack(inside, "(?i)", ""), []
    if rule["type"] == "regex":
        return [], _pack_user_patterns(config["patterns"]), []
    if rule["type"] == "invites":
        allow = [f"{host}/{code}" for code in config["allow_codes"] for host in ("discord.gg", "discord.com/invite")]
        if len(allow) > MAX_ALLOW_LIST:
            _add(overflow, "invites", f"{len(allow) - MAX_ALLOW_LIST} allowed invite entries past Discord's 100")
        return [], [INVITE_RUST], allow[:MAX_ALLOW_LIST]
    if config["allow"]:
        _add(overflow, "links", "allow list: Discord can't express 'every domain except these'")
    if not config["allow"] and not config["block"]:
        return [], [r"(?i)https?://\S"], []
    domains = [rust_escape(domain) for domain in config["block"]]
    return [], _pack(domains, r"(?i)https?://(?:[a-z0-9-]+\.)*(?:", r")(?:[/:?#\s]|$)"), []


def _pack(pieces, head, tail):
    """Join pieces into as few `head(a|b|...)tail` patterns of at most 260 characters as fit."""
    patterns, current = [], []
    for piece in pieces:
        if current and len(head + "|".join(current + [piece]) + tail) > MAX_PATTERN_CHARS:
            patterns.append(head + "|".join(current) + tail)
            current = []
        current.append(piece)
    if current:
        patterns.append(head + "|".join(current) + tail)
    return patterns


def _pack_user_patterns(patterns):
    packed, current = [], []
    for pattern in patterns:
        joined = "|".join(f"(?:{p})" for p in current + [pattern])
        if current and len(joined) > MAX_PATTERN_CHARS:
            packed.append(_join_user(current))
            current = []
        current.append(pattern)
    if current:
        packed.append(_join_user(current))
    return packed


def _join_user(patterns):
    return patterns[0] if len(patterns) == 1 else "|".join(f"(?:{p})" for p in patterns)


def _chunks(keywords, regexes):
    count = max(-(-len(keywords) // MAX_KEYWORDS), -(-len(regexes) // MAX_REGEXES), 1)
    return [
        (keywords[i * MAX_KEYWORDS:(i + 1) * MAX_KEYWORDS], regexes[i * MAX_REGEXES:(i + 1) * MAX_REGEXES])
        for i in range(count)
    ]


def _mention_payloads(rule, slots, overflow):
    if rule is None:
        return []
    if rule["threshold"] > MAX_MENTION_LIMIT or slots == 0:
        why = "no free MENTION_SPAM slot" if slots == 0 else f"limit {rule['threshold']} is over Discord's 50"
        _add(overflow, "mentions", f"mention limit ({why})")
        return []
    metadata = {"mention_total_limit": rule["threshold"], "mention_raid_protection_enabled": False}
    actions = _actions(rule, MENTION_SPAM, "mentions", overflow)
    return [_payload(f"{NAME_PREFIX}mentions", MENTION_SPAM, metadata, rule, actions)]


def _spam_payloads(rule, slots, overflow):
    if rule is None:
        return []
    seconds = rule["config"]["seconds"]
    _add(overflow, "spam", f"more than {rule['threshold']} messages in {seconds} s per member "
                           "(Discord's spam filter judges content, not rate)")
    if slots == 0:
        _add(overflow, "spam", "Discord's spam filter (no free SPAM slot)")
        return []
    return [_payload(f"{NAME_PREFIX}spam", SPAM, None, rule, _actions(rule, SPAM, "spam", overflow))]
