"""Work that could not finish inside the answer's deadline continues as deferred work.

The dispatcher gives a handler ANSWER_BUDGET_S of Discord's 3 s. When a step would pass it (the REST
client or the database raise DeadlineExceeded before starting it, or Discord didn't answer a request in
time), the handler's transaction is rolled back, the interaction is claimed in a short transaction of its
own, and Discord gets a deferred answer ("thinking…"). The deferred run calls the same handler again with
the follow-up's time; the moderation journal (keyed by interaction id) makes a second run finish what the
first started instead of doing it twice.
"""
import time

from . import responses as r

SETTLE_TASK = "settle"  # registered by the core feature, like "resume"
SETTLE_FOR_S, SETTLE_EVERY_S = 60.0, 1.0
NOT_SAVED = "StatusSync lost its database while saving this, and nothing was saved. Try again."
NOT_KNOWN = ("StatusSync lost its database while saving this and can't tell yet whether it was saved. "
             "Check before trying again.")


def deferred_answer(ctx) -> r.Deferred:
    """What Discord sees now: "thinking…" (a component's message is edited in place later)."""
    from .dispatch import MESSAGE_COMPONENT
    if ctx.type == MESSAGE_COMPONENT:
        return r.HandOff(update=True)
    command = (ctx.runtime.commands.commands.get(ctx.data.get("name"))
               if ctx.runtime.commands is not None else None)
    private = command is None or command.default_member_permissions is not None
    return r.HandOff(ephemeral=private)


def resume(ctx) -> r.Message:
    """The deferred run of a handed-off interaction: the handler again, its answer as the final message."""
    from .dispatch import run_resumed
    return run_resumed(ctx)


def settle(ctx, answer) -> r.Message:
    """Whether the commit whose answer was lost landed. The claim of the interaction id was in that
    transaction: claiming it again waits on its unique index while the first is undecided, then finds it
    (committed: show the handler's answer) or takes it (not committed: rolled back again, say so)."""
    import psycopg2

    from .. import db
    from ..errors import DatabaseUnavailable
    give_up = time.monotonic() + SETTLE_FOR_S
    while True:
        try:
            with ctx.runtime.connection() as conn:
                fresh = db.one(conn, "interactions.claim", {"interaction_id": int(ctx.id),
                                                            "guild_id": ctx.guild_id, "now": ctx.now})
                conn.rollback()
            break
        except (DatabaseUnavailable, psycopg2.OperationalError):  # down, or still undecided at statement_timeout
            if time.monotonic() + SETTLE_EVERY_S > give_up:
                return r.Message(NOT_KNOWN)
            time.sleep(SETTLE_EVERY_S)
    if fresh is not None:
        return r.Message(NOT_SAVED)
    return r.Message(answer.get("content"), embeds=answer.get("embeds"), components=answer.get("components"),
                     allowed_mentions=answer.get("allowed_mentions"))
