"""Discord AutoMod payloads built from automod rules, and the sync plan; every body checked against the spec."""
import re2

from app.automod.native import NAME_PREFIX, build_native_rules, plan_sync
from tests.spec import validate_request

APP_ID = "4242"
GUILD = "9000"
RULES_PATH = f"/guilds/{GUILD}/auto-moderation/rules"


def keyword_rules(payloads):
    return [p for p in payloads if p["trigger_type"] == 1]


def assert_valid(payloads):
    for payload in payloads:
        validate_request("POST", RULES_PATH, payload)
        assert payload["name"].startswith(NAME_PREFIX)
        assert payload["event_type"] == 1


def test_2500_words_and_15_regexes_fit_every_limit():
    words = [f"word{i}" for i in range(2490)] + ["f*ck", "sh*t", "cat*", "*dog", "*ana*"] + [f"x{i}*y" for i in range(5)]
    patterns = [rf"(?i)scam{i}\s+link[0-9]{{2,}}" for i in range(15)]
    payloads, overflow = build_native_rules([
        {"type": "bad_words", "config": {"words": words}},
        {"type": "regex", "action": "timeout", "duration": 60, "config": {"patterns": patterns}},
        {"type": "invites"},
    ])
    assert_valid(payloads)
    keyword = keyword_rules(payloads)
    assert len(keyword) <= 6
    for payload in keyword:
        metadata = payload["trigger_metadata"]
        assert len(metadata.get("keyword_filter", [])) <= 1000
        assert all(len(k) <= 60 for k in metadata.get("keyword_filter", []))
        assert len(metadata.get("regex_patterns", [])) <= 10
        assert all(len(p) <= 260 for p in metadata.get("regex_patterns", []))
    sent_words = [k for p in keyword for k in p["trigger_metadata"].get("keyword_filter", [])]
    assert sorted(sent_words) == sorted(w for w in words if "*" not in w.strip("*"))
    assert overflow == {}
    sent_patterns = [r for p in keyword for r in p["trigger_metadata"].get("regex_patterns", [])]
    for i in range(15):  # every user regex still matches what it matched, through the packed patterns
        assert any(re2.search(p, f"SCAM{i}   link12") for p in sent_patterns)
    assert any(re2.search(p, "oh fuck") for p in sent_patterns)  # mid-wildcard words travel as regexes
    assert not any(re2.search(p, "oh fork") for p in sent_patterns)
    regex_rule = next(p for p in keyword if "regex" in p["name"])
    assert {"type": 3, "metadata": {"duration_seconds": 60}} in regex_rule["actions"]


def test_keyword_slots_taken_by_others_push_rules_to_overflow():
    foreign = [{"id": str(i), "name": f"Mod rule {i}", "creator_id": "1", "trigger_type": 1} for i in range(5)]
    words = [f"word{i}" for i in range(1500)]
    payloads, overflow = build_native_rules([{"type": "bad_words", "config": {"words": words}}],
                                            existing=foreign, application_id=APP_ID)
    assert len(keyword_rules(payloads)) == 1
    assert len(payloads[0]["trigger_metadata"]["keyword_filter"]) == 1000
    assert len(overflow["bad_words"]) == 500
    assert overflow["bad_words"][0] == "word1000 (no free KEYWORD rule)"


def test_mentions_spam_and_actions():
    payloads, overflow = build_native_rules([
        {"type": "mentions", "threshold": 8, "action": "timeout", "duration": 300, "exempt_roles": ["11"]},
        {"type": "spam", "action": "timeout", "exempt_channels": ["22"]},
        {"type": "invites", "action": "alert", "alert_channel_id": "777"},
        {"type": "caps"},
    ])
    assert_valid(payloads)
    by_type = {p["trigger_type"]: p for p in payloads}
    mention = by_type[5]
    assert mention["trigger_metadata"]["mention_total_limit"] == 8
    assert mention["exempt_roles"] == ["11"]
    assert [a["type"] for a in mention["actions"]] == [1, 3]
    spam = by_type[3]
    assert [a["type"] for a in spam["actions"]] == [1]  # Discord allows no timeout on SPAM rules
    assert spam["exempt_channels"] == ["22"]
    assert by_type[1]["actions"] == [{"type": 2, "metadata": {"channel_id": "777"}}]
    assert any("timeout" in item for item in overflow["spam"])
    assert "caps" in overflow


def test_mention_limit_over_50_stays_in_the_scan():
    payloads, overflow = build_native_rules([{"type": "mentions", "threshold": 80}])
    assert payloads == []
    assert "over Discord's 50" in overflow["mentions"][0]


def test_blocked_domains_and_allow_list():
    payloads, overflow = build_native_rules([{"type": "links", "config": {"block": ["evil.com"], "allow": ["ok.org"]}}])
    assert_valid(payloads)
    pattern = payloads[0]["trigger_metadata"]["regex_patterns"][0]
    assert re2.search(pattern, "go to https://www.EVIL.com/page")
    assert not re2.search(pattern, "go to https://notevil.com/page")
    assert "allow list" in overflow["links"][0]


# --- plan_sync


def existing_rule(rule_id, name, creator, trigger_type=1, **fields):
    return {"id": rule_id, "guild_id": GUILD, "name": name, "creator_id": creator, "trigger_type": trigger_type,
            "event_type": 1, "actions": [{"type": 1, "metadata": {}}], "enabled": True,
            "trigger_metadata": {"keyword_filter": ["old"], "regex_patterns": [], "allow_list": []},
            "exempt_roles": [], "exempt_channels": [], **fields}


def test_plan_sync_updates_own_rule_in_place_and_leaves_others_alone():
    desired, _ = build_native_rules([{"type": "bad_words", "config": {"words": ["new"]}}, {"type": "mentions"}])
    existing = [
        existing_rule("1", desired[0]["name"], APP_ID),
        existing_rule("2", "Moderator's own filter", "555"),
        existing_rule("3", NAME_PREFIX + "bad words 1", "555"),  # our prefix, someone else's rule
        existing_rule("4", NAME_PREFIX + "invites 1", APP_ID),  # ours, no longer wanted
    ]
    calls = plan_sync(existing, desired, APP_ID, GUILD)
    assert [(method, path) for method, path, _ in calls] == [
        ("DELETE", f"{RULES_PATH}/4"),
        ("PATCH", f"{RULES_PATH}/1"),
        ("POST", RULES_PATH),
    ]
    for method, path, body in calls:
        validate_request(method, path, body)
    patch = calls[1][2]
    assert patch["trigger_metadata"]["keyword_filter"] == ["new"]
    assert "trigger_type" not in patch  # Discord can't change a rule's trigger type
    assert calls[2][2]["trigger_type"] == 5


def test_plan_sync_is_idempotent_and_never_duplicates():
    desired, _ = build_native_rules([{"type": "bad_words", "config": {"words": ["a1", "b2"]}}])
    calls = plan_sync([], desired, APP_ID, GUILD)
    assert [method for method, _, _ in calls] == ["POST"]
    # What Discord returns after the POST: the same rule plus ids and the fields it fills in.
    created = dict(calls[0][2], id="50", guild_id=GUILD, creator_id=APP_ID)
    created["trigger_metadata"] = dict(created["trigger_metadata"], regex_patterns=[], allow_list=[])
    assert plan_sync([created], desired, APP_ID, GUILD) == []
    twice = [created, dict(created, id="51")]
    assert plan_sync(twice, desired, APP_ID, GUILD) == [("DELETE", f"{RULES_PATH}/51", None)]


def test_plan_sync_renamed_group_reuses_a_rule_of_the_same_trigger():
    desired, _ = build_native_rules([{"type": "regex", "config": {"patterns": ["scam"]}}])
    existing = [existing_rule("7", NAME_PREFIX + "bad words 1", APP_ID)]
    calls = plan_sync(existing, desired, APP_ID, GUILD)
    assert [(m, p) for m, p, _ in calls] == [("PATCH", f"{RULES_PATH}/7")]
    assert calls[0][2]["name"] == NAME_PREFIX + "regex 1"
    validate_request(*calls[0])
