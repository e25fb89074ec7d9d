"""Deferred work: the handler answered "thinking…"; the task finishes by editing the original reply.

The seam is `runner.submit(runtime, task_path, interaction, kwargs)`. Locally the work runs on a thread
of the server process; on Lambda nothing may run after the response, so a runner there hands the same
arguments (all JSON) to a Zappa asynchronous task that calls `run_task`.
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


def run_task(runtime, task_path: str, interaction: dict, kwargs: dict) -> None:
    """Run a deferred task and put its result where the user sees it (the original reply)."""
    ctx = Context(runtime, interaction)
    ok = False
    try:
        result = load_task(task_path)(ctx, **kwargs)
        if not isinstance(result, r.Message):
            raise TypeError(f"deferred task returned {type(result).__name__}, not a Message")
        ok = True
    except UserError as exc:
        result = r.ephemeral(str(exc))
    except DatabaseUnavailable:
        from .dispatch import UNAVAILABLE
        result = r.ephemeral(UNAVAILABLE)
    except DiscordError as exc:
        result = r.ephemeral(exc.explain())
    except Exception as exc:
        from .dispatch import failure
        result = failure(ctx.id, exc)
    finally:
        try:
            ctx.finish(commit=ok)
        except Exception:
            log.warning("deferred task %s: could not finish its transaction", ctx.id)
    body = result.body()
    body.pop("flags", None)  # visibility was fixed by the deferred answer
    try:
        runtime.discord.edit_original(ctx.token, body, files=result.files or None)
    except DiscordError as exc:
        log.error("deferred task %s: editing the reply failed: %s", ctx.id, exc)


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
