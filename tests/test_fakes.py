"""The Discord double behaves like Discord where our code depends on it, and the spec checks bite."""
from datetime import datetime, timedelta, timezone

import pytest
import requests

from sandbox.discord import DISCORD_EPOCH_MS, FakeDiscord
from tests.spec import validate_interaction_response, validate_recorded, validate_request, validate_response

APP = "100000000000000001"
GUILD, OWNER, MEMBER, CHANNEL = "200000000000000001", "300000000000000001", "300000000000000002", "400000000000000001"
BOT = {"Authorization": "Bot test-bot-token"}


@pytest.fixture
def discord():
    fake = FakeDiscord(application_id=APP, bot_token="test-bot-token").start()
    fake.add_guild(GUILD, OWNER, roles=[{"id": "500000000000000001", "name": "Muted", "position": 1, "permissions": "0"}])
    fake.add_member(GUILD, MEMBER, username="spammer")
    fake.add_channel(GUILD, CHANNEL)
    yield fake
    fake.stop()


def snowflake_at(moment, sequence=0):
    return str(((int(moment.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22) + sequence)


def test_bot_routes_need_the_bot_token_but_interaction_webhooks_do_not(discord):
    url = f"{discord.base_url}/channels/{CHANNEL}/messages"

    missing = requests.get(url)
    wrong = requests.get(url, headers={"Authorization": "Bot someone-else"})
    webhook = requests.post(f"{discord.base_url}/webhooks/{APP}/tok", json={"content": "hi"})

    assert (missing.status_code, missing.json()) == (401, {"message": "401: Unauthorized", "code": 0})
    assert wrong.status_code == 401
    assert requests.get(url, headers=BOT).status_code == 200
    assert webhook.status_code == 200


def test_rate_limit_answers_429_with_retry_after_once_then_serves(discord):
    discord.rate_limit("POST", r"/channels/\d+/messages", retry_after=0.25)
    url = f"{discord.base_url}/channels/{CHANNEL}/messages"

    limited = requests.post(url, json={"content": "one"}, headers=BOT)
    served = requests.post(url, json={"content": "one"}, headers=BOT)

    assert limited.status_code == 429
    assert limited.json() == {"message": "You are being rate limited.", "retry_after": 0.25, "global": False}
    assert float(limited.headers["Retry-After"]) == 0.25 and limited.headers["X-RateLimit-Remaining"] == "0"
    assert served.status_code == 200 and served.headers["X-RateLimit-Bucket"]
    assert [m["content"] for m in discord.channel_messages(CHANNEL)] == ["one"]


def test_messages_come_newest_first_and_after_pages_forward(discord):
    start = datetime.now(timezone.utc) - timedelta(hours=1)
    ids = [snowflake_at(start + timedelta(minutes=i)) for i in range(5)]
    for number, message_id in enumerate(ids):
        discord.add_message(CHANNEL, message_id, MEMBER, f"message {number}")
    url = f"{discord.base_url}/channels/{CHANNEL}/messages"

    newest = requests.get(url, params={"limit": 2}, headers=BOT).json()
    after_first = requests.get(url, params={"after": ids[0], "limit": 2}, headers=BOT).json()
    too_many = requests.get(url, params={"limit": 101}, headers=BOT)
    channel = requests.get(f"{discord.base_url}/guilds/{GUILD}/channels", headers=BOT).json()[0]

    assert [m["id"] for m in newest] == [ids[4], ids[3]]
    assert [m["id"] for m in after_first] == [ids[2], ids[1]]
    assert (too_many.status_code, too_many.json()["code"]) == (400, 50035)
    assert channel["last_message_id"] == ids[4]


def test_bulk_delete_takes_2_to_100_ids_of_messages_under_14_days(discord):
    now = datetime.now(timezone.utc)
    recent = [snowflake_at(now - timedelta(minutes=5), n) for n in range(3)]
    for message_id in recent:
        discord.add_message(CHANNEL, message_id, MEMBER, "spam")
    old = snowflake_at(now - timedelta(days=15))
    url = f"{discord.base_url}/channels/{CHANNEL}/messages/bulk-delete"

    one = requests.post(url, json={"messages": recent[:1]}, headers=BOT)
    too_many = requests.post(url, json={"messages": [str(n) for n in range(101)]}, headers=BOT)
    too_old = requests.post(url, json={"messages": [recent[0], old]}, headers=BOT)
    ok = requests.post(url, json={"messages": recent[:2]}, headers=BOT)

    assert (one.status_code, one.json()["code"]) == (400, 50035)
    assert (too_many.status_code, too_many.json()["code"]) == (400, 50035)
    assert (too_old.status_code, too_old.json()["code"]) == (400, 50034)
    assert ok.status_code == 204
    assert [m["id"] for m in discord.channel_messages(CHANNEL)] == [recent[2]]


def test_multipart_message_is_parsed_into_payload_and_files(discord):
    png = b"\x89PNG\r\n\x1a\nfake"
    response = requests.post(
        f"{discord.base_url}/channels/{CHANNEL}/messages", headers=BOT,
        data={"payload_json": '{"content": "your card", "attachments": [{"id": 0, "description": "Rank 3"}]}'},
        files={"files[0]": ("rank.png", png, "image/png")})

    recorded = discord.find("POST", rf"/channels/{CHANNEL}/messages")[0]
    attachment = response.json()["attachments"][0]
    assert recorded.json["content"] == "your card"
    assert recorded.files == [("files[0]", "rank.png", "image/png", png)]
    assert (attachment["filename"], attachment["size"], attachment["description"]) == ("rank.png", len(png), "Rank 3")
    assert requests.get(attachment["url"]).content == png


def test_deferred_reply_edit_and_followup_are_what_the_user_sees(discord):
    callback = f"{discord.base_url}/interactions/900000000000000001/tok-1/callback"
    original = f"{discord.base_url}/webhooks/{APP}/tok-1/messages/@original"

    deferred = requests.post(callback, json={"type": 5, "data": {"flags": 64}})
    again = requests.post(callback, json={"type": 4, "data": {"content": "late"}})
    edited = requests.patch(original, json={"content": "Banned <@3>."})
    followup = requests.post(f"{discord.base_url}/webhooks/{APP}/tok-1", json={"content": "Case #4 logged."})
    requests.patch(f"{discord.base_url}/webhooks/{APP}/tok-1/messages/{followup.json()['id']}",
                   json={"content": "Case #4 logged in #mod-log."})

    assert deferred.status_code == 204
    assert (again.status_code, again.json()["code"]) == (400, 40060)
    assert edited.json()["flags"] == 64 and edited.json()["edited_timestamp"]
    assert [m["content"] for m in discord.webhook_messages("tok-1")] == ["Banned <@3>.", "Case #4 logged in #mod-log."]


def test_command_overwrite_keeps_ids_of_unchanged_names_and_scopes_to_guild(discord):
    url = f"{discord.base_url}/applications/{APP}/guilds/{GUILD}/commands"
    ban = {"name": "ban", "description": "Ban a member", "default_member_permissions": "4",
           "options": [{"type": 6, "name": "user", "description": "Who", "required": True}]}

    first = requests.put(url, json=[ban], headers=BOT).json()
    second = requests.put(url, json=[ban, {"name": "kick", "description": "Kick"}], headers=BOT).json()
    invalid = requests.put(url, json=[{"name": "Has Spaces", "description": "x"}], headers=BOT)

    assert second[0]["id"] == first[0]["id"] and second[0]["version"] != first[0]["version"]
    assert {c["guild_id"] for c in second} == {GUILD} and second[0]["application_id"] == APP
    assert (invalid.status_code, invalid.json()["code"]) == (400, 50035)
    assert [c["name"] for c in discord.commands(GUILD)] == ["ban", "kick"] and discord.commands() == []
    assert validate_recorded(discord.find("PUT", r"/applications/\d+/guilds/\d+/commands")[0]) is True


def test_moderation_changes_state_and_writes_the_audit_log(discord):
    member_url = f"{discord.base_url}/guilds/{GUILD}/members/{MEMBER}"
    ban_url = f"{discord.base_url}/guilds/{GUILD}/bans/{MEMBER}"
    until = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()

    timed_out = requests.patch(member_url, json={"communication_disabled_until": until}, headers=BOT)
    too_long = requests.patch(member_url, headers=BOT, json={
        "communication_disabled_until": (datetime.now(timezone.utc) + timedelta(days=29)).isoformat()})
    requests.put(ban_url, json={"delete_message_seconds": 3600}, headers={**BOT, "X-Audit-Log-Reason": "raid%20bot"})
    gone = requests.get(member_url, headers=BOT)
    first_unban = requests.delete(ban_url, headers=BOT)
    second_unban = requests.delete(ban_url, headers=BOT)
    log = requests.get(f"{discord.base_url}/guilds/{GUILD}/audit-logs", params={"limit": 2}, headers=BOT).json()

    assert timed_out.json()["communication_disabled_until"] == until
    assert (too_long.status_code, too_long.json()["code"]) == (400, 50035)
    assert (gone.status_code, gone.json()["code"]) == (404, 10007)
    assert first_unban.status_code == 204
    assert (second_unban.status_code, second_unban.json()["code"]) == (404, 10026)
    assert [(e["action_type"], e.get("reason")) for e in log["audit_log_entries"]] == [(23, None), (22, "raid bot")]
    assert MEMBER in {u["id"] for u in log["users"]}


def test_oauth_code_exchange_then_bearer_token_reads_the_user(discord):
    discord.add_oauth_user("access-1", {"id": OWNER, "username": "owner"},
                           [{"id": GUILD, "name": "Test Guild", "permissions": "32", "owner": True}])
    discord.add_oauth_code("code-1", "access-1")

    token = requests.post(f"{discord.base_url}/oauth2/token",
                          data={"grant_type": "authorization_code", "code": "code-1", "redirect_uri": "x"}).json()
    reused = requests.post(f"{discord.base_url}/oauth2/token", data={"grant_type": "authorization_code", "code": "code-1"})
    bearer = {"Authorization": f"Bearer {token['access_token']}"}

    assert token["token_type"] == "Bearer" and token["refresh_token"]
    assert reused.json()["error"] == "invalid_grant"
    assert requests.get(f"{discord.base_url}/users/@me", headers=bearer).json()["username"] == "owner"
    assert requests.get(f"{discord.base_url}/users/@me/guilds", headers=bearer).json()[0]["id"] == GUILD
    assert requests.get(f"{discord.base_url}/users/@me", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_cdn_serves_set_avatars_and_garbage_when_asked(discord):
    discord.set_avatar(MEMBER, "goodhash")
    discord.set_avatar(OWNER, "badhash", garbage=True)

    good = requests.get(f"{discord.cdn_url}/avatars/{MEMBER}/goodhash.png", params={"size": 128})
    bad = requests.get(f"{discord.cdn_url}/avatars/{OWNER}/badhash.png")
    unknown = requests.get(f"{discord.cdn_url}/avatars/{MEMBER}/otherhash.png")

    assert good.headers["Content-Type"] == "image/png" and good.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert bad.status_code == 200 and not bad.content.startswith(b"\x89PNG")
    assert unknown.status_code == 404
    assert discord.member(GUILD, MEMBER)["user"]["avatar"] == "goodhash"


def test_fake_answers_have_the_shapes_in_discords_spec(discord):
    message = requests.post(f"{discord.base_url}/channels/{CHANNEL}/messages", json={"content": "hi"}, headers=BOT)
    member = requests.get(f"{discord.base_url}/guilds/{GUILD}/members/{MEMBER}", headers=BOT)
    rule = requests.post(f"{discord.base_url}/guilds/{GUILD}/auto-moderation/rules", headers=BOT, json={
        "name": "Bad words", "event_type": 1, "trigger_type": 1,
        "trigger_metadata": {"keyword_filter": ["badword"]}, "actions": [{"type": 1}]})

    validate_response("POST", f"/channels/{CHANNEL}/messages", 200, message.json())
    validate_response("GET", f"/guilds/{GUILD}/members/{MEMBER}", 200, member.json())
    validate_response("POST", f"/guilds/{GUILD}/auto-moderation/rules", 200, rule.json())
    assert rule.json()["creator_id"] == APP and discord.automod_rules(GUILD)[0]["name"] == "Bad words"


def test_spec_accepts_pong_and_rejects_non_string_content():
    validate_interaction_response({"type": 1})
    with pytest.raises(AssertionError, match=r"\$\.data\.content: 123 is not of type"):
        validate_interaction_response({"type": 4, "data": {"content": 123}})
    with pytest.raises(AssertionError, match="unknown callback type 3"):
        validate_interaction_response({"type": 3})


def test_spec_checks_command_registration_option_types():
    good = [{"name": "warn", "description": "Warn a member", "default_member_permissions": "1099511627776",
             "options": [{"type": 6, "name": "user", "description": "Who", "required": True},
                         {"type": 3, "name": "reason", "description": "Why", "max_length": 512}]}]
    bad = [{**good[0], "options": [{"type": 42, "name": "user", "description": "Who"}]}]

    validate_request("PUT", f"/applications/{APP}/commands", good)
    with pytest.raises(AssertionError, match=r"\$\[0\]\.options\[0\]: type 42 is none of the allowed kinds"):
        validate_request("PUT", f"/applications/{APP}/commands", bad)


def test_spec_rejects_automod_rule_without_event_type_and_unknown_routes():
    with pytest.raises(AssertionError, match="'event_type' is a required property"):
        validate_request("POST", f"/guilds/{GUILD}/auto-moderation/rules",
                         {"name": "Links", "trigger_type": 1, "actions": [{"type": 1}]})
    with pytest.raises(AssertionError, match="not a route in Discord's spec"):
        validate_request("POST", "/guilds/1/not-a-thing", {})



def test_a_slow_route_acts_first_and_answers_late(discord):
    import time
    discord.slow("PUT", rf"/guilds/{GUILD}/bans/{MEMBER}", 0.6)
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        requests.put(f"{discord.base_url}/guilds/{GUILD}/bans/{MEMBER}", json={}, headers=BOT, timeout=0.2)
    assert time.monotonic() - started < 0.5
    time.sleep(0.6)
    bans = requests.get(f"{discord.base_url}/guilds/{GUILD}/bans", headers=BOT, timeout=2).json()
    assert [b["user"]["id"] for b in bans] == [MEMBER]
