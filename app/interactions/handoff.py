"""Work that could not finish inside the answer's deadline continues as deferred work.

The dispatcher gives a handler ANSWER_BUDGET_S of Discord's 3 s. When a step would pass it (the REST
client or the database raise DeadlineExceeded before starting it, or Discord didn't answer a request in
time), the handler's transaction is rolled back, the interaction is claimed in a short transaction of its
own, and Discord gets a deferred answer ("thinking…"). The deferred run calls the same handler again with
the follow-up's time; the moderation journal (keyed by interaction id) makes a second run finish what the
first started instead of doing it twice.
"""
from . import responses as r


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
