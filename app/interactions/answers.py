"""The answers dispatch and deferred work share: fixed texts, and how a bug is reported to the member.

Kept apart from both so neither imports the other.
"""
import logging

from . import responses as r

log = logging.getLogger("app.interactions.dispatch")

STALE = ("This command is out of date (Discord has an older registration than the bot). "
         "A bot administrator should run `python register_commands.py`.")
UNAVAILABLE = "StatusSync is temporarily unavailable (its database isn't answering). Try again in a minute."
ALREADY = "This interaction was already handled."
EXPIRED = "These buttons have expired. Run the command again."


def failure(interaction_id, exc) -> r.Message:
    """Bugs get a log line with the interaction id and a generic reply with that id as reference."""
    log.error("interaction %s failed", interaction_id, exc_info=exc)
    return r.ephemeral(f"Something went wrong on our side. (Reference: `{interaction_id}`)")
