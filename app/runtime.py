"""What handlers and jobs share: settings, database, Discord client, clock, randomness, deferred work."""
import copy
import random
from datetime import datetime, timezone


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Runtime:
    def __init__(self, settings: dict):
        self.settings = settings
        self.dsn = settings["DATABASE_URL"]
        self.clock = settings.get("CLOCK") or utc_now
        self.rng = settings.get("RNG") or random.Random()
        self.commands = None
        self._discord = settings.get("DISCORD_CLIENT")
        self._deferred = settings.get("DEFERRED_RUNNER")
        self.choose_deferred = None  # () -> runner, called on first use (the environment may change until then)

    @property
    def discord(self):
        if self._discord is None:
            from .discord.rest import DiscordClient
            self._discord = DiscordClient(self.settings["DISCORD_API_BASE"], self.settings.get("DISCORD_BOT_TOKEN"),
                                          self.settings.get("DISCORD_APPLICATION_ID"))
        return self._discord

    @property
    def deferred(self):
        """The runner of deferred work; the app factory says how to choose one (this module imports no
        interaction code: runtime sits below app/interactions)."""
        if self._deferred is None:
            if self.choose_deferred is None:
                raise RuntimeError("no deferred runner: this runtime was not built by create_app")
            self._deferred = self.choose_deferred()
        return self._deferred

    def with_discord(self, client) -> "Runtime":
        """This runtime with another Discord client (the scan's rate-budgeted one); all else shared."""
        other = copy.copy(self)
        other._discord = client
        return other

    def transaction(self):
        from . import db
        return db.transaction(self.dsn)

    def connection(self):
        from . import db
        return db.connection(self.dsn)
