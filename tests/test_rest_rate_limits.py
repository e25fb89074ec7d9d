"""Rate limits scoped the way Discord scopes them, against the fake Discord over HTTP.

The fake answers a bucket hash per route (the same in every guild) and counts each (bucket, major
parameter) window on its own; a request past a window's limit gets a 429 there, as on Discord.
"""
import threading
import time

import pytest

from app.discord.rest import DiscordClient, DiscordError
from tests.conftest import BOT_TOKEN
from sandbox.discord.rate_limits import bucket_hash
from tests.interactions import BOT_ID

GUILD_A, GUILD_B, OWNER = "810000000000000001", "810000000000000002", "830000000000000003"
MEMBER_1, MEMBER_2, MEMBER_3 = "850000000000000005", "850000000000000006", "850000000000000007"
CHANNEL = "820000000000000002"
TOKEN = "aW50ZXJhY3Rpb246c2VjcmV0LXRva2Vu"


@pytest.fixture
def fake_discord(own_discord):
    """The module's own fake: the second guild must not show up in the shared one's guild list."""
    own_discord.reset()
    return own_discord


@pytest.fixture
def client(fake_discord):
    for guild in (GUILD_A, GUILD_B):
        fake_discord.add_guild(guild, OWNER)
        for member in (MEMBER_1, MEMBER_2, MEMBER_3):
            fake_discord.add_member(guild, member)
    fake_discord.add_channel(GUILD_A, CHANNEL)
    return DiscordClient(fake_discord.base_url, BOT_TOKEN, BOT_ID)


def _acknowledge(fake, token):
    """The interaction is answered "thinking…" first, as the app does before it follows up."""
    import requests
    answer = requests.post(f"{fake.base_url}/interactions/{fake.next_snowflake()}/{token}/callback", json={"type": 5})
    assert answer.status_code == 204


def test_a_429_in_one_guild_neither_delays_nor_refuses_a_ban_in_another(client, fake_discord):
    assert bucket_hash("PUT", f"/guilds/{GUILD_A}/bans/1") == bucket_hash("PUT", f"/guilds/{GUILD_B}/bans/2")
    client.put(f"/guilds/{GUILD_A}/bans/{MEMBER_1}", {})  # the client learns the ban route's bucket hash
    fake_discord.rate_limit("PUT", rf"/guilds/{GUILD_A}/bans/\d+", retry_after=30)
    with pytest.raises(DiscordError) as caught:
        client.put(f"/guilds/{GUILD_A}/bans/{MEMBER_2}", {})
    assert caught.value.status == 429

    started = time.monotonic()
    client.put(f"/guilds/{GUILD_B}/bans/{MEMBER_2}", {})
    assert time.monotonic() - started < 0.3
    assert MEMBER_2 in fake_discord.guild_bans(GUILD_B)
    with pytest.raises(DiscordError):  # guild A's bucket is still held: not even sent
        client.put(f"/guilds/{GUILD_A}/bans/{MEMBER_3}", {})
    assert [r.status for r in fake_discord.find("PUT", rf"/guilds/{GUILD_A}/bans/\d+")] == [204, 429]
    assert MEMBER_2 not in fake_discord.guild_bans(GUILD_A)


def test_parallel_threads_at_remaining_one_send_one_request_before_the_reset(client, fake_discord):
    fake_discord.route_limit("POST", rf"/channels/{CHANNEL}/messages", limit=2, per=0.6)
    client.send_message(CHANNEL, "warm-up")  # remaining=1 now
    start, errors = threading.Barrier(5), []

    def send(number):
        start.wait()
        try:
            client.send_message(CHANNEL, f"parallel {number}")
        except Exception as exc:  # noqa: BLE001  (the assertion below names it)
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    sent = fake_discord.find("POST", rf"/channels/{CHANNEL}/messages")
    first_window_ends = sent[0].arrived + 0.6
    assert errors == []
    assert len([r for r in sent if r.arrived < first_window_ends]) == 2  # warm-up + one
    assert fake_discord.limits.enforced == [] and all(r.status == 200 for r in sent)
    assert len(fake_discord.channel_messages(CHANNEL)) == 6


def test_on_a_route_not_known_yet_one_request_learns_the_limit_before_the_others_go(client, fake_discord):
    fake_discord.route_limit("POST", rf"/channels/{CHANNEL}/messages", limit=2, per=0.5)
    start = threading.Barrier(4)

    def send(number):
        start.wait()
        client.send_message(CHANNEL, f"parallel {number}")

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    sent = fake_discord.find("POST", rf"/channels/{CHANNEL}/messages")
    assert fake_discord.limits.enforced == [] and [r.status for r in sent] == [200] * 4
    assert len([r for r in sent if r.arrived < sent[0].arrived + 0.5]) == 2


def test_a_global_429_pauses_every_route_but_interaction_replies(client, fake_discord):
    _acknowledge(fake_discord, TOKEN)
    fake_discord.rate_limit("POST", rf"/channels/{CHANNEL}/messages", retry_after=0.6, scope="global")
    sender = threading.Thread(target=client.send_message, args=(CHANNEL, "hi"))
    sender.start()
    while not fake_discord.find("POST", rf"/channels/{CHANNEL}/messages"):
        time.sleep(0.005)
    limited_at = fake_discord.find("POST", rf"/channels/{CHANNEL}/messages")[0].arrived
    time.sleep(0.05)  # the 429 has reached the client

    client.follow_up(TOKEN, {"content": "done"})  # interaction endpoints aren't bound to the global limit
    replied = fake_discord.find("POST", rf"/webhooks/{BOT_ID}/{TOKEN}")[0]
    client.get(f"/guilds/{GUILD_B}")
    sender.join(timeout=3)

    assert replied.arrived - limited_at < 0.3 and replied.status == 200
    other = fake_discord.find("GET", rf"/guilds/{GUILD_B}")
    assert len(other) == 1 and other[0].arrived - limited_at >= 0.6 and other[0].status == 200
    assert fake_discord.limits.enforced == []  # nothing was sent into the global limit
    assert [m["content"] for m in fake_discord.channel_messages(CHANNEL)] == ["hi"]


def test_a_shared_429_waits_its_retry_after_and_is_not_an_invalid_request(client, fake_discord):
    fake_discord.rate_limit("GET", rf"/guilds/{GUILD_A}/roles", retry_after=0.3, scope="shared")
    client.get(f"/guilds/{GUILD_A}/roles")
    limited, served = fake_discord.find("GET", rf"/guilds/{GUILD_A}/roles")
    assert (limited.status, served.status) == (429, 200)
    assert served.arrived - limited.arrived >= 0.3  # its X-RateLimit-Remaining said 49: retry_after rules
    assert client.limits.invalid_requests() == 0
    fake_discord.rate_limit("GET", rf"/guilds/{GUILD_A}/roles", retry_after=0.05)
    client.get(f"/guilds/{GUILD_A}/roles")
    assert client.limits.invalid_requests() == 1  # Discord counts a user-scope 429 towards its IP ban


def test_the_fake_names_one_bucket_per_route_and_counts_each_guild_apart(fake_discord):
    import requests
    fake_discord.add_guild(GUILD_A, OWNER)
    fake_discord.add_guild(GUILD_B, OWNER)
    auth = {"Authorization": f"Bot {BOT_TOKEN}"}
    a1 = requests.get(f"{fake_discord.base_url}/guilds/{GUILD_A}", headers=auth)
    a2 = requests.get(f"{fake_discord.base_url}/guilds/{GUILD_A}", headers=auth)
    b1 = requests.get(f"{fake_discord.base_url}/guilds/{GUILD_B}", headers=auth)
    assert a1.headers["X-RateLimit-Bucket"] == b1.headers["X-RateLimit-Bucket"]
    assert [r.headers["X-RateLimit-Remaining"] for r in (a1, a2, b1)] == ["49", "48", "49"]
    assert 0 < float(a1.headers["X-RateLimit-Reset-After"]) <= 1.0


def test_the_fake_refuses_past_a_window_and_locks_every_bot_route_after_a_global_429(fake_discord):
    import requests
    fake_discord.add_guild(GUILD_A, OWNER)
    fake_discord.add_member(GUILD_A, MEMBER_1)
    auth = {"Authorization": f"Bot {BOT_TOKEN}"}
    fake_discord.route_limit("PUT", r"/guilds/\d+/bans/\d+", limit=1, per=0.3)
    ban = f"{fake_discord.base_url}/guilds/{GUILD_A}/bans/{MEMBER_1}"
    assert requests.put(ban, json={}, headers=auth).status_code == 204
    over = requests.put(ban, json={}, headers=auth)
    assert over.status_code == 429 and over.headers["X-RateLimit-Scope"] == "user"
    assert 0 < over.json()["retry_after"] <= 0.3 and over.headers["X-RateLimit-Remaining"] == "0"

    _acknowledge(fake_discord, TOKEN)
    fake_discord.rate_limit("GET", rf"/guilds/{GUILD_A}", retry_after=0.3, scope="global")
    first = requests.get(f"{fake_discord.base_url}/guilds/{GUILD_A}", headers=auth)
    other = requests.get(f"{fake_discord.base_url}/guilds/{GUILD_A}/roles", headers=auth)
    reply = requests.post(f"{fake_discord.base_url}/webhooks/{BOT_ID}/{TOKEN}", json={"content": "x"})
    assert first.json()["global"] is True and "X-RateLimit-Bucket" not in first.headers
    assert other.status_code == 429 and other.headers["X-RateLimit-Global"] == "true"
    assert reply.status_code == 200  # interaction endpoints aren't bound to the global limit
    time.sleep(0.3)
    assert requests.get(f"{fake_discord.base_url}/guilds/{GUILD_A}/roles", headers=auth).status_code == 200
