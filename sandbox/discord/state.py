"""The server's state, shared by the routes: lookups that answer Discord's 404s, and bookkeeping."""
import time
from urllib.parse import unquote

from sandbox.discord.errors import DiscordError
from sandbox.discord.snowflakes import DISCORD_EPOCH_MS


class DiscordState:
    """Mixed into FakeDiscord, whose __init__ creates the state dicts and the lock."""

    def next_snowflake(self):
        with self._lock:
            candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
            self._last_snowflake = max(candidate, self._last_snowflake + 1)
            return str(self._last_snowflake)

    def _guild(self, guild_id):
        if guild_id not in self._guilds:
            raise DiscordError(404, "Unknown Guild", 10004)
        return self._guilds[guild_id]

    def _channel(self, channel_id):
        if channel_id not in self._channels:
            raise DiscordError(404, "Unknown Channel", 10003)
        return self._channels[channel_id]

    def _store_message(self, message):
        with self._lock:
            channel = self._channels[message["channel_id"]]
            self._messages[channel["id"]][message["id"]] = message
            if channel["last_message_id"] is None or int(message["id"]) > int(channel["last_message_id"]):
                channel["last_message_id"] = message["id"]

    def _audit(self, guild, request, action_type, target_id, changes=()):
        reason = request.headers.get("X-Audit-Log-Reason")
        entry = {"id": self.next_snowflake(), "action_type": action_type, "user_id": self.application_id,
                 "target_id": str(target_id), "changes": list(changes)}
        if reason:
            entry["reason"] = unquote(reason)
        guild["audit"].append(entry)

    def upload(self, filename, data: bytes, content_type="application/json") -> dict:
        """A file a user attached to a command option: the attachment object, its bytes on the fake CDN."""
        attachment_id = self.next_snowflake()
        url = f"{self.cdn_url}/attachments/{attachment_id}/{filename}"
        with self._lock:
            self._uploads[attachment_id] = (content_type, data)
        return {"id": attachment_id, "filename": filename, "size": len(data), "url": url, "proxy_url": url,
                "content_type": content_type}

    def _attachments(self, request, payload):
        described = {str(a.get("id")): a for a in (payload or {}).get("attachments") or []}
        attachments = []
        for index, (_, filename, content_type, data) in enumerate(request.files):
            attachment_id = self.next_snowflake()
            url = f"{self.cdn_url}/attachments/{attachment_id}/{filename}"
            self._uploads[attachment_id] = (content_type, data)
            attachment = {"id": attachment_id, "filename": filename, "size": len(data), "url": url,
                          "proxy_url": url, "content_type": content_type}
            if described.get(str(index), {}).get("description"):
                attachment["description"] = described[str(index)]["description"]
            attachments.append(attachment)
        return attachments
