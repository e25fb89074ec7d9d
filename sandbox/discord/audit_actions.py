"""Audit-log action types the fake writes when the bot acts (Discord's numbering)."""


MEMBER_KICK, MEMBER_BAN_ADD, MEMBER_BAN_REMOVE, MEMBER_UPDATE, MEMBER_ROLE_UPDATE = 20, 22, 23, 24, 25
MESSAGE_BULK_DELETE = 73
