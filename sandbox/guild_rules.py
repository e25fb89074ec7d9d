"""What Discord enforces before an interaction or a message exists: the member and the channel exist, the
member may view (and post in) it, timed-out members stay quiet; and the invoking member as the payload
carries them, with their permissions in that channel. Mixed into Simulator."""
import copy
from datetime import datetime, timezone

from sandbox import interactions as built
from sandbox.permissions import channel_permissions

VIEW_CHANNEL, SEND_MESSAGES = 1 << 10, 1 << 11


class SandboxError(ValueError):
    """The interaction could not be sent (unknown user, channel or command); says what to change."""


class GuildRules:
    def _member(self, user_id):
        member = self.fake.member(self.demo.guild_id, user_id)
        if member is None:
            raise SandboxError(f"there is no member {user_id} in the sandbox guild")
        return member

    def _channel(self, channel_id):
        with self.fake._lock:
            channel = self.fake._channels.get(str(channel_id))
            if channel is None or channel.get("guild_id") != self.demo.guild_id or channel["type"] == 4:
                raise SandboxError(f"there is no text channel {channel_id} in the sandbox guild")
            return copy.deepcopy(channel)

    def _envelope(self, kind, user_id, channel_id, data, message=None) -> dict:
        member, channel = self._member(str(user_id)), self._channel(channel_id)
        with self.fake._lock:
            guild = self.fake._guilds[self.demo.guild_id]
            bits = channel_permissions(guild, member, channel)
            if not bits & VIEW_CHANNEL:
                raise SandboxError(f"{member['user']['username']} can't see #{channel['name']}: pick another channel")
            app_bits = channel_permissions(guild, guild["members"][self.fake.application_id], channel)
        user = member.pop("user")
        payload_member = built.member(user, permissions=bits, roles=member["roles"], joined_at=member["joined_at"],
                                      nick=member.get("nick"))
        payload_member["communication_disabled_until"] = member.get("communication_disabled_until")
        summary = {k: channel[k] for k in ("id", "type", "name", "guild_id", "parent_id", "topic", "nsfw")}
        return built.envelope(kind, data, application_id=self.fake.application_id, guild_id=self.demo.guild_id,
                              channel=summary, member=payload_member, app_permissions=app_bits, message=message)

    def say(self, user_id, channel_id, content) -> dict:
        """A member posts a message in a channel (what the scan job will read)."""
        if not isinstance(content, str) or not content.strip() or len(content) > 2000 or "\x00" in content:
            raise SandboxError("a message is 1 to 2000 characters, without NUL")
        member, channel = self._member(str(user_id)), self._channel(channel_id)
        until = member.get("communication_disabled_until")
        if until and datetime.fromisoformat(until.replace("Z", "+00:00")) > datetime.now(timezone.utc):
            raise SandboxError(f"{member['user']['username']} is timed out until {until[:16].replace('T', ' ')} UTC "
                               "and can't send messages (Run expiry lifts a timeout that is over)")
        with self.fake._lock:
            guild = self.fake._guilds[self.demo.guild_id]
            bits = channel_permissions(guild, guild["members"][str(user_id)], channel)
            if bits & (VIEW_CHANNEL | SEND_MESSAGES) != VIEW_CHANNEL | SEND_MESSAGES:
                raise SandboxError(f"{member['user']['username']} can't send messages in #{channel['name']}")
        return self.fake.add_message(channel["id"], self.fake.next_snowflake(), str(user_id), content)

    def can_see(self, user_id, channel_id) -> bool:
        channel = self._channel(channel_id)
        with self.fake._lock:
            guild = self.fake._guilds[self.demo.guild_id]
            member = guild["members"].get(str(user_id))
            return member is None or bool(channel_permissions(guild, member, channel) & VIEW_CHANNEL)

