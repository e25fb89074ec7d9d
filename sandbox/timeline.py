"""What each channel shows: members' and the bot's messages, and the answers to interactions (ephemeral ones
only to whoever used the command), with the edits components made to the message they were on.

A message is named by a key: "c:CHANNEL:ID" (a channel message), "o:TOKEN" (an interaction's @original) or
"f:TOKEN:ID" (a follow-up). A button's UPDATE_MESSAGE answer belongs to the clicked message: the key stays
and now reads the component interaction's @original (`aliases`)."""
import copy
import threading

EPHEMERAL, LOADING = 64, 128
KEPT_SLOTS = 500


class Timeline:
    def __init__(self, fake):
        self.fake = fake
        self._lock = threading.Lock()
        self._slots = []  # answered interactions: {"token", "channel_id", "user_id", "label": (action, what)}
        self._aliases = {}  # message key -> token whose @original now is that message

    def add(self, interaction, label) -> str:
        slot = {"token": interaction["token"], "channel_id": interaction["channel_id"],
                "user_id": interaction["member"]["user"]["id"], "label": label}
        with self._lock:
            self._slots = self._slots[-KEPT_SLOTS:] + [slot]
        return f"o:{slot['token']}"

    def _base(self, key):
        kind, _, rest = (key or "").partition(":")
        fake = self.fake
        if kind == "o":
            return fake._originals.get(rest)
        if kind == "f":
            token, _, message_id = rest.partition(":")
            return next((m for m in fake._followups.get(token, []) if m["id"] == message_id), None)
        if kind == "c":
            channel_id, _, message_id = rest.partition(":")
            return fake._messages.get(channel_id, {}).get(message_id)
        return None

    def _slot_channel(self, key):
        token = key.split(":")[1]
        return next((s["channel_id"] for s in self._slots if s["token"] == token), None)

    def current(self, key):
        """The message as it looks now (a copy, with its channel), or None when it is gone."""
        with self.fake._lock:
            base = self._base(key)
            if base is None:
                return None
            alias = self._aliases.get(key)
            message = copy.deepcopy(self.fake._originals.get(alias) or base if alias else base)
        message["id"] = base["id"]
        if key.startswith(("o:", "f:")):
            message["channel_id"] = self._slot_channel(key) or message.get("channel_id")
        return message

    def replace(self, key, token, data, kind):
        """A component's answer edited the message it was on (7: now, 6: later, through @original)."""
        with self.fake._lock:
            before = self.current(key)
            if before is None:
                return
            updated = copy.deepcopy(before)
            if kind == 7:
                answered = self.fake._originals.get(token) or {}
                for field in ("content", "embeds", "components"):
                    if field in data:
                        updated[field] = data[field]
                if "attachments" in data or answered.get("attachments"):
                    updated["attachments"] = answered.get("attachments") or []
            self.fake._originals[token] = updated
            self._aliases[key] = token

    def of_token(self, token) -> list:
        slot = next((s for s in self._slots if s["token"] == token), None)
        return [] if slot is None else [v for v in self._slot_views(slot) if v]

    def _slot_views(self, slot):
        token = slot["token"]
        yield self._view(f"o:{token}", slot)
        for message in list(self.fake._followups.get(token, [])):
            yield self._view(f"f:{token}:{message['id']}", slot)

    def channel(self, channel_id, viewer_id) -> list:
        """Everything `viewer_id` sees in the channel, oldest first."""
        views = [self._view(f"c:{channel_id}:{m['id']}", None) for m in self.fake.channel_messages(channel_id)]
        with self._lock:
            slots = [s for s in self._slots if s["channel_id"] == channel_id]
        for slot in slots:
            views += [v for v in self._slot_views(slot) if v and (not v["ephemeral"] or slot["user_id"] == viewer_id)]
        return sorted((v for v in views if v), key=lambda v: int(v["id"]))

    def _view(self, key, slot):
        message = self.current(key)
        if message is None:
            return None
        author = message.get("author") or {}
        flags = message.get("flags") or 0
        cdn = self.fake.cdn_url
        attachments = [{**a, "url": a["url"].replace(cdn, "/sandbox/cdn", 1), "proxy_url": a["url"].replace(cdn, "/sandbox/cdn", 1)}
                       for a in message.get("attachments") or []]
        view = {"key": key, "id": message["id"], "content": message.get("content") or "",
                "embeds": message.get("embeds") or [], "components": message.get("components") or [],
                "attachments": attachments, "ephemeral": bool(flags & EPHEMERAL), "loading": bool(flags & LOADING),
                "edited": bool(message.get("edited_timestamp")), "timestamp": message.get("timestamp"),
                "author": {"id": author.get("id"), "name": author.get("global_name") or author.get("username"),
                           "bot": bool(author.get("bot"))}}
        if slot is not None and key.startswith("o:"):
            user = self.fake._users.get(slot["user_id"]) or {}
            action, label = slot["label"]
            view["interaction"] = {"user": user.get("global_name") or user.get("username"), "action": action,
                                   "label": label}
        return view
