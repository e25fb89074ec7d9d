"""A server with a layout worth backing up, on the fake Discord's stateful guild (tests of issue 11)."""
from tests import interactions as ix

VIEW, SEND, KICK, BAN, ADMIN = 1 << 10, 1 << 11, 1 << 1, 1 << 2, 1 << 3
MANAGE_CHANNELS, MANAGE_GUILD, MANAGE_ROLES, MANAGE_MESSAGES = 1 << 4, 1 << 5, 1 << 28, 1 << 13
BOT_BITS = VIEW | SEND | KICK | BAN | MANAGE_CHANNELS | MANAGE_GUILD | MANAGE_ROLES | MANAGE_MESSAGES


def seed(fake, guild_id=ix.GUILD_ID, *, community=False, extra_roles=0):
    """Roles Admins (above the bot), StatusSync (the bot's), Mods, Members; a category with #rules and
    #staff, #general, a voice channel; overwrites for @everyone and Mods. Returns the objects by name."""
    fake.add_guild(guild_id, ix.OWNER_ID, name="Layout")
    if community:
        fake.set_community(guild_id)
    made = {"admins": fake.add_role(guild_id, "Admins", permissions=ADMIN, position=20, color=0xE74C3C),
            "bot": fake.add_role(guild_id, "StatusSync", permissions=BOT_BITS, position=10, members=[ix.BOT_ID]),
            "mods": fake.add_role(guild_id, "Mods", permissions=KICK | BAN, position=3, hoist=True, color=0x3498DB),
            "members": fake.add_role(guild_id, "Members", permissions=VIEW | SEND, position=2)}
    for n in range(extra_roles):
        fake.add_role(guild_id, f"filler {n}", position=1)
    everyone_deny_send = {"id": guild_id, "type": 0, "allow": "0", "deny": str(SEND)}
    mods_allow = {"id": made["mods"]["id"], "type": 0, "allow": str(VIEW | SEND), "deny": "0"}
    made["info"] = fake.add_guild_channel(guild_id, "Info", type=4, position=0)
    made["rules"] = fake.add_guild_channel(guild_id, "rules", parent_id=made["info"]["id"], position=1,
                                           topic="Be kind. Staff: <@&%s>" % made["mods"]["id"],
                                           permission_overwrites=[everyone_deny_send, mods_allow])
    made["staff"] = fake.add_guild_channel(guild_id, "staff", parent_id=made["info"]["id"], position=2,
                                           permission_overwrites=[{**everyone_deny_send, "deny": str(VIEW)},
                                                                  mods_allow], rate_limit_per_user=5)
    made["general"] = fake.add_guild_channel(guild_id, "general", position=3, topic="Chat",
                                             permission_overwrites=[{"id": guild_id, "type": 0, "allow": str(SEND),
                                                                     "deny": "0"}])
    made["lounge"] = fake.add_guild_channel(guild_id, "Lounge", type=2, position=4, bitrate=96000, user_limit=10)
    if community:
        made["news"] = fake.add_guild_channel(guild_id, "news", type=5, position=5)
    return made


STRUCTURE_WRITES = r"/guilds/\d+(/roles(/\d+)?|/channels)?|/channels/\d+(/permissions/\d+)?"


def structure_writes(fake):
    """Every request that changed (or tried to change) the server's structure."""
    found = [r for method in ("POST", "PATCH", "PUT", "DELETE") for r in fake.find(method, STRUCTURE_WRITES)]
    return sorted(found, key=lambda r: r.arrived)
