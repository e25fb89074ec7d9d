"""A guild's structure as Discord keeps it: who the bot outranks, what it may grant, and Discord's caps.

Mixed into FakeDiscord: seeding helpers for roles, channels and Community, and the checks the structure
routes (routes/structure.py) share. Role positions: @everyone is 0, a new role goes to 1 and the rest move up.
"""
import copy

from sandbox.discord.errors import DiscordError
from sandbox.discord.objects import role_object

ADMINISTRATOR, MANAGE_CHANNELS, MANAGE_GUILD, MANAGE_ROLES = 1 << 3, 1 << 4, 1 << 5, 1 << 28
ALL_PERMISSIONS = (1 << 53) - 1
MAX_ROLES, MAX_CHANNELS = 250, 500
COMMUNITY_ONLY_TYPES = {5, 13, 16}  # announcement, stage, media: refused on a server without COMMUNITY
CHANNEL_DEFAULTS = {"topic": None, "nsfw": False, "rate_limit_per_user": 0, "parent_id": None,
                    "permission_overwrites": [], "flags": 0, "last_message_id": None}
VOICE_DEFAULTS = {"bitrate": 64000, "user_limit": 0, "rtc_region": None}
FORUM_DEFAULTS = {"available_tags": [], "default_reaction_emoji": None}
GUILD_SETTINGS = {"verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
                  "afk_channel_id": None, "afk_timeout": 300, "system_channel_id": None, "rules_channel_id": None,
                  "public_updates_channel_id": None}


def missing_permissions():
    return DiscordError(403, "Missing Permissions", 50013)


def channel_object(guild_id, channel_id, fields):
    channel = {"id": str(channel_id), "type": int(fields.get("type", 0)), "guild_id": str(guild_id),
               "name": fields.get("name", "channel"), "position": int(fields.get("position") or 0),
               **copy.deepcopy(CHANNEL_DEFAULTS)}
    if channel["type"] in (2, 13):
        channel.update(VOICE_DEFAULTS)
    if channel["type"] in (15, 16):
        channel.update(copy.deepcopy(FORUM_DEFAULTS))
    channel.update({k: copy.deepcopy(v) for k, v in fields.items() if k not in ("id", "guild_id", "type")})
    return channel


class GuildStructure:
    """Mixed into FakeDiscord."""

    # --- seeding --------------------------------------------------------------------------

    def add_role(self, guild_id, name, permissions=0, position=None, role_id=None, members=(), **fields):
        """A role someone made; `members` get it. Without a position it goes on top."""
        guild = self._guild(str(guild_id))
        with self._lock:
            role_id = str(role_id or self.next_snowflake())
            top = max((r["position"] for r in guild["roles"].values()), default=0) + 1
            guild["roles"][role_id] = role_object({"id": role_id, "name": name, "permissions": str(permissions),
                                                   "position": top if position is None else position, **fields})
            for user_id in members:
                guild["members"][str(user_id)]["roles"].append(role_id)
            return copy.deepcopy(guild["roles"][role_id])

    def add_guild_channel(self, guild_id, name, type=0, channel_id=None, **fields):
        """A channel of any type with any of its fields (parent_id, topic, permission_overwrites, ...)."""
        guild = self._guild(str(guild_id))
        with self._lock:
            channel_id = str(channel_id or self.next_snowflake())
            position = fields.pop("position", len(guild["channels"]))
            channel = channel_object(guild["id"], channel_id, {"type": type, "name": name, "position": position,
                                                               **fields})
            self._channels[channel_id] = channel
            self._messages[channel_id] = {}
            guild["channels"].append(channel_id)
            return copy.deepcopy(channel)

    def set_community(self, guild_id, enabled=True):
        guild = self._guild(str(guild_id))
        with self._lock:
            features = set(guild.setdefault("features", []))
            features = features | {"COMMUNITY"} if enabled else features - {"COMMUNITY"}
            guild["features"] = sorted(features)

    def remove_role(self, guild_id, role_id):
        """A moderator deleted the role (as Discord does, members lose it and overwrites for it go)."""
        with self._lock:
            guild = self._guild(str(guild_id))
            guild["roles"].pop(str(role_id))
            for member in guild["members"].values():
                member["roles"] = [r for r in member["roles"] if r != str(role_id)]
            for channel_id in guild["channels"]:
                channel = self._channels[channel_id]
                channel["permission_overwrites"] = [o for o in channel["permission_overwrites"]
                                                    if o["id"] != str(role_id)]

    def remove_channel(self, channel_id):
        with self._lock:
            channel = self._channels.pop(str(channel_id))
            guild = self._guilds[channel["guild_id"]]
            guild["channels"].remove(channel["id"])
            for other in guild["channels"]:
                if self._channels[other].get("parent_id") == channel["id"]:
                    self._channels[other]["parent_id"] = None

    def roles(self, guild_id):
        with self._lock:
            return copy.deepcopy(sorted(self._guild(str(guild_id))["roles"].values(),
                                        key=lambda r: (r["position"], int(r["id"]))))

    def channels(self, guild_id):
        with self._lock:
            return copy.deepcopy([self._channels[c] for c in self._guild(str(guild_id))["channels"]])

    # --- what the bot may do -------------------------------------------------------------------

    def bot_permissions(self, guild):
        member = guild["members"].get(self.application_id) or {"roles": []}
        bits = int(guild["roles"][guild["id"]]["permissions"])
        for role_id in member["roles"]:
            if role_id in guild["roles"]:
                bits |= int(guild["roles"][role_id]["permissions"])
        return ALL_PERMISSIONS if bits & ADMINISTRATOR else bits

    def bot_top_position(self, guild):
        member = guild["members"].get(self.application_id) or {"roles": []}
        return max((guild["roles"][r]["position"] for r in member["roles"] if r in guild["roles"]), default=0)

    def require(self, guild, bit):
        if not self.bot_permissions(guild) & bit:
            raise missing_permissions()

    def require_grantable(self, guild, *bit_strings):
        """Discord refuses a role or overwrite that grants (or denies) what the bot itself lacks."""
        held = self.bot_permissions(guild)
        for bits in bit_strings:
            if int(bits or 0) & ~held:
                raise missing_permissions()

    def require_below_bot(self, guild, role):
        if guild["members"].get(self.application_id) is None or role["position"] >= self.bot_top_position(guild):
            raise missing_permissions()
