"""Deferred work: the handler answered "thinking…"; the task finishes by editing the original reply.

The seam is `runner.submit(runtime, task_path, interaction, kwargs)`. Locally the work runs on a thread
of the server process (ThreadRunner); on Lambda nothing may run after the response, so ZappaRunner hands
the same arguments (all JSON) to a Zappa asynchronous task, `run_task_from_lambda`, which Lambda may
deliver more than once: `run_once` applies it once.
"""
import importlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from ..discord.errors import DiscordError
from ..errors import DatabaseUnavailable, UserError
from . import responses as r
from .context import Context

log = logging.getLogger(__name__)


def load_task(task_path: str):
    module, _, name = task_path.partition(":")
    target = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


DONE, REFUSED, CRASHED = "done", "refused", "crashed"


def _answer(ctx, task_path: str, kwargs: dict):
    """The Message the user should see, and how the task ended: DONE, REFUSED (final) or CRASHED."""
    try:
        result = load_task(task_path)(ctx, **kwargs)
        if not isinstance(result, r.Message):
            raise TypeError(f"deferred task returned {type(result).__name__}, not a Message")
        return result, DONE
    except UserError as exc:
        return r.ephemeral(str(exc)), REFUSED
    except DatabaseUnavailable:
        from .dispatch import UNAVAILABLE
        return r.ephemeral(UNAVAILABLE), CRASHED
    except DiscordError as exc:
        transient = exc.status == 0 or exc.status == 429 or exc.status >= 500
        return r.ephemeral(exc.explain()), CRASHED if transient else REFUSED
    except Exception as exc:
        from .dispatch import failure
        return failure(ctx.id, exc), CRASHED


def run_task(runtime, task_path: str, interaction: dict, kwargs: dict) -> bool:
    """Run a deferred task and put its result where the user sees it (the original reply).

    True when the user now sees the task's final answer (or, when Discord refused that answer, an error
    with a reference: running it again would not help); False when the task crashed (the user is told)
    or the reply could not be edited for now, so running it again could still help.
    """
    ctx = Context(runtime, interaction)
    outcome = CRASHED
    try:
        result, outcome = _answer(ctx, task_path, kwargs)
    finally:
        try:
            ctx.finish(commit=outcome == DONE)
        except Exception:
            log.warning("deferred task %s: could not finish its transaction", ctx.id)
            outcome = CRASHED
    body = result.body()
    body.pop("flags", None)  # visibility was fixed by the deferred answer
    try:
        runtime.discord.edit_original(ctx.token, body, files=result.files or None)
    except DiscordError as exc:
        log.error("deferred task %s: editing the reply failed: %s", ctx.id, exc)
        return _refused_answer_replaced(runtime, ctx, exc) and outcome != CRASHED
    return outcome != CRASHED


def _refused_answer_replaced(runtime, ctx, refusal: DiscordError) -> bool:
    """Discord refused the answer itself (not the token, not for now): show an error instead of "thinking…"."""
    if refusal.status in (0, 401, 404, 429) or refusal.status >= 500:
        return False  # a retry of the same answer may still land, or the reply is gone
    from .dispatch import failure
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


def run_once(runtime, task_path: str, interaction: dict, kwargs: dict) -> bool:
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
        if not run_task(runtime, task_path, interaction, kwargs):
            guard.rollback()
            raise TaskNotFinished(f"deferred task {key['interaction_id']} ({task_path}) did not finish")
        db.run(guard, "deferred.mark_finished", {**key, "now": runtime.clock()})
        guard.commit()
    return True


def run_task_from_lambda(task_path: str, interaction: dict, kwargs: dict) -> bool:
    """What Zappa's asynchronous task runs on Lambda: the runtime from the environment, then `run_once`."""
    from .. import settings_for
    from ..runtime import Runtime
    return run_once(Runtime(settings_for()), task_path, interaction, kwargs)


class ThreadRunner:
    """Runs deferred tasks on background threads of this process."""

    def __init__(self, max_workers: int = 4):
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="deferred")
        self._pending = set()
        self._lock = threading.Lock()

    def submit(self, runtime, task_path, interaction, kwargs) -> None:
        future = self._executor.submit(run_task, runtime, task_path, interaction, kwargs)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future):
        with self._lock:
            self._pending.discard(future)

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until every submitted task finished (tests and one-shot commands)."""
        from concurrent.futures import wait
        with self._lock:
            pending = list(self._pending)
        done, not_done = wait(pending, timeout=timeout)
        return not not_done


class ZappaRunner:
    """Hands deferred tasks to a Zappa asynchronous task: an "Event" invocation of this Lambda function."""

    def __init__(self):
        self._session = None

    def submit(self, runtime, task_path, interaction, kwargs) -> None:
        from zappa.asynchronous import run
        sent = run(run_task_from_lambda, [task_path, interaction, kwargs], {}, boto_session=self._boto_session())
        if not sent.sent:
            raise RuntimeError(f"Lambda did not accept deferred task {interaction.get('id')} ({task_path})")

    def _boto_session(self):
        # Our own session, read from the environment now (Zappa's module-level client froze it at import);
        # short timeouts and one retry, because Discord gives the whole answer 3 s.
        if self._session is None:
            import boto3
            import botocore.session
            from botocore.config import Config
            core = botocore.session.Session()
            core.set_default_client_config(Config(connect_timeout=1, read_timeout=2,
                                                  retries={"total_max_attempts": 2, "mode": "standard"}))
            self._session = boto3.Session(botocore_session=core)
        return self._session
