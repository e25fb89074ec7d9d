"""Discord's side of the sandbox: builds interactions from the simulated guild's state, signs them with the
local key, posts them to the app's /interactions and takes the HTTP answer as Discord does."""
import requests

from sandbox import demo as demo_guild
from sandbox import interactions as built
from sandbox.discord import FakeDiscord
from sandbox.guild_rules import GuildRules, SandboxError
from sandbox.options import find_node, nest, typed_options
from sandbox.timeline import Timeline

LOCAL_BOT_TOKEN = "local-sandbox-bot-token"  # the simulated Discord's only bot; never a real token
KEPT_REQUESTS = 500  # the fake records every request for tests; a long-running sandbox keeps the last few


class Simulator(GuildRules):
    def __init__(self, fake: FakeDiscord, signing_key_hex: str):
        from nacl.signing import SigningKey
        self.fake, self.demo = fake, demo_guild.seed(fake)
        self._key = SigningKey(bytes.fromhex(signing_key_hex))
        self.timeline = Timeline(fake)
        self.app_url = None  # where /interactions is: set by the sandbox page from the request it serves

    @classmethod
    def start(cls, application_id: str, signing_key_hex: str) -> "Simulator":
        return cls(FakeDiscord(application_id=application_id, bot_token=LOCAL_BOT_TOKEN).start(), signing_key_hex)

    def stop(self):
        self.fake.stop()

    def reset(self):
        """The demo guild as it was at start: members, channels, messages and bans (commands stay registered)."""
        self.fake.forget_guilds()
        with self.fake._lock:
            self.fake._messages.clear()
            self.fake._channels.clear()
        self.demo = demo_guild.seed(self.fake)
        self.timeline = Timeline(self.fake)

    def registered(self, name) -> dict:
        for command in self.fake.commands(self.demo.guild_id) + self.fake.commands():
            if command["name"] == name and command.get("type", 1) == 1:
                return command
        raise SandboxError(f"/{name} is not registered in the sandbox (register_commands, or /cc add)")

    # --- interactions ----------------------------------------------------------------------

    def command(self, user_id, channel_id, name, path=(), values=None, focused=None) -> dict:
        """A slash command (or, with `focused`, its autocomplete) from `user_id` in `channel_id`."""
        command = self.registered(name)
        node, parents = find_node(command, path)
        options, resolved = typed_options(self.fake, self.demo.guild_id, node, values or {}, focused)
        data = {"id": command["id"], "name": name, "type": 1, "options": nest(options, parents)}
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        if resolved:
            data["resolved"] = resolved
        kind = built.AUTOCOMPLETE if focused else built.APPLICATION_COMMAND
        interaction = self._envelope(kind, user_id, channel_id, data)
        return self.send(interaction, label=("used", "/" + " ".join([name, *path])))

    def click(self, user_id, message_key, custom_id, values=None) -> dict:
        """A button press (or a select menu choice, with `values`) on a message the timeline shows."""
        message = self.timeline.current(message_key)
        if message is None:
            raise SandboxError("that message is gone")
        part = next((c for row in message.get("components") or [] for c in row.get("components") or []
                     if c.get("custom_id") == custom_id), None)
        if part is None:
            raise SandboxError("that message has no such button or menu")
        if part.get("disabled"):
            raise SandboxError("that button is disabled")
        data = {"custom_id": custom_id, "component_type": part.get("type", 2)}
        if values is not None:
            data["values"] = [str(v) for v in values]
        interaction = self._envelope(built.MESSAGE_COMPONENT, user_id, message["channel_id"], data, message)
        what = part.get("label") or part.get("placeholder") or ("a button" if part.get("type") == 2 else "a menu")
        return self.send(interaction, label=("clicked", what), source_key=message_key)

    def submit(self, user_id, channel_id, custom_id, fields: dict, message_key=None) -> dict:
        """A modal's submit: the text inputs' values by custom_id."""
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": str(k), "value": str(v)}]}
                for k, v in fields.items()]
        message = self.timeline.current(message_key) if message_key else None
        interaction = self._envelope(built.MODAL_SUBMIT, user_id, channel_id,
                                     {"custom_id": custom_id, "components": rows}, message)
        return self.send(interaction, label=("submitted", "a form"), source_key=message_key if message else None)

    def send(self, interaction, *, label, source_key=None) -> dict:
        """Sign and post; take the answer as Discord does; what the page needs to show it."""
        if not self.app_url:
            raise SandboxError("the sandbox does not know where the app listens yet")
        with self.fake._lock:
            del self.fake.requests[:-KEPT_REQUESTS]
        body = built.encode(interaction)
        try:
            response = requests.post(self.app_url + "/interactions", data=body, timeout=10,
                                     headers=built.signed_headers(self._key, body))
        except requests.RequestException as error:
            return {"status": 0, "error": f"the app did not answer: {error.__class__.__name__}"}
        if response.status_code != 200:
            return {"status": response.status_code, "error": "This interaction failed",
                    "detail": response.text[:500]}
        try:
            callback, files = built.read_callback(response.headers.get("Content-Type", ""), response.content)
        except ValueError:
            return {"status": 200, "error": "This interaction failed", "detail": "the answer was not JSON"}
        kind = callback.get("type")
        result = {"status": 200, "type": kind, "token": interaction["token"], "raw": callback,
                  "files": [f[1] for f in files]}
        with self.fake._lock:  # the app's first edit of @original (its routes take this lock) comes after all this
            if interaction["type"] != built.AUTOCOMPLETE:
                self.fake.acknowledge(interaction, callback, files)
            if kind in (6, 7) and source_key:
                self.timeline.replace(source_key, interaction["token"], callback.get("data") or {}, kind)
            elif kind in (4, 5):
                result["key"] = self.timeline.add(interaction, label)
        if kind == 8:
            result["choices"] = (callback.get("data") or {}).get("choices") or []
        elif kind == 9:
            result["modal"] = callback.get("data") or {}
        return result

    def poll(self, token) -> list:
        """The messages an interaction produced so far: @original (maybe still loading), then follow-ups."""
        return self.timeline.of_token(token)
