"""The fake Discord's stateful guild answers guild-structure requests as Discord does: hierarchy and
permission refusals (50013), the 250-role and 500-channel caps, Community-only channel types."""
import pytest

from app.discord.errors import DiscordError
from tests import interactions as ix
from tests.backup_guild import ADMIN, SEND, VIEW, seed

G = ix.GUILD_ID


@pytest.fixture
def fake_discord(own_discord):
    own_discord.forget_guilds()
    return own_discord


def refusal(call) -> tuple:
    with pytest.raises(DiscordError) as caught:
        call()
    return caught.value.status, caught.value.code


def test_roles_at_or_above_the_bots_highest_role_and_permissions_it_lacks_are_refused(fake_discord, runtime):
    made = seed(fake_discord)
    rest = runtime.discord
    assert refusal(lambda: rest.patch(f"/guilds/{G}/roles/{made['admins']['id']}", {"color": 1})) == (403, 50013)
    assert refusal(lambda: rest.patch(f"/guilds/{G}/roles/{made['bot']['id']}", {"color": 1})) == (403, 50013)
    assert refusal(lambda: rest.post(f"/guilds/{G}/roles", {"name": "x", "permissions": str(ADMIN)})) == (403, 50013)
    assert refusal(lambda: rest.patch(f"/guilds/{G}/roles", [{"id": made["mods"]["id"], "position": 30}])) == (403, 50013)
    channel = made["general"]["id"]
    assert refusal(lambda: rest.put(f"/channels/{channel}/permissions/{G}", {"type": 0, "allow": str(ADMIN)})) == (403, 50013)
    created = rest.post(f"/guilds/{G}/roles", {"name": "Helpers", "permissions": str(VIEW | SEND)})
    assert created["position"] == 1 and created["permissions"] == str(VIEW | SEND)
    assert fake_discord.roles(G)[2]["name"] == "Members"  # the others moved up


def test_the_250_role_and_500_channel_caps_answer_as_discord_does(fake_discord, runtime):
    seed(fake_discord, extra_roles=245)  # 250 with @everyone and the 4 seeded
    assert refusal(lambda: runtime.discord.post(f"/guilds/{G}/roles", {"name": "one more"})) == (400, 30005)
    for n in range(500 - len(fake_discord.channels(G))):
        fake_discord.add_guild_channel(G, f"c{n}")
    assert refusal(lambda: runtime.discord.post(f"/guilds/{G}/channels", {"name": "x", "type": 0})) == (400, 30013)


def test_community_only_channel_types_need_a_community_server(fake_discord, runtime):
    seed(fake_discord)
    assert refusal(lambda: runtime.discord.post(f"/guilds/{G}/channels", {"name": "news", "type": 5})) == (400, 50035)
    fake_discord.set_community(G)
    assert runtime.discord.post(f"/guilds/{G}/channels", {"name": "news", "type": 5})["type"] == 5


def test_guild_settings_are_kept_and_read_back(fake_discord, runtime):
    made = seed(fake_discord)
    runtime.discord.patch(f"/guilds/{G}", {"verification_level": 2, "afk_channel_id": made["lounge"]["id"],
                                           "afk_timeout": 900})
    guild = runtime.discord.get(f"/guilds/{G}")
    assert (guild["verification_level"], guild["afk_channel_id"], guild["afk_timeout"]) == (2, made["lounge"]["id"], 900)
