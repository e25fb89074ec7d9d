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


def test_try_renders_text_embed_fields_buttons_menus_and_attachments():
    from app.local_render import render_callback, render_messages
    world = {"members": [{"id": "720000000000000044", "name": "Bob"}], "channels": [{"id": "9", "name": "mod-log"}],
             "roles": []}
    message = {"interaction": {"user": "Max", "label": "/cases"}, "author": {"name": "StatusSync"}, "ephemeral": True,
               "content": "for <@720000000000000044> in <#9>",
               "embeds": [{"title": "Cases", "description": "**#1** Warning · <t:0:d>",
                           "fields": [{"name": "Reason", "value": "spam"}], "footer": {"text": "Page 1 of 2"}}],
               "attachments": [{"filename": "rank.png", "content_type": "image/png", "size": 4096, "url": "/sandbox/cdn/x"}],
               "components": [{"type": 1, "components": [
                   {"type": 2, "label": "Previous", "disabled": True}, {"type": 2, "label": "Next"},
                   {"type": 3, "placeholder": "Ripeness", "options": [{"label": "Ripe"}, {"label": "Green"}]}]}]}
    text = render_messages([message], world, "http://127.0.0.1:3000")
    assert text.splitlines()[:2] == ["Max used /cases", "StatusSync [APP]  (only you can see this)"]
    assert "  for @Bob in #mod-log" in text
    assert "  | Cases\n  | #1 Warning · 1970-01-01 00:00 UTC\n  | Reason: spam\n  | Page 1 of 2" in text
    assert "attachment: rank.png (image/png, 4 KB)  http://127.0.0.1:3000/sandbox/cdn/x" in text
    assert "[Previous (disabled)]  [Next]  [menu: Ripeness: Ripe, Green]" in text
    assert render_callback({"type": 5, "data": {}}).startswith("deferred")
    assert render_callback({"type": 4, "data": {"content": "ok", "flags": 64}}) == \
        "StatusSync [APP]  (only you can see this)\n  ok"
