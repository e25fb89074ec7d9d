"""/automod as a moderator uses it, through signed interactions; the push to Discord's AutoMod against the fake."""
from tests import interactions as ix
from tests.spec import validate_recorded

G = ix.GUILD_ID
RULES = rf"/guilds/{G}/auto-moderation/rules(/\d+)?"
ALERTS = "860000000000000006"


def run(discord, runtime, fake_discord, *subcommand, **kw):
    """Send /automod …; for a change, wait for the deferred sync and return what the moderator finally reads."""
    interaction = ix.command("automod", list(subcommand), **{"permissions": ix.MANAGE_GUILD, **kw})
    answer = discord.send(interaction)
    if answer["type"] != 5:
        return answer["data"].get("content") or answer["data"]["embeds"][0].get("description", ""), answer
    assert answer["data"]["flags"] == 64
    assert runtime.deferred.wait(10)
    edit = fake_discord.find("PATCH", rf"/webhooks/{ix.BOT_ID}/{interaction['token']}/messages/@original")[-1]
    validate_recorded(edit)
    return edit.json["content"], answer


def words(action, items=None, kind=None):
    options = [ix.opt("items", items)] if items is not None else []
    if kind:
        options.append(ix.opt("list", kind))
    return ix.sub("words", ix.sub(action, *options))


def every_rule_call_is_valid(fake_discord):
    calls = [c for method in ("POST", "PATCH", "DELETE") for c in fake_discord.find(method, RULES)]
    for call in calls:
        if call.json is not None:
            assert validate_recorded(call)
    return calls


def test_words_are_pushed_once_then_updated_in_place_and_a_foreign_rule_is_left_alone(discord, runtime, fake_discord):
    fake_discord.add_guild(G, ix.OWNER_ID)
    foreign = fake_discord.add_automod_rule(G, {"name": "Mods' own filter", "creator_id": "555", "trigger_type": 1,
                                                "trigger_metadata": {"keyword_filter": ["theirs"]}})
    text, _ = run(discord, runtime, fake_discord, words("add", "badword, cat*, f*ck"))
    assert "Bad words: now 3." in text and "1 rule(s) created, 0 updated, 0 deleted" in text
    ours = [r for r in fake_discord.automod_rules(G) if r["id"] != foreign["id"]]
    assert len(ours) == 1 and ours[0]["name"].startswith("StatusSync: ")
    assert ours[0]["trigger_metadata"]["keyword_filter"] == ["badword", "cat*"]
    assert ours[0]["trigger_metadata"]["regex_patterns"]  # f*ck: an inner wildcard travels as a regex

    text, _ = run(discord, runtime, fake_discord, words("add", "another"))
    assert "0 rule(s) created, 1 updated, 0 deleted" in text
    after = {r["id"]: r for r in fake_discord.automod_rules(G)}
    assert set(after) == {foreign["id"], ours[0]["id"]}  # updated in place, never duplicated
    assert "another" in after[ours[0]["id"]]["trigger_metadata"]["keyword_filter"]
    assert after[foreign["id"]]["trigger_metadata"]["keyword_filter"] == ["theirs"]

    text, _ = run(discord, runtime, fake_discord, ix.sub("sync"))
    assert "0 rule(s) created, 0 updated, 0 deleted" in text  # nothing changed, nothing sent
    calls = every_rule_call_is_valid(fake_discord)
    assert all(foreign["id"] not in c.path for c in calls)
    assert [c.method for c in calls] == ["POST", "PATCH"]


def test_set_timeout_with_duration_and_turning_a_rule_off_deletes_its_discord_rule(discord, runtime, fake_discord):
    fake_discord.add_guild(G, ix.OWNER_ID)
    text, _ = run(discord, runtime, fake_discord, ix.sub("set", ix.opt("rule", "mentions"), ix.opt("enabled", True, 5),
                                                         ix.opt("action", "timeout"), ix.opt("threshold", 8, 4),
                                                         ix.opt("duration", "10m")))
    assert "1 rule(s) created" in text and "for 600 s" in text
    (rule,) = fake_discord.automod_rules(G)
    assert rule["trigger_type"] == 5 and rule["trigger_metadata"]["mention_total_limit"] == 8
    assert {"type": 3, "metadata": {"duration_seconds": 600}} in rule["actions"]
    text, _ = run(discord, runtime, fake_discord, ix.sub("set", ix.opt("rule", "mentions"), ix.opt("enabled", False, 5)))
    assert "1 deleted" in text and fake_discord.automod_rules(G) == []
    every_rule_call_is_valid(fake_discord)


def test_caps_and_duplicates_are_reported_as_scan_only_and_alerts_need_a_channel(discord, runtime, fake_discord):
    fake_discord.add_guild(G, ix.OWNER_ID)
    text, _ = run(discord, runtime, fake_discord, ix.sub("set", ix.opt("rule", "caps"), ix.opt("enabled", True, 5)))
    assert "Only the scan enforces (caps)" in text
    refused, _ = run(discord, runtime, fake_discord, ix.sub("set", ix.opt("rule", "invites"), ix.opt("enabled", True, 5),
                                                            ix.opt("action", "alert")))
    assert "Not saved" in refused and "channel" in refused
    resolved = {"channels": {ALERTS: {"id": ALERTS, "name": "mod-alerts", "type": 0, "permissions": "0"}}}
    text, _ = run(discord, runtime, fake_discord, ix.sub("set", ix.opt("rule", "invites"), ix.opt("enabled", True, 5),
                                                         ix.opt("action", "alert"), ix.opt("alert_channel", ALERTS, 7)),
                  resolved=resolved)
    invites = [r for r in fake_discord.automod_rules(G) if "invites" in r["name"]]
    assert invites[0]["actions"] == [{"type": 2, "metadata": {"channel_id": ALERTS}}]
    every_rule_call_is_valid(fake_discord)


def test_bad_regex_and_over_long_word_are_refused_with_reasons(discord, runtime, fake_discord):
    fake_discord.add_guild(G, ix.OWNER_ID)
    text, answer = run(discord, runtime, fake_discord, words("add", "scam(", "patterns"))
    assert answer["data"]["flags"] == 64 and "Not saved" in text and "doesn't compile" in text
    text, _ = run(discord, runtime, fake_discord, words("add", "x" * 61))
    assert "Not saved" in text and "at most 60" in text
    text, _ = run(discord, runtime, fake_discord, words("add", "fine, " + "y" * 70))
    assert "Bad words: now 1." in text and "Refused 'yyyy" in text and "at most 60" in text
    listed, _ = run(discord, runtime, fake_discord, words("list"))
    assert listed == "1 bad words: `fine`"
    assert fake_discord.find("POST", RULES)  # the valid word still went to Discord


def test_more_words_than_discord_holds_are_explained(discord, runtime, fake_discord):
    from app.jobs.premium import grant
    grant(runtime, G, "basic")  # the Free tier keeps 1,000 words (app/premium/tiers.py)
    fake_discord.add_guild(G, ix.OWNER_ID)
    for number in range(5):  # five keyword rules owned by others leave one slot for us
        fake_discord.add_automod_rule(G, {"name": f"other {number}", "creator_id": "555", "trigger_type": 1})
    for start in range(0, 1200, 200):
        text, _ = run(discord, runtime, fake_discord, words("add", ", ".join(f"w{i:04d}" for i in range(start, start + 200))))
    assert "Bad words: now 1200." in text and "Discord holds 1000 per AutoMod rule" in text
    assert "Only the scan enforces (bad_words): w1000 (no free KEYWORD rule)" in text and "and 197 more" in text
    ours = [r for r in fake_discord.automod_rules(G) if r["name"].startswith("StatusSync")]
    assert len(ours) == 1 and len(ours[0]["trigger_metadata"]["keyword_filter"]) == 1000


def test_test_command_explains_which_rules_fire(discord, runtime, fake_discord):
    fake_discord.add_guild(G, ix.OWNER_ID)
    run(discord, runtime, fake_discord, words("add", "badword"))
    run(discord, runtime, fake_discord, ix.sub("set", ix.opt("rule", "caps"), ix.opt("enabled", True, 5)))
    _, answer = run(discord, runtime, fake_discord, ix.sub("test", ix.opt("text", "THIS HAS A BADWORD IN IT")))
    description = answer["data"]["embeds"][0]["description"]
    assert "bad_words: FIRES (delete): matched bad word 'BADWORD'" in description
    assert "caps: FIRES" in description
    _, answer = run(discord, runtime, fake_discord, ix.sub("test", ix.opt("text", "a calm message")))
    assert "bad_words: doesn't fire" in answer["data"]["embeds"][0]["description"]


def test_view_exempt_and_permissions(discord, runtime, fake_discord):
    fake_discord.add_guild(G, ix.OWNER_ID)
    refused = discord.command("automod", [ix.sub("view")], permissions=0)
    assert refused["data"]["flags"] == 64 and "Manage Server" in refused["data"]["content"]
    role = "870000000000000007"
    resolved = {"roles": {role: {"id": role, "name": "Trusted", "permissions": "0", "position": 1, "color": 0,
                                 "hoist": False, "managed": False, "mentionable": False}}}
    text, _ = run(discord, runtime, fake_discord, ix.sub("exempt", ix.opt("rule", "links"), ix.opt("role", role, 8)),
                  resolved=resolved)
    assert f"exempt roles: <@&{role}>" in text
    view = discord.command("automod", [ix.sub("view")], permissions=ix.MANAGE_GUILD)
    fields = {f["name"]: f["value"] for f in view["data"]["embeds"][0]["fields"]}
    assert f"<@&{role}>" in fields["links"] and fields["caps"].splitlines()[1].startswith("off")


def test_without_manage_server_the_bot_says_why_nothing_was_pushed(discord, runtime, fake_discord):
    fake_discord.add_guild(G, ix.OWNER_ID)
    text, _ = run(discord, runtime, fake_discord, words("add", "badword"), app_permissions=1 << 11)
    assert "don't have the Manage Server permission" in text
    assert fake_discord.find("GET", RULES) == [] and fake_discord.automod_rules(G) == []


def test_a_regex_discord_refuses_is_reported_in_plain_words(discord, runtime, fake_discord):
    fake_discord.add_guild(G, ix.OWNER_ID)
    fake_discord.queue("POST", rf"/guilds/{G}/auto-moderation/rules", 400,
                       {"message": "Invalid Form Body", "code": 50035})
    text, _ = run(discord, runtime, fake_discord, words("add", r"(?i)fr[e3]{2}\s+nitro", "patterns"))
    assert "Discord refused: 'StatusSync: regex 1': Invalid Form Body" in text and "Rust syntax" in text
    assert "0 rule(s) created" in text
