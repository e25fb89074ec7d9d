"""Discord's side of an interaction, for tests: payloads as Discord builds them, really signed."""
import json

from nacl.signing import SigningKey

from sandbox import interactions as built
from sandbox.interactions import snowflake  # noqa: F401  (tests import it from here)
from tests import spec

GUILD_ID, CHANNEL_ID, OWNER_ID, MOD_ID, MEMBER_ID, BOT_ID = (
    "810000000000000001", "820000000000000002", "830000000000000003",
    "840000000000000004", "850000000000000005", "100000000000000001")
ADMINISTRATOR, MANAGE_GUILD = 1 << 3, 1 << 5


class DiscordSide:
    """Signs and posts interactions to the app's /interactions like Discord, and checks the answers.

    Like Discord, it takes the HTTP answer as the interaction's callback: the fake Discord the app talks to
    is told (so @original exists and may be edited from then on), then the response is closed, which is
    when the app may start deferred work (`call_on_close`, as waitress calls it after writing).
    """

    def __init__(self, client, signing_key: SigningKey, fake=None):
        self.client, self.signing_key, self._fake = client, signing_key, fake

    @property
    def fake(self):
        """The fake Discord the app behind `client` talks to."""
        if self._fake is None:
            from sandbox.discord import FakeDiscord
            runtime = self.client.application.extensions["statussync"]
            self._fake = FakeDiscord.at(runtime.settings.get("DISCORD_API_BASE"))
        return self._fake

    def post(self, body: bytes, timestamp=None, signature=None):
        headers = built.signed_headers(self.signing_key, body, timestamp)
        if signature is not None:
            headers["X-Signature-Ed25519"] = signature
        return self.client.post("/interactions", data=body, headers=headers)

    def send(self, interaction: dict, *, deliver=True, timestamp=None) -> dict:
        """Post a signed interaction; the answer must be 200 and valid per Discord's spec. With deliver
        (the default) Discord then receives it: acknowledge(), as real Discord does on reading it."""
        response = self.post(json.dumps(interaction).encode(), timestamp)
        assert response.status_code == 200, response.get_data(as_text=True)
        payload = response.get_json()
        spec.validate_interaction_response(payload)
        if deliver:
            self.acknowledge(interaction, response)
        else:
            self.pending = (interaction, response)
        return payload

    def acknowledge(self, interaction: dict, response) -> None:
        """Discord has read the answer: the fake knows the interaction was acknowledged, then the
        response is closed (the app's call_on_close runs: deferred work starts)."""
        callback, files = built.read_callback(response.content_type, response.get_data())
        fake = self.fake
        if fake is not None and callback.get("type") != 1 and interaction.get("type") != 4:
            fake.acknowledge(interaction, callback, files)
        response.close()

    def command(self, name, options=None, *, permissions=ADMINISTRATOR, user_id=MOD_ID, roles=(),
                resolved=None, guild_id=GUILD_ID, app_permissions=ADMINISTRATOR, **extra) -> dict:
        return self.send(command(name, options, permissions=permissions, user_id=user_id, roles=roles,
                                 resolved=resolved, guild_id=guild_id, app_permissions=app_permissions, **extra))


def member(user_id, *, permissions=0, roles=(), username=None):
    user = {"id": user_id, "username": username or f"user{user_id[-3:]}", "discriminator": "0",
            "global_name": None, "avatar": None}
    return built.member(user, permissions=permissions, roles=roles)


def command(name, options=None, *, permissions=ADMINISTRATOR, user_id=MOD_ID, roles=(), resolved=None,
            guild_id=GUILD_ID, app_permissions=ADMINISTRATOR, interaction_type=2, data_type=1) -> dict:
    data = {"id": "900000000000000009", "name": name, "type": data_type, "options": options or [],
            "resolved": resolved or {}}
    return built.envelope(interaction_type, data, application_id=BOT_ID, guild_id=guild_id,
                          channel={"id": CHANNEL_ID, "type": 0, "name": "general", "guild_id": guild_id},
                          member=member(user_id, permissions=permissions, roles=roles),
                          app_permissions=app_permissions)


def component(custom_id, *, user_id=MOD_ID, permissions=ADMINISTRATOR, values=None, message=None) -> dict:
    interaction = command("x", user_id=user_id, permissions=permissions, interaction_type=3)
    interaction["data"] = {"custom_id": custom_id, "component_type": 3 if values is not None else 2,
                           **({"values": values} if values is not None else {})}
    interaction["message"] = message or {"id": snowflake(), "channel_id": CHANNEL_ID, "content": "",
                                         "embeds": [], "components": []}
    return interaction


def sub(name, *options) -> dict:
    return {"type": 1, "name": name, "options": list(options)}


def opt(name, value, type_=3) -> dict:
    return {"name": name, "type": type_, "value": value}
