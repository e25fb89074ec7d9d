"""What a handler returns, and how it becomes Discord's interaction callback JSON (or multipart)."""
import json
import uuid

from ..discord.messages import (CONTENT_LIMIT, EMBED_TOTAL_LIMIT, NO_MENTIONS, Attachment,  # noqa: F401
                                action_row, button, clip, embed)

PONG, CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE, MODAL = 1, 4, 5, 6, 7, 8, 9
EPHEMERAL = 1 << 6


class Response:
    """Base of everything a handler may return."""
    files: list = []

    def callback(self) -> dict:
        raise NotImplementedError


class Message(Response):
    """A message: a reply, an ephemeral notice, a follow-up or the edited original."""

    def __init__(self, content=None, *, embeds=None, components=None, files=None, ephemeral=False,
                 allowed_mentions=None, update=False):
        self.content, self.embeds, self.components = content, embeds or [], components
        self.files, self.ephemeral, self.update = files or [], ephemeral, update
        self.allowed_mentions = allowed_mentions or NO_MENTIONS

    def body(self) -> dict:
        """The message fields, as the callback's data or a webhook's body."""
        data = {"allowed_mentions": self.allowed_mentions}
        if self.content is not None:
            data["content"] = clip(self.content, CONTENT_LIMIT)
        if self.embeds or not self.update:
            data["embeds"] = self.embeds[:10]
        if self.components is not None:
            data["components"] = self.components
        if self.ephemeral:
            data["flags"] = EPHEMERAL
        if self.files:
            data["attachments"] = [{"id": str(i), "filename": f.filename, **({"description": f.description}
                                                                       if f.description else {})}
                                   for i, f in enumerate(self.files)]
        return data

    def callback(self) -> dict:
        body = self.body()
        if self.update:
            body.pop("flags", None)
        return {"type": UPDATE_MESSAGE if self.update else CHANNEL_MESSAGE, "data": body}


class Deferred(Response):
    """Answer now ("thinking…"), finish later: the registered task `task_name` (app/features.py) runs as
    task(ctx, **kwargs) → Message. kwargs are JSON-round-tripped here, so what the task gets is what it
    would get on Lambda, and a value JSON can't carry fails in the handler (before anything commits)."""

    def __init__(self, task_name: str, kwargs=None, *, ephemeral=False, update=False):
        if not isinstance(task_name, str):
            raise TypeError("Deferred takes a registered task's name; ctx.defer(function) looks it up")
        self.task_name, self.ephemeral, self.update = task_name, ephemeral, update
        self.kwargs = portable(kwargs or {})

    def callback(self) -> dict:
        if self.update:
            return {"type": DEFERRED_UPDATE}
        return {"type": DEFERRED_MESSAGE, "data": {"flags": EPHEMERAL} if self.ephemeral else {}}


def portable(value):
    """`value` as it arrives after a trip through JSON (tuples become lists, int keys strings); TypeError
    or ValueError when JSON can't carry it (sets, datetimes, NaN...)."""
    return json.loads(json.dumps(value, allow_nan=False))


RESUME_TASK = "resume"  # registered by the core feature: app.interactions.handoff:resume


class HandOff(Deferred):
    """The deadline came before the handler finished: answer "thinking…", run the handler again deferred."""

    def __init__(self, *, ephemeral=False, update=False):
        super().__init__(RESUME_TASK, {}, ephemeral=ephemeral, update=update)


class Modal(Response):
    def __init__(self, custom_id: str, title: str, components: list):
        self.custom_id, self.title, self.components = custom_id, clip(title, 45), components

    def callback(self) -> dict:
        return {"type": MODAL, "data": {"custom_id": self.custom_id, "title": self.title,
                                        "components": self.components}}


class Choices(Response):
    """Autocomplete suggestions: (name, value) pairs, at most 25."""

    def __init__(self, choices):
        self.choices = [(clip(n, 100), v) for n, v in list(choices)[:25]]

    def callback(self) -> dict:
        return {"type": AUTOCOMPLETE, "data": {"choices": [{"name": n or "-", "value": v}
                                                           for n, v in self.choices]}}


class Pong(Response):
    def callback(self) -> dict:
        return {"type": PONG}


def ephemeral(content: str) -> Message:
    return Message(content, ephemeral=True)


def encode_multipart(payload: dict, files: list) -> tuple:
    """(body, content type) of a multipart/form-data body: payload_json plus files[n]."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="payload_json"\r\n'
             f"Content-Type: application/json\r\n\r\n".encode() + json.dumps(payload).encode() + b"\r\n"]
    for index, file in enumerate(files):
        safe_name = file.filename.replace('"', "")
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files[{index}]"; '
                     f'filename="{safe_name}"\r\nContent-Type: {file.content_type}\r\n\r\n'.encode()
                     + file.data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
