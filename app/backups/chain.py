"""The next link of a restore: deferred work of its own, through the one deferred seam.

Lambda applies each deferred interaction once (app/interactions/deferred.py: run_once, keyed by interaction
id), so a link that hands on can't reuse the id of the link before it. Each link gets an id of its own,
made like a snowflake from the clock and claimed in processed_interactions like a delivered interaction;
it carries the Confirm click's token, so every link edits the same message. commands/backup_restore.py
submits it to the deferred runner.
"""
from .. import db
from ..discord.snowflake import from_time

TASK = "backup_restore"


def link_interaction(runtime, conn, interaction: dict, guild_id) -> dict:
    """A copy of `interaction` under a fresh, claimed id."""
    for _ in range(5):
        link_id = from_time(runtime.clock()) | runtime.rng.getrandbits(22)
        if db.one(conn, "interactions.claim", {"interaction_id": link_id, "guild_id": int(guild_id),
                                               "now": runtime.clock()}) is not None:
            conn.commit()
            return {**interaction, "id": str(link_id)}
    raise RuntimeError("could not claim an id for the next link of a restore")

