"""What tests put on the server before acting: users, guilds, members, channels, messages, rules."""
import copy

from sandbox.discord.objects import message_object, role_object
from sandbox.discord.png import make_png
from sandbox.discord.routes.automod import rule_as_stored
from sandbox.discord.snowflakes import iso_timestamp, snowflake_time

EVERYONE_PERMISSIONS = "1071698660929"


class Seeding:
    """Mixed into FakeDiscord."""

    def add_user(self, user_id, username=None, bot=False, avatar=None, global_name=None):
        user_id = str(user_id)
        with self._lock:
            user = self._users.setdefault(user_id, {
                "id": user_id, "username": username or f"user{user_id[-4:]}", "discriminator": "0",
                "global_name": global_name, "avatar": avatar, "public_flags": 0, "flags": 0,
                "primary_guild": None, "bot": bot})
            user.update({k: v for k, v in (("username", username), ("avatar", avatar),
                                           ("global_name", global_name)) if v is not None})
            user["bot"] = user["bot"] or bot
            return user

    def add_guild(self, guild_id, owner_id, name="Test Guild", roles=None):
        guild_id, owner_id = str(guild_id), str(owner_id)
        everyone = {"id": guild_id, "name": "@everyone", "position": 0, "permissions": EVERYONE_PERMISSIONS}
        with self._lock:
            guild = {"id": guild_id, "name": name, "owner_id": owner_id, "roles": {}, "members": {},
                     "bans": {}, "audit": [], "automod": {}, "channels": []}
            self._guilds[guild_id] = guild
            for role in [everyone] + list(roles or []):
                guild["roles"][str(role["id"])] = role_object(role)
            self.add_member(guild_id, owner_id)
            self.add_member(guild_id, self.application_id)
        return self.guild(guild_id)

    def add_member(self, guild_id, user_id, roles=(), username=None, bot=False, avatar=None):
        guild = self._guild(str(guild_id))
        user = self.add_user(user_id, username=username, bot=bot, avatar=avatar)
        with self._lock:
            guild["members"][user["id"]] = {
                "user": user, "roles": [str(r) for r in roles], "nick": None, "avatar": None,
                "banner": None, "joined_at": iso_timestamp(snowflake_time(self.next_snowflake())),
                "premium_since": None, "communication_disabled_until": None, "flags": 0,
                "pending": False, "mute": False, "deaf": False}
        return self.member(guild_id, user_id)

    def add_channel(self, guild_id, channel_id, name="general", type=0):
        guild = self._guild(str(guild_id))
        with self._lock:
            channel = {"id": str(channel_id), "type": type, "guild_id": guild["id"], "name": name,
                       "position": len(guild["channels"]), "flags": 0, "parent_id": None,
                       "last_message_id": None, "topic": None, "nsfw": False,
                       "rate_limit_per_user": 0, "permission_overwrites": []}
            self._channels[channel["id"]] = channel
            self._messages[channel["id"]] = {}
            guild["channels"].append(channel["id"])
        return dict(channel)

    def add_message(self, channel_id, message_id, author_id, content, timestamp=None, **extra):
        channel_id, message_id = str(channel_id), str(message_id)
        if channel_id not in self._channels:
            raise KeyError(f"add_channel({channel_id}) before adding messages to it")
        author = self._users.get(str(author_id)) or self.add_user(author_id)
        moment = timestamp or iso_timestamp(snowflake_time(message_id))
        message = message_object(message_id, channel_id, author, {"content": content, **extra}, moment)
        self._store_message(message)
        return copy.deepcopy(message)

    def set_avatar(self, user_id, avatar_hash, png_bytes=None, delay=0.0, garbage=False):
        with self._lock:
            if str(user_id) in self._users:
                self._users[str(user_id)]["avatar"] = avatar_hash
            self._avatars[(str(user_id), avatar_hash)] = (png_bytes or make_png(), delay, garbage)

    def add_audit_log_entry(self, guild_id, entry_dict):
        entry = {"id": self.next_snowflake(), "user_id": None, "target_id": None, "changes": [],
                 **entry_dict}
        with self._lock:
            self._guild(str(guild_id))["audit"].append(entry)
        return dict(entry)

    def add_automod_rule(self, guild_id, rule):
        """An AutoMod rule someone else made (a moderator or another bot): pass its creator_id."""
        stored = {"id": self.next_snowflake(), "guild_id": str(guild_id), "event_type": 1, "enabled": True,
                  "actions": [], "exempt_roles": [], "exempt_channels": [], **rule}
        with self._lock:
            self._guild(str(guild_id))["automod"][stored["id"]] = rule_as_stored(stored)
        return copy.deepcopy(stored)

    def close_dms(self, user_id):
        """The user has DMs from server members turned off: sending to them answers 403 50007."""
        self._dms_closed.add(str(user_id))

    def add_oauth_user(self, access_token, user, guilds=()):
        with self._lock:
            self._oauth_tokens[access_token] = {"user": user, "guilds": list(guilds)}

    def add_oauth_code(self, code, access_token):
        with self._lock:
            self._oauth_codes[code] = access_token
