"""The automod rule engine: validation, each rule type, exemptions, batch state, RE2 safety."""
import pytest

from app.automod import RULE_TYPES, RuleError, check_pattern, check_word, compile_rules, evaluate_batch
from app.automod import evaluate_message, explain, normalize_rule


def message(content, author="100", channel="200", second=0, message_id=None, bot=False, **extra):
    return {
        "id": message_id or str(10**17 + second * 10 + len(content) % 10),
        "channel_id": channel,
        "author": {"id": author, "bot": bot},
        "content": content,
        "mentions": extra.get("mentions", []),
        "mention_roles": extra.get("mention_roles", []),
        "mention_everyone": extra.get("mention_everyone", False),
        "timestamp": f"2024-05-01T12:{second // 60:02d}:{second % 60:02d}.000000+00:00",
    }


def fired(rules, content, **kwargs):
    return [v.rule_type for v in evaluate_message(compile_rules(rules), message(content), **kwargs)]


def words_rule(*words):
    return [{"type": "bad_words", "config": {"words": list(words)}}]


# --- bad words and wildcards


def test_inner_wildcard_matches_any_case():
    violations = evaluate_message(compile_rules(words_rule("f*ck")), message("well FUCK that"))
    assert [v.rule_type for v in violations] == ["bad_words"]
    assert violations[0].reason == "matched bad word 'FUCK' (pattern f*ck)"
    assert violations[0].matched == "FUCK"
    assert fired(words_rule("f*ck"), "fuck") == ["bad_words"]
    assert fired(words_rule("f*ck"), "fck") == ["bad_words"]


def test_whole_word_needs_word_boundaries():
    assert fired(words_rule("ass"), "a class act with brass") == []
    assert fired(words_rule("ass"), "you ass!") == ["bad_words"]
    assert fired(words_rule("*ass*"), "a class act") == ["bad_words"]


def test_prefix_and_suffix_wildcards():
    assert fired(words_rule("cat*"), "a Catapult") == ["bad_words"]
    assert fired(words_rule("cat*"), "wildcat") == []
    assert fired(words_rule("*cat"), "wildcat") == ["bad_words"]
    assert fired(words_rule("*cat"), "catapult") == []


def test_phrases_and_non_ascii_words():
    assert fired(words_rule("the mat"), "on THE   mat now") == ["bad_words"]
    assert fired(words_rule("café"), "CAFÉ!") == ["bad_words"]
    assert fired(words_rule("café"), "cafés") == []


def test_reason_names_the_wildcard_word_that_matched():
    compiled = compile_rules(words_rule("dog*", "cat*", "b*d"))
    violations = evaluate_message(compiled, message("catfish"))
    assert violations[0].reason == "matched bad word 'catfish' (pattern cat*)"
    assert evaluate_message(compiled, message("so baaad"))[0].reason == "matched bad word 'baaad' (pattern b*d)"


# --- the other single-message rules


def test_regex_rule_fires_and_is_case_sensitive_by_default():
    rules = [{"type": "regex", "config": {"patterns": [r"free\s+nitro", r"(?i)steam\s*gift"]}}]
    assert fired(rules, "get free  nitro now") == ["regex"]
    assert fired(rules, "get FREE nitro now") == []
    assert fired(rules, "STEAMGIFT here") == ["regex"]


def test_links_block_list_allow_list_and_all_links():
    block = [{"type": "links", "config": {"block": ["evil.com"]}}]
    assert fired(block, "see https://cdn.evil.com/x") == ["links"]
    assert fired(block, "see https://notevil.com/x") == []
    assert fired(block, "is https://EVIL.com, safe?") == ["links"]
    allow = [{"type": "links", "config": {"allow": ["youtube.com"]}}]
    assert fired(allow, "https://www.youtube.com/watch?v=1") == []
    assert fired(allow, "http://example.org") == ["links"]
    everything = [{"type": "links"}]
    assert fired(everything, "www.example.org") == ["links"]
    assert fired(everything, "no links here.") == []


def test_invites_with_allowed_code():
    rules = [{"type": "invites", "config": {"allow_codes": ["discord.gg/ours"]}}]
    assert fired(rules, "join discord.gg/abc123") == ["invites"]
    assert fired(rules, "join https://discord.com/invite/xyz") == ["invites"]
    assert fired(rules, "join discord.gg/ours") == []
    assert fired(rules, "I like discord") == []


def test_caps_percentage_and_minimum_length():
    rules = [{"type": "caps", "threshold": 70, "config": {"min_length": 10}}]
    assert fired(rules, "WHY IS NOBODY ANSWERING") == ["caps"]
    assert fired(rules, "OK LOL") == []  # too short to judge
    assert fired(rules, "Why Is Nobody Answering") == []
    assert fired(rules, "ПОЧЕМУ НИКТО НЕ ОТВЕЧАЕТ") == ["caps"]


def test_mentions_counts_unique_users_and_roles():
    rules = [{"type": "mentions", "threshold": 2}]
    compiled = compile_rules(rules)
    crowded = message("hi", mentions=[{"id": "1"}, {"id": "2"}], mention_roles=["9"])
    assert [v.rule_type for v in evaluate_message(compiled, crowded)] == ["mentions"]
    repeated = message("hi", mentions=[{"id": "1"}, {"id": "1"}], mention_roles=[])
    assert evaluate_message(compiled, repeated) == []


def test_violation_carries_the_rule_action():
    rules = [{"type": "caps", "action": "timeout", "duration": 3600},
             {"type": "invites", "action": "alert", "alert_channel_id": "555"}]
    violations = evaluate_message(compile_rules(rules), message("JOIN MY AWESOME SERVER RIGHT NOW discord.gg/ab"))
    by_type = {v.rule_type: v for v in violations}
    assert (by_type["caps"].action, by_type["caps"].duration) == ("timeout", 3600)
    assert (by_type["invites"].action, by_type["invites"].alert_channel_id) == ("alert", "555")


def test_disabled_rules_and_bots_are_skipped():
    assert fired([{"type": "caps", "enabled": False}], "WHY IS NOBODY ANSWERING") == []
    compiled = compile_rules([{"type": "caps"}])
    assert evaluate_message(compiled, message("WHY IS NOBODY ANSWERING", bot=True)) == []


# --- exemptions


def test_exempt_roles_and_channels():
    rules = [{"type": "caps", "exempt_roles": ["7"], "exempt_channels": ["300"]}]
    compiled = compile_rules(rules)
    shout = "WHY IS NOBODY ANSWERING"
    assert evaluate_message(compiled, message(shout), member_roles=["7"]) == []
    assert evaluate_message(compiled, message(shout, channel="300")) == []
    assert len(evaluate_message(compiled, message(shout), member_roles=["8"])) == 1


def test_batch_asks_roles_of_authors_for_exemptions():
    compiled = compile_rules([{"type": "caps", "exempt_roles": ["7"]}])
    batch = [message("WHY IS NOBODY ANSWERING", author="1"), message("WHY IS NOBODY ANSWERING", author="2")]
    flagged = evaluate_batch(compiled, batch, roles_of=lambda user_id: ["7"] if user_id == "1" else [])
    assert [m["author"]["id"] for m, _ in flagged] == ["2"]


# --- batch state: spam rate and duplicates


def test_spam_rate_per_author_in_timestamp_order():
    compiled = compile_rules([{"type": "spam", "threshold": 3, "config": {"seconds": 5}}])
    burst = [message(f"msg {i}", author="1", second=10 + i, message_id=str(1000 + i)) for i in range(5)]
    calm = [message(f"msg {i}", author="2", second=10 + i * 3, message_id=str(2000 + i)) for i in range(5)]
    flagged = evaluate_batch(compiled, list(reversed(burst)) + calm)
    assert [m["id"] for m, _ in flagged] == ["1003", "1004"]
    assert flagged[0][1][0].reason == "4 messages within 5 s (limit 3)"


def test_duplicates_across_channels_but_not_other_authors():
    compiled = compile_rules([{"type": "duplicates", "threshold": 2, "config": {"seconds": 60}}])
    batch = [message("buy my stuff now", author="1", channel=str(300 + i), second=i, message_id=str(10 + i))
             for i in range(3)]
    batch += [message("Buy my   stuff now", author="2", second=5, message_id="99")]
    flagged = evaluate_batch(compiled, batch)
    assert [(m["id"], v[0].rule_type) for m, v in flagged] == [("12", "duplicates")]


def test_bot_messages_do_not_count_towards_spam():
    compiled = compile_rules([{"type": "spam", "threshold": 2, "config": {"seconds": 10}}])
    batch = [message(f"tick {i}", author="1", second=i, message_id=str(i + 1), bot=i < 3) for i in range(4)]
    assert evaluate_batch(compiled, batch) == []


def test_duplicates_window_expires():
    compiled = compile_rules([{"type": "duplicates", "threshold": 1, "config": {"seconds": 10}}])
    batch = [message("hello there", second=0, message_id="1"), message("hello there", second=30, message_id="2")]
    assert evaluate_batch(compiled, batch) == []


# --- RE2 safety


def test_catastrophic_regex_runs_linear_on_long_input():
    compiled = compile_rules([{"type": "regex", "config": {"patterns": ["(a+)+$", "(x+x+)+y"]}}])
    assert evaluate_message(compiled, message("a" * 100_000 + "!")) == []
    assert evaluate_message(compiled, message("x" * 100_000))  == []
    assert [v.rule_type for v in evaluate_message(compiled, message("a" * 100_000))] == ["regex"]


def test_check_pattern_rejects_what_re2_cannot_run():
    assert "doesn't compile" in check_pattern(r"(\w+)\1")  # backreferences need backtracking
    assert "doesn't compile" in check_pattern(r"(?=x)y")
    assert "at most 260" in check_pattern("a" * 261)
    assert "every message" in check_pattern("x*")
    assert check_pattern(r"(?i)free\s+nitro") is None


# --- validation


def test_check_word_messages():
    assert check_word("f*ck") is None
    assert "at most 60" in check_word("a" * 61)
    assert "only wildcards" in check_word("**")
    assert "at least 3 letters" in check_word("*a*")


def test_normalize_rule_fills_defaults_from_one_place():
    rule = normalize_rule("caps", {})
    assert rule["threshold"] == RULE_TYPES["caps"]["threshold"][0]
    assert rule["config"] == RULE_TYPES["caps"]["config"]
    assert rule["action"] == "delete" and rule["enabled"] is True


@pytest.mark.parametrize("rule_type, rule, expected", [
    ("swearing", {}, "unknown rule type 'swearing'"),
    ("caps", {"action": "ban"}, "unknown action 'ban'"),
    ("caps", {"threshold": 150}, "between 1 and 100"),
    ("caps", {"threshold": "lots"}, "whole number"),
    ("spam", {"config": {"seconds": 0}}, "spam seconds must be between"),
    ("caps", {"config": {"percent": 5}}, "caps has no setting 'percent'"),
    ("caps", {"action": "timeout", "duration": 3_000_000}, "28 days"),
    ("caps", {"action": "alert"}, "needs a channel"),
    ("bad_words", {"config": {"words": ["x" * 61]}}, "at most 60"),
    ("regex", {"config": {"patterns": ["(unclosed"]}}, "doesn't compile"),
    ("links", {"config": {"block": ["not a domain"]}}, "isn't a domain"),
    ("caps", {"exempt_roles": [str(i) for i in range(21)]}, "at most 20 exempt roles"),
])
def test_normalize_rule_rejects_bad_input_with_a_readable_message(rule_type, rule, expected):
    with pytest.raises(RuleError, match=expected):
        normalize_rule(rule_type, rule)


# --- explain for /automod test


def test_explain_says_why_and_why_not():
    compiled = compile_rules(words_rule("f*ck") + [{"type": "caps"}, {"type": "links", "enabled": False},
                                                     {"type": "spam"}])
    lines = explain(compiled, "what the fuck")
    assert "spam: not judged from one message" in lines[0]
    assert lines[1] == "bad_words: FIRES (delete): matched bad word 'fuck' (pattern f*ck)"
    assert lines[2] == "links: off"
    assert lines[3] == "caps: doesn't fire: 0% capitals, below the 70% limit"
    assert "none of the 1 words" in explain(compiled, "hello")[1]
    assert explain(compile_rules([]), "x") == ["no automod rules are set up; add one with /automod set"]
