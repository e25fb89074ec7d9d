"""The local sandbox (`python -m app try ...`) builds interactions the app accepts as Discord's."""
import pytest

from app.discord.errors import DiscordError
from app.local_try import build


def test_try_builds_a_command_with_spaces_in_values(discord, app):
    commands = app.extensions["statussync"].commands
    interaction = build(commands, "/automod test text:FREE NITRO at discord.gg/abc")
    assert interaction["data"]["options"] == [
        {"name": "test", "type": 1, "options": [{"name": "text", "type": 3, "value": "FREE NITRO at discord.gg/abc"}]}]
    answer = discord.send(interaction)
    assert answer["data"]["embeds"][0]["title"] == "Automod test"


def test_try_resolves_channels_like_discord(discord, app):
    interaction = build(app.extensions["statussync"].commands, "/config modlog channel:123456789012345678")
    answer = discord.send(interaction)
    assert "<#123456789012345678>" in answer["data"]["content"]


@pytest.mark.parametrize("text, message", [("/nope", "unknown command"), ("/config bogus", "unknown subcommand"),
                                           ("/config modlog chan:1", "unknown option")])
def test_try_says_what_is_wrong(app, text, message):
    with pytest.raises(SystemExit, match=message):
        build(app.extensions["statussync"].commands, text)


def test_without_a_bot_token_the_user_is_told_how_to_fix_it():
    from app.discord.rest import DiscordClient
    with pytest.raises(DiscordError) as caught:
        DiscordClient("http://127.0.0.1:9/api/v10", None).get("/users/@me")
    assert "DISCORD_BOT_TOKEN" in caught.value.explain()
