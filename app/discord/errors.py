"""Discord's refusals, and plain words for them (kept apart from rest.py so importing it is cheap)."""


class DiscordError(Exception):
    """Discord answered with an error (or could not be reached: status 0).

    `maybe_done` is True when Discord may have acted on the request anyway: it was sent and then timed
    out or lost its connection (DiscordTimeout), or a write got a 5xx. False: Discord did not act.
    """

    def __init__(self, status: int, code: int = 0, message: str = "", retry_after: float = 0.0,
                 maybe_done: bool = False):
        super().__init__(f"Discord {status} (code {code}): {message}")
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after
        self.maybe_done = maybe_done

    def explain(self) -> str:
        """Plain words a moderator can act on."""
        return explain(self)


class DiscordTimeout(DiscordError):
    """The request was sent, but no answer came in time (or the connection dropped after sending).

    Outcome unknown: Discord may have acted. Status 0, `maybe_done` True.
    """

    def __init__(self, message: str = "no answer in time"):
        super().__init__(0, 0, message, maybe_done=True)


class DiscordUnreachable(DiscordError):
    """Discord could not be reached (refused, connect timeout, name lookup): nothing was sent, nothing done."""

    def __init__(self, message: str = "unreachable"):
        super().__init__(0, 0, message, maybe_done=False)


_EXPLANATIONS = {
    50013: "I'm missing a permission for that here. Check that my role has the permission and sits "
           "above the member's highest role.",
    50001: "I can't see that channel. Give my role access to it.",
    10007: "That member isn't in this server (any more).",
    10013: "Discord doesn't know that user.",
    10026: "That user isn't banned.",
    10003: "That channel no longer exists.",
    10008: "That message no longer exists.",
    10011: "That role no longer exists.",
    50007: "Discord won't let me send them a direct message (their DMs are closed).",
    50034: "Discord only bulk-deletes messages younger than 14 days.",
}


NO_TOKEN = "no bot token configured"


def explain(error: DiscordError) -> str:
    if error.message == NO_TOKEN:
        return ("StatusSync is running without a bot token (local mode), so it can't do this on Discord. "
                "Set DISCORD_BOT_TOKEN (see the README).")
    if error.status == 401:
        return "Discord didn't accept my bot token. Whoever runs StatusSync should check DISCORD_BOT_TOKEN."
    if error.code in _EXPLANATIONS:
        return _EXPLANATIONS[error.code]
    if isinstance(error, DiscordTimeout):
        return ("Discord didn't answer in time, so I can't tell whether that went through. "
                "Check before trying again.")
    if error.status == 429:
        return "Discord is rate-limiting me right now. Try again in a few seconds."
    if error.status == 0 or error.status >= 500:
        return "Discord isn't answering properly right now. Try again in a minute."
    if error.status == 403:
        return "Discord refused: I'm missing a permission for that."
    if error.status == 404:
        return "Discord couldn't find that anymore."
    return f"Discord refused the request ({error.message or error.status})."
