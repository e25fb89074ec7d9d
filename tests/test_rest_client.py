"""The Discord REST client against the fake Discord: rate limits, retries, reasons, uploads, mentions."""
import time

import pytest

from app.discord.rest import DiscordClient, DiscordError, route_key
from app.interactions.responses import Attachment
from tests.conftest import BOT_TOKEN
from tests.interactions import BOT_ID

GUILD, OWNER, MEMBER, CHANNEL = "810000000000000001", "830000000000000003", "850000000000000005", "820000000000000002"


@pytest.fixture
def client(fake_discord):
    fake_discord.add_guild(GUILD, OWNER)
    fake_discord.add_member(GUILD, MEMBER)
    fake_discord.add_channel(GUILD, CHANNEL)
    return DiscordClient(fake_discord.base_url, BOT_TOKEN, BOT_ID)


def test_a_429_is_retried_after_retry_after_and_the_ban_lands_once(client, fake_discord):
    fake_discord.rate_limit("PUT", rf"/guilds/{GUILD}/bans/{MEMBER}", retry_after=0.25)
    client.put(f"/guilds/{GUILD}/bans/{MEMBER}", {"delete_message_seconds": 0}, reason="spam")
    attempts = fake_discord.find("PUT", rf"/guilds/{GUILD}/bans/{MEMBER}")
    assert [a.status for a in attempts] == [429, 204]
    assert attempts[1].arrived - attempts[0].arrived >= 0.25
    assert MEMBER in fake_discord.guild_bans(GUILD)


def test_429s_beyond_the_bound_raise_at_once_instead_of_waiting(client, fake_discord):
    fake_discord.rate_limit("POST", rf"/channels/{CHANNEL}/messages", retry_after=30, times=5)
    started = time.monotonic()
    with pytest.raises(DiscordError) as caught:
        client.send_message(CHANNEL, "hi")
    assert caught.value.status == 429 and caught.value.retry_after == pytest.approx(30, abs=0.5) and not caught.value.maybe_done
    assert "rate-limiting" in caught.value.explain()
    assert time.monotonic() - started < 0.5
    with pytest.raises(DiscordError):  # Discord said 30 s: the next one isn't even sent
        client.send_message(CHANNEL, "again")
    assert len(fake_discord.find("POST", rf"/channels/{CHANNEL}/messages")) == 1
    assert fake_discord.channel_messages(CHANNEL) == []


def test_an_exhausted_bucket_waits_for_its_reset_before_the_next_request(client, fake_discord):
    fake_discord.queue("GET", rf"/guilds/{GUILD}", 200, body={"id": GUILD, "name": "g", "owner_id": OWNER},
                       headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "0.5"})
    client.get(f"/guilds/{GUILD}")
    client.get(f"/guilds/{GUILD}")
    first, second = fake_discord.find("GET", rf"/guilds/{GUILD}")
    assert second.arrived - first.arrived >= 0.45 and second.status == 200


def test_audit_log_reason_user_agent_and_token_are_sent(client, fake_discord):
    client.delete(f"/guilds/{GUILD}/members/{MEMBER}", reason="Spamming links — 3rd time")
    request = fake_discord.find("DELETE", rf"/guilds/{GUILD}/members/{MEMBER}")[0]
    assert request.headers["X-Audit-Log-Reason"] == "Spamming%20links%20%E2%80%94%203rd%20time"
    assert request.headers["User-Agent"].startswith("DiscordBot (")
    assert request.headers["Authorization"] == f"Bot {BOT_TOKEN}"
    assert fake_discord.member(GUILD, MEMBER) is None


def test_messages_never_ping_everyone_by_default_and_files_upload(client, fake_discord):
    from tests import spec
    client.send_message(CHANNEL, "@everyone look", files=[Attachment("card.png", b"\x89PNG fake", "image/png")])
    request = fake_discord.find("POST", rf"/channels/{CHANNEL}/messages")[0]
    assert request.json["allowed_mentions"] == {"parse": []}
    assert request.files[0][1:] == ("card.png", "image/png", b"\x89PNG fake")
    spec.validate_recorded(request)


def test_discord_refusals_become_plain_explanations(client, fake_discord):
    with pytest.raises(DiscordError) as caught:
        client.get(f"/guilds/{GUILD}/members/123456789012345678")
    assert caught.value.code == 10007
    assert caught.value.explain() == "That member isn't in this server (any more)."
    fake_discord.queue("PUT", rf"/guilds/{GUILD}/bans/{MEMBER}", 403,
                       body={"message": "Missing Permissions", "code": 50013})
    with pytest.raises(DiscordError) as caught:
        client.put(f"/guilds/{GUILD}/bans/{MEMBER}", {})
    assert "missing a permission" in caught.value.explain()


def test_server_errors_on_reads_are_retried(client, fake_discord):
    fake_discord.queue("GET", rf"/guilds/{GUILD}", 502, body={"message": "Bad Gateway", "code": 0})
    assert client.get(f"/guilds/{GUILD}")["id"] == GUILD


def test_unreachable_discord_is_a_discord_error_not_a_crash():
    client = DiscordClient("http://127.0.0.1:9/api/v10", BOT_TOKEN, BOT_ID, timeout=0.5)
    with pytest.raises(DiscordError) as caught:
        client.post("/channels/1/messages", {"content": "x"})
    assert caught.value.status == 0 and "isn't answering" in caught.value.explain()


def test_the_token_never_shows_in_the_client_repr():
    assert BOT_TOKEN not in repr(DiscordClient("http://x", BOT_TOKEN, BOT_ID))


def test_route_keys_keep_major_ids_and_fold_the_others():
    assert route_key("PUT", "/guilds/1234567/bans/7654321") == "PUT /guilds/1234567/bans/:id"
    assert route_key("GET", "/users/7654321") == "GET /users/:id"
    assert route_key("DELETE", "/channels/1234567/messages/7654321") == "DELETE /channels/1234567/messages/:id"
    assert route_key("PATCH", "/webhooks/1234567/sEcReT/messages/@original") == \
        "PATCH /webhooks/1234567/:token/messages/@original"
    assert route_key("POST", "/interactions/1234567/sEcReT/callback") == "POST /interactions/1234567/:token/callback"


def test_cached_get_reuses_an_answer_for_its_ttl_then_asks_again(fake_discord):
    fake_discord.add_guild(GUILD, OWNER)
    clock = [100.0]
    client = DiscordClient(fake_discord.base_url, BOT_TOKEN, BOT_ID, sleep=lambda s: None, monotonic=lambda: clock[0])
    first = client.cached_get(f"/guilds/{GUILD}", ttl=10)
    clock[0] += 5
    assert client.cached_get(f"/guilds/{GUILD}", ttl=10) == first
    assert len(fake_discord.find("GET", rf"/guilds/{GUILD}")) == 1
    clock[0] += 6
    client.cached_get(f"/guilds/{GUILD}", ttl=10)
    assert len(fake_discord.find("GET", rf"/guilds/{GUILD}")) == 2


def test_an_interaction_token_never_reaches_a_log_line(client, fake_discord, caplog):
    token = "aW50ZXJhY3Rpb246c2VjcmV0LXRva2Vu"  # an interaction token lets anyone answer as the bot for 15 min
    fake_discord.rate_limit("POST", rf"/webhooks/{BOT_ID}/{token}", retry_after=0.05)
    with caplog.at_level("DEBUG", logger="app.discord.rest"):
        client.follow_up(token, {"content": "done"})
    assert "429" in caplog.text and token not in caplog.text
    assert len(fake_discord.find("POST", rf"/webhooks/{BOT_ID}/{token}")) == 2
