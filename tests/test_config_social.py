"""/config xp, /config levelrole and /config rep as a server manager uses them."""
from app import guild_settings
from app.social import scan_consumer
from tests import interactions as ix

ROLE = "880000000000000008"
CHANNEL = "860000000000000006"


def role(role_id=ROLE, managed=False):
    return {"roles": {role_id: {"id": role_id, "name": "Regular", "position": 3, "permissions": "0",
                                "color": 0, "hoist": False, "managed": managed, "mentionable": False}}}


def stored(runtime, section):
    with runtime.connection() as conn:
        return guild_settings.load_section(conn, ix.GUILD_ID, section)


def test_a_level_role_is_added_listed_and_removed(discord, runtime):
    added = discord.command("config", [ix.sub("levelrole", ix.opt("level", 5, 4), ix.opt("role", ROLE, 8))],
                            resolved=role(), permissions=ix.MANAGE_GUILD, app_permissions=1 << 28)
    assert f"Level 5: <@&{ROLE}>" in added["data"]["embeds"][0]["description"]
    assert stored(runtime, "xp")["level_roles"] == [{"level": 5, "role_id": ROLE}]
    removed = discord.command("config", [ix.sub("levelrole", ix.opt("level", 5, 4))], permissions=ix.MANAGE_GUILD)
    assert removed["data"]["embeds"][0]["description"] == "No level rewards."
    assert stored(runtime, "xp")["level_roles"] == []


def test_a_level_role_warns_when_the_bot_cannot_manage_roles(discord):
    added = discord.command("config", [ix.sub("levelrole", ix.opt("level", 2, 4), ix.opt("role", ROLE, 8))],
                            resolved=role(), permissions=ix.MANAGE_GUILD, app_permissions=0)
    assert "Manage Roles" in added["data"]["content"]


def test_integration_roles_cannot_be_rewards(discord, runtime):
    refused = discord.command("config", [ix.sub("levelrole", ix.opt("level", 2, 4), ix.opt("role", ROLE, 8))],
                              resolved=role(managed=True), permissions=ix.MANAGE_GUILD)
    assert refused["data"]["flags"] == 64 and "integration" in refused["data"]["content"]
    assert stored(runtime, "xp")["level_roles"] == []


def test_turning_xp_off_stops_the_scan_from_awarding(discord, runtime):
    options = [ix.sub("xp", ix.opt("enabled", False, 5), ix.opt("announce_channel", CHANNEL, 7))]
    resolved = {"channels": {CHANNEL: {"id": CHANNEL, "name": "levels", "type": 0, "permissions": "0"}}}
    reply = discord.command("config", options, resolved=resolved, permissions=ix.MANAGE_GUILD)
    assert "**enabled**: off" in reply["data"]["embeds"][0]["description"]
    assert stored(runtime, "xp")["announce_channel_id"] == CHANNEL
    with runtime.connection() as conn:
        assert scan_consumer.wants_guild(conn, ix.GUILD_ID) is False


def test_rep_cooldowns_are_configurable_and_managers_only(discord, runtime):
    refused = discord.command("config", [ix.sub("rep", ix.opt("cooldown_hours", 1, 4))], permissions=0)
    assert "Manage Server" in refused["data"]["content"]
    assert stored(runtime, "rep")["cooldown_hours"] == 24
    changed = discord.command("config", [ix.sub("rep", ix.opt("cooldown_hours", 1, 4))], permissions=ix.MANAGE_GUILD)
    assert "**cooldown hours**: 1" in changed["data"]["embeds"][0]["description"]
    out_of_range = discord.command("config", [ix.sub("rep", ix.opt("cooldown_hours", 9999, 4))],
                                   permissions=ix.MANAGE_GUILD)
    assert "between 0 and 720" in out_of_range["data"]["content"]
