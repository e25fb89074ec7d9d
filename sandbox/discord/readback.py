"""What tests read back after acting, as copies so they can't disturb the server's state."""
import copy

from sandbox.discord.objects import guild_object


class ReadBack:
    """Mixed into FakeDiscord."""

    def guild(self, guild_id):
        with self._lock:
            return copy.deepcopy(guild_object(self._guilds[str(guild_id)]))

    def guild_bans(self, guild_id):
        with self._lock:
            return copy.deepcopy(self._guild(str(guild_id))["bans"])

    def member(self, guild_id, user_id):
        with self._lock:
            return copy.deepcopy(self._guild(str(guild_id))["members"].get(str(user_id)))

    def channel_messages(self, channel_id):
        """Messages still in the channel, oldest first."""
        with self._lock:
            stored = self._messages.get(str(channel_id), {})
            return copy.deepcopy([stored[k] for k in sorted(stored, key=int)])

    def automod_rules(self, guild_id):
        with self._lock:
            return copy.deepcopy(list(self._guild(str(guild_id))["automod"].values()))

    def audit_log(self, guild_id):
        with self._lock:
            return copy.deepcopy(self._guild(str(guild_id))["audit"])

    def commands(self, guild_id=None):
        with self._lock:
            return copy.deepcopy(self._commands.get(None if guild_id is None else str(guild_id), []))

    def webhook_messages(self, token):
        """What the user finally sees for an interaction: the original response first, then follow-ups."""
        with self._lock:
            original = [self._originals[token]] if token in self._originals else []
            return copy.deepcopy(original + self._followups.get(token, []))
