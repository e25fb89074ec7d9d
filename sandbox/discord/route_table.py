"""Which handler answers which method and path, and who may call it."""
import re

from sandbox.discord.routes.automod import create_rule, delete_rule, edit_rule, get_rule, list_rules
from sandbox.discord.routes.bans import ban_member, get_ban, list_bans, unban_member
from sandbox.discord.routes.cdn import avatar, default_avatar, uploaded_attachment
from sandbox.discord.routes.channels import (
    bulk_delete, delete_message, edit_message, get_channel, get_message, list_messages, post_message)
from sandbox.discord.routes.commands import (
    create_command, delete_command, edit_command, get_command, list_commands, overwrite_commands)
from sandbox.discord.routes.guilds import audit_log, get_guild, list_guild_channels, list_roles
from sandbox.discord.routes.structure import (
    create_channel, create_role, delete_channel, delete_overwrite, delete_role, edit_channel, edit_guild, edit_role,
    move_channels, move_roles, put_overwrite)
from sandbox.discord.routes.interactions import (
    delete_webhook_message, edit_webhook_message, get_webhook_message, interaction_callback, post_followup)
from sandbox.discord.routes.members import (
    add_member_role, edit_member, get_member, kick_member, list_members, remove_member_role)
from sandbox.discord.routes.oauth_web import authorize_decision, authorize_page
from sandbox.discord.routes.users import get_me, get_user, my_guilds, oauth_revoke, oauth_token, open_dm


ID = r"[^/]+"
BOT, USER, NONE, CDN = "bot", "user", "none", "cdn"  # who may call a route (CDN: no auth, no lock)
WEB_PATHS = ("/oauth2/authorize",)  # pages a browser opens at the web base (DISCORD_WEB_BASE), not the API
APP_COMMANDS = rf"/applications/(?P<app>{ID})(?:/guilds/(?P<guild>{ID}))?/commands"
WEBHOOK_MESSAGE = rf"/webhooks/(?P<webhook_id>{ID})/(?P<token>{ID})/messages/(?P<message_id>{ID})"
MEMBER = rf"/guilds/(?P<guild_id>{ID})/members/(?P<user_id>{ID})"
RULE = rf"/guilds/(?P<guild_id>{ID})/auto-moderation/rules/(?P<rule_id>{ID})"
MESSAGE = rf"/channels/(?P<channel_id>{ID})/messages/(?P<message_id>{ID})"

ROUTES = [(method, re.compile(pattern), handler, auth) for method, pattern, handler, auth in [
    ("GET", APP_COMMANDS, list_commands, BOT),
    ("PUT", APP_COMMANDS, overwrite_commands, BOT),
    ("POST", APP_COMMANDS, create_command, BOT),
    ("GET", APP_COMMANDS + r"/(?P<command_id>\d+)", get_command, BOT),
    ("PATCH", APP_COMMANDS + r"/(?P<command_id>\d+)", edit_command, BOT),
    ("DELETE", APP_COMMANDS + r"/(?P<command_id>\d+)", delete_command, BOT),
    ("POST", rf"/interactions/(?P<interaction_id>{ID})/(?P<token>{ID})/callback", interaction_callback, NONE),
    ("POST", rf"/webhooks/(?P<webhook_id>{ID})/(?P<token>{ID})", post_followup, NONE),
    ("GET", WEBHOOK_MESSAGE, get_webhook_message, NONE),
    ("PATCH", WEBHOOK_MESSAGE, edit_webhook_message, NONE),
    ("DELETE", WEBHOOK_MESSAGE, delete_webhook_message, NONE),
    ("GET", rf"/channels/(?P<channel_id>{ID})", get_channel, BOT),
    ("POST", rf"/channels/(?P<channel_id>{ID})/messages/bulk-delete", bulk_delete, BOT),
    ("POST", rf"/channels/(?P<channel_id>{ID})/messages", post_message, BOT),
    ("GET", rf"/channels/(?P<channel_id>{ID})/messages", list_messages, BOT),
    ("GET", MESSAGE, get_message, BOT),
    ("PATCH", MESSAGE, edit_message, BOT),
    ("DELETE", MESSAGE, delete_message, BOT),
    ("GET", rf"/guilds/(?P<guild_id>{ID})", get_guild, BOT),
    ("GET", rf"/guilds/(?P<guild_id>{ID})/channels", list_guild_channels, BOT),
    ("GET", rf"/guilds/(?P<guild_id>{ID})/roles", list_roles, BOT),
    ("GET", rf"/guilds/(?P<guild_id>{ID})/members", list_members, BOT),
    ("GET", MEMBER, get_member, BOT),
    ("PATCH", MEMBER, edit_member, BOT),
    ("DELETE", MEMBER, kick_member, BOT),
    ("PUT", MEMBER + rf"/roles/(?P<role_id>{ID})", add_member_role, BOT),
    ("DELETE", MEMBER + rf"/roles/(?P<role_id>{ID})", remove_member_role, BOT),
    ("GET", rf"/guilds/(?P<guild_id>{ID})/bans", list_bans, BOT),
    ("GET", rf"/guilds/(?P<guild_id>{ID})/bans/(?P<user_id>{ID})", get_ban, BOT),
    ("PUT", rf"/guilds/(?P<guild_id>{ID})/bans/(?P<user_id>{ID})", ban_member, BOT),
    ("DELETE", rf"/guilds/(?P<guild_id>{ID})/bans/(?P<user_id>{ID})", unban_member, BOT),
    ("GET", rf"/guilds/(?P<guild_id>{ID})/audit-logs", audit_log, BOT),
    ("GET", rf"/guilds/(?P<guild_id>{ID})/auto-moderation/rules", list_rules, BOT),
    ("POST", rf"/guilds/(?P<guild_id>{ID})/auto-moderation/rules", create_rule, BOT),
    ("GET", RULE, get_rule, BOT),
    ("PATCH", RULE, edit_rule, BOT),
    ("DELETE", RULE, delete_rule, BOT),
    ("POST", r"/users/@me/channels", open_dm, BOT),
    ("GET", r"/users/@me", get_me, USER),
    ("GET", r"/users/@me/guilds", my_guilds, USER),
    ("GET", r"/users/(?P<user_id>\d+)", get_user, BOT),
    ("POST", r"/oauth2/token", oauth_token, NONE),
    ("POST", r"/oauth2/token/revoke", oauth_revoke, NONE),
    ("PATCH", rf"/guilds/(?P<guild_id>{ID})", edit_guild, BOT),
    ("POST", rf"/guilds/(?P<guild_id>{ID})/roles", create_role, BOT),
    ("PATCH", rf"/guilds/(?P<guild_id>{ID})/roles", move_roles, BOT),
    ("PATCH", rf"/guilds/(?P<guild_id>{ID})/roles/(?P<role_id>{ID})", edit_role, BOT),
    ("DELETE", rf"/guilds/(?P<guild_id>{ID})/roles/(?P<role_id>{ID})", delete_role, BOT),
    ("POST", rf"/guilds/(?P<guild_id>{ID})/channels", create_channel, BOT),
    ("PATCH", rf"/guilds/(?P<guild_id>{ID})/channels", move_channels, BOT),
    ("PATCH", rf"/channels/(?P<channel_id>{ID})", edit_channel, BOT),
    ("DELETE", rf"/channels/(?P<channel_id>{ID})", delete_channel, BOT),
    ("PUT", rf"/channels/(?P<channel_id>{ID})/permissions/(?P<overwrite_id>{ID})", put_overwrite, BOT),
    ("DELETE", rf"/channels/(?P<channel_id>{ID})/permissions/(?P<overwrite_id>{ID})", delete_overwrite, BOT),
    ("GET", r"/oauth2/authorize", authorize_page, NONE),
    ("POST", r"/oauth2/authorize", authorize_decision, NONE),
    ("GET", rf"/cdn/avatars/(?P<user_id>{ID})/(?P<avatar_hash>[^/.]+)\.(?P<ext>png|webp|jpg|gif)", avatar, CDN),
    ("GET", r"/cdn/embed/avatars/(?P<index>\d)\.png", default_avatar, CDN),
    ("GET", rf"/cdn/attachments/(?P<attachment_id>{ID})/(?P<filename>{ID})", uploaded_attachment, CDN),
]]
