"""Deferred work: the handler answered "thinking…"; the task finishes by editing the original reply.

A task is a function a feature registered by name (`tasks={"rank_card": "commands.rank:send_rank_card"}`
in its FEATURE, app/features.py); a handler returns `ctx.defer(send_rank_card, member=...)` and the
Deferred answer carries the name. The seam is `runner.submit(runtime, task_name, interaction, kwargs)`
(app/interactions/runners.py): every runner refuses a name that isn't registered and sends the arguments
through JSON first, so what works here works on Lambda. Locally the work runs on a thread once the
deferred answer has left; on Lambda an asynchronous invocation runs `run_task_from_lambda`, which Lambda
may deliver more than once: `run_once` applies it once.
"""
import logging
import time

from .. import features
from ..discord.errors import DiscordError
from ..errors import DatabaseUnavailable, UserError
from . import responses as r
from .answers import UNAVAILABLE, failure
from .context import Context

log = logging.getLogger(__name__)

UNKNOWN_WEBHOOK = 10015
ACK_WAIT_S = 3.0  # how long an edit of @original waits for Discord to have seen the deferred answer
ACK_POLL_S = 0.25
EDIT_RETRIES, EDIT_BACKOFF_S = 3, 0.5  # a 5xx on the edit of @original: tried again after 0.5, 1, 1.5 s


class UnknownTask(LookupError):
    """A deferred task name no feature registered."""


DONE, REFUSED, CRASHED = "done", "refused", "crashed"


def _answer(ctx, task, kwargs: dict):
    """The Message the user should see, and how the task ended: DONE, REFUSED (final) or CRASHED."""
    try:
        result = task(ctx, **kwargs)
        if not isinstance(result, r.Message):
            raise TypeError(f"deferred task returned {type(result).__name__}, not a Message")
        return result, DONE
    except UserError as exc:
        return r.ephemeral(str(exc)), REFUSED
    except DatabaseUnavailable:
        return r.ephemeral(UNAVAILABLE), CRASHED
    except DiscordError as exc:
        transient = exc.status == 0 or exc.status == 429 or exc.status >= 500
        return r.ephemeral(exc.explain()), CRASHED if transient else REFUSED
    except Exception as exc:
        return failure(ctx.id, exc), CRASHED


def registered_task(task_name):
    """The function registered under `task_name`; UnknownTask otherwise (nothing is imported by name)."""
    if not features.is_task(task_name):
        raise UnknownTask(f"deferred task {str(task_name)[:80]!r} is not registered")
    return features.tasks()[task_name]


def edit_original(runtime, token: str, body: dict, files=None):
    """Edit the deferred reply. Discord may not have seen the deferred answer yet (on Lambda the task can
    start before the response reached Discord): an Unknown Webhook is tried again for up to ACK_WAIT_S.
    A 5xx is tried again too, EDIT_RETRIES times: the edit replaces the whole message, so one that did land
    the first time lands the same again, and otherwise the member would be left with "thinking…"."""
    give_up, server_errors = time.monotonic() + ACK_WAIT_S, 0
    while True:
        try:
            return runtime.discord.edit_original(token, body, files=files)
        except DiscordError as exc:
            if exc.status >= 500 and server_errors < EDIT_RETRIES:
                server_errors += 1
                pause = EDIT_BACKOFF_S * server_errors
            elif exc.code == UNKNOWN_WEBHOOK and time.monotonic() + ACK_POLL_S <= give_up:
                pause = ACK_POLL_S
            else:
                raise
        time.sleep(pause)


def run_task(runtime, task_name: str, interaction: dict, kwargs: dict) -> bool:
    """Run a deferred task and put its result where the user sees it (the original reply).

    True when the user now sees the task's final answer (or, when Discord refused that answer, an error
    with a reference: running it again would not help); False when the task crashed (the user is told)
    or the reply could not be edited for now, so running it again could still help.
    """
    task = registered_task(task_name)
    ctx = Context(runtime, interaction)
    outcome = CRASHED
    try:
        result, outcome = _answer(ctx, task, kwargs)
    finally:
        try:
            ctx.finish(commit=outcome == DONE)
        except Exception:
            log.warning("deferred task %s: could not finish its transaction", ctx.id)
            outcome = CRASHED
    body = result.body()
    body.pop("flags", None)  # visibility was fixed by the deferred answer
    try:
        edit_original(runtime, ctx.token, body, files=result.files or None)
    except DiscordError as exc:
        log.error("deferred task %s: editing the reply failed: %s", ctx.id, exc)
        return _refused_answer_replaced(runtime, ctx, exc) and outcome != CRASHED
    return outcome != CRASHED


def _refused_answer_replaced(runtime, ctx, refusal: DiscordError) -> bool:
    """Discord refused the answer itself (not the token, not for now): show an error instead of "thinking…"."""
    if refusal.status in (0, 401, 404, 429) or refusal.status >= 500:
        return False  # a retry of the same answer may still land, or the reply is gone
    body = failure(ctx.id, refusal).body()
    body.pop("flags", None)
    try:
        runtime.discord.edit_original(ctx.token, body)
    except DiscordError as exc:
        log.error("deferred task %s: editing the reply with an error failed too: %s", ctx.id, exc)
        return False
    return True


class TaskNotFinished(Exception):
    """Raised to Lambda so that it delivers the task again (it retries a failed async invocation twice)."""


def run_once(runtime, task_name: str, interaction: dict, kwargs: dict) -> bool:
    """Run the task unless a delivery of this interaction already finished it or is running it now.

    A row lock held on a connection of its own for the whole run keeps concurrent deliveries apart; the
    run is marked finished only after the reply was edited, so a run that crashed may run again.
    Returns False when it skipped; raises TaskNotFinished when the run did not finish.
    """
    from .. import db
    key = {"interaction_id": int(interaction["id"])}
    with db.connection(runtime.dsn) as guard:
        db.run(guard, "deferred.register", key)
        guard.commit()
        row = db.one(guard, "deferred.hold", key)
        if row is None or row["finished_at"] is not None:
            log.info("deferred task %s: %s, not run again", key["interaction_id"],
                     "running elsewhere" if row is None else "already finished")
            guard.rollback()
            return False
        if not run_task(runtime, task_name, interaction, kwargs):
            guard.rollback()
            raise TaskNotFinished(f"deferred task {key['interaction_id']} ({task_name}) did not finish")
        db.run(guard, "deferred.mark_finished", {**key, "now": runtime.clock()})
        guard.commit()
    return True


def run_task_from_lambda(task_name: str, interaction: dict, kwargs: dict) -> bool:
    """What Zappa's asynchronous task runs on Lambda: the registry, the runtime from the environment, then
    `run_once`. An event naming no registered task is refused (logged, nothing imported, not retried)."""
    from .. import settings_for
    from ..runtime import Runtime
    features.load()
    if not features.is_task(task_name) or not isinstance(interaction, dict) or not isinstance(kwargs, dict):
        log.error("deferred event refused: task %r is not registered (or its arguments are malformed)",
                  str(task_name)[:80])
        return False
    if not str(interaction.get("id", "")).isdigit():
        log.error("deferred event refused: no interaction id")
        return False
    return run_once(Runtime(settings_for()), task_name, interaction, kwargs)
