"""What handlers and jobs share: settings, database, Discord client, clock, randomness, deferred work."""
import os
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

    @property
    def discord(self):
        if self._discord is None:
            from .discord.rest import DiscordClient
            self._discord = DiscordClient(self.settings["DISCORD_API_BASE"], self.settings.get("DISCORD_BOT_TOKEN"),
                                          self.settings.get("DISCORD_APPLICATION_ID"))
        return self._discord

    @property
    def deferred(self):
        if self._deferred is None:
            from .interactions import deferred
            # On Lambda nothing runs after the response, so the work goes to an asynchronous invocation.
            on_lambda = bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))
            self._deferred = deferred.ZappaRunner() if on_lambda else deferred.ThreadRunner()
        return self._deferred

    def transaction(self):
        from . import db
        return db.transaction(self.dsn)

    def connection(self):
        from . import db
        return db.connection(self.dsn)
