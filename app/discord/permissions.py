"""Discord permission bits and the checks moderation and configuration rely on."""

CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_AUDIT_LOG = 1 << 7
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
MANAGE_ROLES = 1 << 28
MANAGE_WEBHOOKS = 1 << 29
MODERATE_MEMBERS = 1 << 40

NAMES = {
    KICK_MEMBERS: "Kick Members",
    BAN_MEMBERS: "Ban Members",
    ADMINISTRATOR: "Administrator",
    MANAGE_CHANNELS: "Manage Channels",
    MANAGE_GUILD: "Manage Server",
    VIEW_AUDIT_LOG: "View Audit Log",
    VIEW_CHANNEL: "View Channel",
    SEND_MESSAGES: "Send Messages",
    MANAGE_MESSAGES: "Manage Messages",
    EMBED_LINKS: "Embed Links",
    ATTACH_FILES: "Attach Files",
    READ_MESSAGE_HISTORY: "Read Message History",
    MANAGE_ROLES: "Manage Roles",
    MODERATE_MEMBERS: "Timeout Members",
}


def parse(value) -> int:
    """Discord sends permission sets as decimal strings; absent means none."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def has(bits: int, permission: int) -> bool:
    """True when `bits` grants `permission`; ADMINISTRATOR grants everything."""
    return bool(bits & ADMINISTRATOR) or (bits & permission) == permission


def name(permission: int) -> str:
    return NAMES.get(permission, f"permission {permission}")
