"""One deadline per unit of work (an interaction's answer, a job's run), shared by every call it makes.

The deadline is set where the work starts (`with within(2.2):`) and read by the layers below it: the REST
client waits and times out only within what is left, the database gives each statement at most what is
left. A call that cannot finish in time raises DeadlineExceeded *before* it starts, so nothing was done
on its behalf; whoever set the deadline decides what happens next (an interaction hands the rest to
deferred work, a job stops and resumes next run).

Deadlines are measured on the monotonic clock; wall-clock time for records comes from `runtime.clock`.
"""
import contextvars
import time
from contextlib import contextmanager

monotonic = time.monotonic


class DeadlineExceeded(Exception):
    """The work's time is up before this step could start (nothing of the step was done)."""


class Deadline:
    __slots__ = ("at",)

    def __init__(self, at: float):
        self.at = at

    @classmethod
    def after(cls, seconds: float) -> "Deadline":
        return cls(monotonic() + seconds)

    def remaining(self) -> float:
        return self.at - monotonic()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def extend_to(self, seconds_from_now: float) -> None:
        """Move the deadline later (work that was handed to deferred now has the follow-up's time)."""
        self.at = max(self.at, monotonic() + seconds_from_now)

    def __repr__(self):
        return f"<Deadline in {self.remaining():.3f}s>"


_current: contextvars.ContextVar = contextvars.ContextVar("statussync_deadline", default=None)


def current() -> Deadline | None:
    return _current.get()


def remaining(default: float | None = None) -> float | None:
    """Seconds left of the current deadline, or `default` when none is set."""
    deadline = _current.get()
    return default if deadline is None else deadline.remaining()


def check(needed: float = 0.0, what: str = "this step") -> None:
    """Raise DeadlineExceeded unless at least `needed` seconds are left (no deadline: always fine)."""
    left = remaining()
    if left is not None and left <= needed:
        raise DeadlineExceeded(f"no time left for {what} ({max(left, 0.0):.2f}s left, {needed:.2f}s needed)")


def bounded(timeout: float) -> float:
    """`timeout`, cut to the time left; raises DeadlineExceeded when nothing is left."""
    left = remaining()
    if left is None:
        return timeout
    if left <= 0:
        raise DeadlineExceeded("no time left")
    return min(timeout, left)


@contextmanager
def within(limit):
    """Run the block under a deadline: `limit` seconds from now, or a Deadline object (shared).

    A nested deadline never extends an outer one: the earlier of the two applies.
    """
    deadline = limit if isinstance(limit, Deadline) else Deadline.after(float(limit))
    outer = _current.get()
    if outer is not None and outer.at < deadline.at and not isinstance(limit, Deadline):
        deadline = outer
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)


def carried(fn, *args, **kwargs):
    """`fn(*args, **kwargs)` as a callable that runs in a copy of this context: work handed to another
    thread (a pool's submit) keeps the current deadline instead of running without one."""
    context = contextvars.copy_context()
    return lambda: context.run(fn, *args, **kwargs)
