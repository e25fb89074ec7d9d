"""Deadlines and the three ways a request can end badly: not sent, sent and maybe done, refused in time.

Real timings against the fake Discord over HTTP (and, for a dropped connection, a socket that hangs up).
"""
import socket
import threading
import time

import pytest

from app import deadlines
from app.deadlines import DeadlineExceeded
from app.discord.rest import RECORD_RESERVE, DiscordClient, DiscordError, DiscordTimeout, DiscordUnreachable
from tests.conftest import BOT_TOKEN
from tests.interactions import BOT_ID

GUILD, OWNER, MEMBER, CHANNEL = "810000000000000001", "830000000000000003", "850000000000000005", "820000000000000002"
BAN = f"/guilds/{GUILD}/bans/{MEMBER}"
TOKEN = "aW50ZXJhY3Rpb246c2VjcmV0LXRva2Vu"


@pytest.fixture
def client(fake_discord):
    fake_discord.add_guild(GUILD, OWNER)
    fake_discord.add_member(GUILD, MEMBER)
    fake_discord.add_channel(GUILD, CHANNEL)
    return DiscordClient(fake_discord.base_url, BOT_TOKEN, BOT_ID)


def test_a_retry_after_past_the_deadline_raises_at_once_and_sends_nothing_more(client, fake_discord):
    fake_discord.rate_limit("PUT", BAN, retry_after=1.5)
    started = time.monotonic()
    with deadlines.within(1.0), pytest.raises(DeadlineExceeded):
        client.put(BAN, {}, reason="spam")
    assert time.monotonic() - started < 0.2
    assert [r.status for r in fake_discord.find("PUT", BAN)] == [429]
    assert MEMBER not in fake_discord.guild_bans(GUILD)


def test_a_retry_after_inside_the_deadline_is_waited_out(client, fake_discord):
    fake_discord.rate_limit("PUT", BAN, retry_after=0.3)
    with deadlines.within(1.0):
        client.put(BAN, {})
    assert [r.status for r in fake_discord.find("PUT", BAN)] == [429, 204]


def test_an_exhausted_bucket_past_the_deadline_raises_before_sending(client, fake_discord):
    fake_discord.queue("GET", rf"/guilds/{GUILD}", 200, body={"id": GUILD, "name": "g", "owner_id": OWNER},
                       headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "1.5"})
    client.get(f"/guilds/{GUILD}")
    started = time.monotonic()
    with deadlines.within(0.5), pytest.raises(DeadlineExceeded):
        client.get(f"/guilds/{GUILD}")
    assert time.monotonic() - started < 0.1
    assert len(fake_discord.find("GET", rf"/guilds/{GUILD}")) == 1


def test_an_answer_later_than_the_deadline_is_a_timeout_that_may_have_acted(client, fake_discord):
    fake_discord.slow("PUT", BAN, delay=4)
    started = time.monotonic()
    with deadlines.within(2.0), pytest.raises(DiscordTimeout) as caught:
        client.put(BAN, {}, reason="spam")
    # it stops short of the deadline by the reserve the caller needs to write down what happened
    assert 1.9 - RECORD_RESERVE < time.monotonic() - started < 2.3 - RECORD_RESERVE
    assert caught.value.maybe_done and caught.value.status == 0
    assert "can't tell whether" in caught.value.explain()
    assert MEMBER in fake_discord.guild_bans(GUILD)  # Discord did act
    assert len(fake_discord.find("PUT", BAN)) == 1


def test_without_a_deadline_the_client_timeout_still_bounds_a_request(fake_discord):
    fake_discord.add_channel(GUILD, CHANNEL)
    client = DiscordClient(fake_discord.base_url, BOT_TOKEN, BOT_ID, timeout=0.5)
    fake_discord.slow("POST", rf"/channels/{CHANNEL}/messages", delay=1.5)
    started = time.monotonic()
    with pytest.raises(DiscordTimeout):
        client.send_message(CHANNEL, "hello")
    assert time.monotonic() - started < 0.8
    assert [m["content"] for m in fake_discord.channel_messages(CHANNEL)] == ["hello"]


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_refused_connection_was_not_sent_so_nothing_was_done():
    client = DiscordClient(f"http://127.0.0.1:{_closed_port()}/api/v10", BOT_TOKEN, BOT_ID)
    with deadlines.within(2.0), pytest.raises(DiscordUnreachable) as caught:
        client.put(BAN, {})
    assert caught.value.status == 0 and caught.value.maybe_done is False
    assert "isn't answering" in caught.value.explain()


def test_a_connection_dropped_after_sending_may_have_acted():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    received = []

    def hang_up():
        conn, _ = listener.accept()
        received.append(conn.recv(65536))
        conn.close()

    server = threading.Thread(target=hang_up, daemon=True)
    server.start()
    client = DiscordClient(f"http://127.0.0.1:{listener.getsockname()[1]}/api/v10", BOT_TOKEN, BOT_ID)
    try:
        with deadlines.within(2.0), pytest.raises(DiscordTimeout) as caught:
            client.put(BAN, {})
    finally:
        server.join(timeout=2)
        listener.close()
    assert caught.value.maybe_done and received and received[0].startswith(b"PUT /api/v10" + BAN.encode())


def test_reads_are_retried_only_while_time_is_left(client, fake_discord):
    fake_discord.queue("GET", rf"/guilds/{GUILD}", 502, body={"message": "Bad Gateway", "code": 0}, times=2)
    started = time.monotonic()
    with deadlines.within(0.2 + RECORD_RESERVE), pytest.raises(DiscordError) as caught:
        client.get(f"/guilds/{GUILD}")  # the first backoff (0.25 s) does not fit
    assert caught.value.status == 502 and time.monotonic() - started < 0.15
    assert len(fake_discord.find("GET", rf"/guilds/{GUILD}")) == 1
    with deadlines.within(2.0):
        assert client.get(f"/guilds/{GUILD}")["id"] == GUILD  # one 502 left, then served
    assert [r.status for r in fake_discord.find("GET", rf"/guilds/{GUILD}")] == [502, 502, 200]


def test_a_write_that_got_a_5xx_is_never_reported_as_not_done(client, fake_discord):
    fake_discord.queue("PUT", BAN, 502, body={"message": "Bad Gateway", "code": 0})
    with deadlines.within(0.2 + RECORD_RESERVE), pytest.raises(DiscordError) as caught:
        client.put(BAN, {})
    assert not isinstance(caught.value, DeadlineExceeded)
    assert caught.value.status == 502 and caught.value.maybe_done


def test_no_time_left_means_no_request_at_all(client, fake_discord):
    with deadlines.within(0.01), pytest.raises(DeadlineExceeded):
        client.put(BAN, {})
    assert fake_discord.find("PUT", BAN) == []


def test_deadline_messages_and_logs_never_hold_the_interaction_token(client, fake_discord, caplog):
    fake_discord.rate_limit("PATCH", rf"/webhooks/{BOT_ID}/{TOKEN}/messages/@original", retry_after=1.5)
    with caplog.at_level("DEBUG", logger="app.discord"), deadlines.within(1.0), \
            pytest.raises(DeadlineExceeded) as caught:
        client.edit_original(TOKEN, {"content": "done"})
    assert "429" in caplog.text and TOKEN not in caplog.text and TOKEN not in str(caught.value)
    assert all(TOKEN not in str(key) for key in client.limits._buckets)


def test_a_connection_that_is_never_accepted_gives_up_after_a_second_leaving_time_to_defer():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    queued = []
    for _ in range(3):  # fill the accept queue: further connection attempts go unanswered, as a black hole
        pending = socket.socket()
        pending.setblocking(False)
        pending.connect_ex(("127.0.0.1", port))
        queued.append(pending)
    client = DiscordClient(f"http://127.0.0.1:{port}/api/v10", BOT_TOKEN, BOT_ID)
    started = time.monotonic()
    try:
        with deadlines.within(2.0), pytest.raises(DiscordUnreachable) as caught:
            client.put(BAN, {})
    finally:
        for pending in queued:
            pending.close()
        listener.close()
    assert 0.9 < time.monotonic() - started < 1.3 and caught.value.maybe_done is False
