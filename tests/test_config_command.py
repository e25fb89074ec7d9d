"""/config and /help as a moderator and a member would use them."""
from tests import interactions as ix

MODLOG_CHANNEL = "860000000000000006"


def modlog(channel_id):
    return [ix.sub("modlog", ix.opt("channel", channel_id, 7))], {
        "channels": {channel_id: {"id": channel_id, "name": "mod-log", "type": 0, "permissions": "0"}}}


def test_config_view_shows_defaults_then_the_changed_modlog(discord):
    first = discord.command("config", [ix.sub("view")], permissions=ix.MANAGE_GUILD)
    fields = {f["name"]: f["value"] for f in first["data"]["embeds"][0]["fields"]}
    assert "**channel id**: not set" in fields["Mod log"]
    assert first["data"]["flags"] == 64

    options, resolved = modlog(MODLOG_CHANNEL)
    changed = discord.command("config", options, resolved=resolved, permissions=ix.MANAGE_GUILD)
    assert f"<#{MODLOG_CHANNEL}>" in changed["data"]["content"]

    after = discord.command("config", [ix.sub("view")], permissions=ix.MANAGE_GUILD)
    fields = {f["name"]: f["value"] for f in after["data"]["embeds"][0]["fields"]}
    assert f"**channel id**: <#{MODLOG_CHANNEL}>" in fields["Mod log"]


def test_config_needs_manage_server_even_if_discord_let_the_command_through(discord):
    options, resolved = modlog(MODLOG_CHANNEL)
    refused = discord.command("config", options, resolved=resolved, permissions=0)
    assert refused["data"]["flags"] == 64 and "Manage Server" in refused["data"]["content"]
    view = discord.command("config", [ix.sub("view")], permissions=ix.MANAGE_GUILD)
    assert "not set" in {f["name"]: f["value"] for f in view["data"]["embeds"][0]["fields"]}["Mod log"]


def test_config_with_a_channel_discord_did_not_resolve_is_refused(discord):
    payload = discord.command("config", [ix.sub("modlog", ix.opt("channel", "999", 7))], permissions=ix.MANAGE_GUILD)
    assert payload["data"]["flags"] == 64 and "Pick it from the list" in payload["data"]["content"]


def test_settings_are_kept_per_guild(discord):
    options, resolved = modlog(MODLOG_CHANNEL)
    discord.command("config", options, resolved=resolved, permissions=ix.MANAGE_GUILD)
    other = discord.command("config", [ix.sub("view")], permissions=ix.MANAGE_GUILD, guild_id="870000000000000007")
    assert "not set" in {f["name"]: f["value"] for f in other["data"]["embeds"][0]["fields"]}["Mod log"]


def test_help_lists_what_the_member_may_use(discord):
    admin = discord.command("help", permissions=ix.ADMINISTRATOR)["data"]["embeds"][0]["description"]
    member = discord.command("help", permissions=0)["data"]["embeds"]
    assert "`/config view`" in admin and "`/help`" in admin
    text = " ".join(e.get("description", "") for e in member)
    assert "`/help`" in text and "/config" not in text
    assert "need permissions you don't have" in member[-1]["footer"]["text"]
