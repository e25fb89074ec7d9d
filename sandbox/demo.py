"""The demo guild the local sandbox starts with: categories, channels (a mod-log one among them), roles in a
hierarchy, an owner, a moderator, regular members and the bot above them. Fixed ids, so what the local
database remembers (cases, XP, settings) still matches the guild after a restart."""
from dataclasses import dataclass, field

KICK, BAN, ADMIN, MANAGE_CHANNELS, MANAGE_GUILD, AUDIT_LOG = 1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 7
VIEW, SEND, MANAGE_MESSAGES, EMBED, ATTACH, HISTORY = 1 << 10, 1 << 11, 1 << 13, 1 << 14, 1 << 15, 1 << 16
MANAGE_ROLES, MODERATE = 1 << 28, 1 << 40
CHAT = VIEW | SEND | EMBED | ATTACH | HISTORY
BOT_PERMISSIONS = (CHAT | KICK | BAN | MANAGE_CHANNELS | MANAGE_GUILD | AUDIT_LOG | MANAGE_MESSAGES
                   | MANAGE_ROLES | MODERATE)
MODERATOR_PERMISSIONS = CHAT | KICK | BAN | AUDIT_LOG | MANAGE_MESSAGES | MODERATE

GUILD_ID = "720000000000000001"
ROLES = [  # (id, name, position, permissions, colour): the bot's role sits above the moderators'
    ("720000000000000011", "StatusSync", 5, BOT_PERMISSIONS, 0x5865F2),
    ("720000000000000012", "Admin", 4, ADMIN, 0xED4245),
    ("720000000000000013", "Moderator", 3, MODERATOR_PERMISSIONS, 0x57F287),
    ("720000000000000014", "Regular", 2, CHAT, 0xFEE75C),
    ("720000000000000015", "Member", 1, CHAT, 0x99AAB5),
]
CATEGORIES = [("720000000000000021", "Information"), ("720000000000000022", "Community"),
              ("720000000000000023", "Staff")]
CHANNELS = [  # (id, name, category, topic, staff only)
    ("720000000000000031", "rules", "720000000000000021", "Read these first", False),
    ("720000000000000032", "general", "720000000000000022", "Chat about anything", False),
    ("720000000000000033", "memes", "720000000000000022", "Images welcome", False),
    ("720000000000000034", "staff-chat", "720000000000000023", "Moderators only", True),
    ("720000000000000035", "mod-log", "720000000000000023", "What the moderators and automod did", True),
]
OWNER_ID, MODERATOR_ID = "720000000000000041", "720000000000000042"
MEMBERS = [  # (id, username, display name, role names)
    (OWNER_ID, "olivia", "Olivia", ["Admin"]),
    (MODERATOR_ID, "max", "Max", ["Moderator", "Member"]),
    ("720000000000000043", "alice", "Alice", ["Regular", "Member"]),
    ("720000000000000044", "bob", "Bob", ["Member"]),
    ("720000000000000045", "carol", "Carol", ["Member"]),
]
WELCOME = [("720000000000000031", OWNER_ID, "Be kind. No spam, no shouting in capitals, no invite links."),
           ("720000000000000032", "720000000000000043", "hi everyone! anyone up for a game later?"),
           ("720000000000000032", "720000000000000044", "sure, after dinner")]


@dataclass
class Demo:
    guild_id: str = GUILD_ID
    owner_id: str = OWNER_ID
    moderator_id: str = MODERATOR_ID
    general_id: str = "720000000000000032"
    modlog_id: str = "720000000000000035"
    member_ids: list = field(default_factory=lambda: [m[0] for m in MEMBERS])
    text_channel_ids: list = field(default_factory=lambda: [c[0] for c in CHANNELS])


def seed(fake) -> Demo:
    """Put the demo guild on a FakeDiscord (its application's bot joins it with the StatusSync role)."""
    role_ids = {name: role_id for role_id, name, *_ in ROLES}
    fake.add_guild(GUILD_ID, OWNER_ID, name="StatusSync Sandbox", roles=[
        {"id": role_id, "name": name, "position": position, "permissions": str(bits), "color": colour,
         "hoist": position in (3, 4)} for role_id, name, position, bits, colour in ROLES])
    for user_id, username, display, roles in MEMBERS:
        fake.add_user(user_id, username=username, global_name=display)
        fake.add_member(GUILD_ID, user_id, roles=[role_ids[r] for r in roles])
    fake.add_member(GUILD_ID, fake.application_id, roles=[role_ids["StatusSync"]], bot=True)
    for position, (category_id, name) in enumerate(CATEGORIES):
        fake.add_channel(GUILD_ID, category_id, name=name, type=4)
    staff_only = [{"id": GUILD_ID, "type": 0, "allow": "0", "deny": str(VIEW)},
                  {"id": role_ids["Moderator"], "type": 0, "allow": str(VIEW), "deny": "0"},
                  {"id": role_ids["StatusSync"], "type": 0, "allow": str(VIEW), "deny": "0"}]
    for channel_id, name, category_id, topic, staff in CHANNELS:
        fake.add_channel(GUILD_ID, channel_id, name=name)
        with fake._lock:  # the seeding helper knows no parent, topic or overwrites: set them as Discord has them
            fake._channels[channel_id].update(parent_id=category_id, topic=topic,
                                              permission_overwrites=staff_only if staff else [])
    for channel_id, author_id, content in WELCOME:
        fake.add_message(channel_id, fake.next_snowflake(), author_id, content)
    return Demo()
