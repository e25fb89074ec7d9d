"""The limits of one template render: its budget (wall time, steps), and the guards that refuse, before they
run, the operations that could make unbounded text or numbers from small inputs."""
import contextlib
import threading
import time

from jinja2 import nodes

WALL_S = 0.05  # of the rendering thread's own CPU time: other threads and processes busy don't count
WALL_BACKSTOP_S = 1.0  # of wall time, whatever the reason: the request's answer still has to leave
STEPS = 10_000
SEQUENCE_LIMIT = 10_000  # text or a list made by *, +, ~, replace or join may not be longer than this
POWER_LIMIT = 64  # an exponent past this is refused (10 ** 10 ** 10 would never finish)
INT_BITS_LIMIT = 4096  # a number made by * or ** may not be larger than this (squaring again and again)
WIDTH_METHODS = ("ljust", "rjust", "center", "zfill", "expandtabs")


class TemplateError(Exception):
    """The template can't be used, or this render broke its budget; the message is for the author."""


class Budget:
    """Steps, and time measured on this thread's CPU clock: a busy server (other requests, rank cards,
    another process) must not make a trivial template "too slow" and blame its author."""

    def __init__(self, wall_s: float, steps: int):
        self.cpu_ends, self.left = time.thread_time() + wall_s, steps
        self.wall_ends = time.perf_counter() + max(wall_s, WALL_BACKSTOP_S)

    def spend(self, steps=1) -> None:
        self.left -= steps
        if self.left < 0:
            raise TemplateError(f"the template did too much work (more than {STEPS:,} steps); "
                                "loop over fewer things")
        if time.thread_time() > self.cpu_ends:
            raise TemplateError(f"the template took longer than {int(WALL_S * 1000)} ms")
        if time.perf_counter() > self.wall_ends:
            raise TemplateError("the server is too busy to answer this template right now; try again")


_local = threading.local()  # the budget of the render running on this thread; the environment is shared


def current_budget():
    return getattr(_local, "budget", None)


@contextlib.contextmanager
def rendering(budget):
    previous, _local.budget = getattr(_local, "budget", None), budget
    try:
        yield
    finally:
        _local.budget = previous


def charged(tree):
    """The parsed template with every loop's items and every `~` join charged to the budget: each `for`
    iterates through environment.budgeted_iter, each concatenation goes through environment.budgeted_concat."""
    for loop in tree.find_all(nodes.For):
        loop.iter = nodes.Call(nodes.EnvironmentAttribute("budgeted_iter"), [loop.iter], [], None, None,
                               lineno=loop.lineno)
    for parent in list(tree.find_all(nodes.Node)):
        for field in parent.fields:
            value = getattr(parent, field, None)
            if isinstance(value, nodes.Concat):
                setattr(parent, field, _concat_call(value))
            elif isinstance(value, list):
                setattr(parent, field, [_concat_call(v) if isinstance(v, nodes.Concat) else v for v in value])
    return tree


def _concat_call(concat):
    return nodes.Call(nodes.EnvironmentAttribute("budgeted_concat"), [nodes.List(concat.nodes)], [], None, None,
                      lineno=concat.lineno)


def check_str_method(text: str, name: str, args) -> tuple:
    """A string method that could allocate unbounded text from small arguments is refused before it runs."""
    if name in WIDTH_METHODS and any(isinstance(a, int) and a > SEQUENCE_LIMIT // (8 if name == "expandtabs" else 1)
                                     for a in args):
        raise TemplateError(f"that would make text longer than {SEQUENCE_LIMIT:,} characters")
    if name == "replace" and len(args) >= 2:
        bounded_replace(text, *args[:3])
    if name == "join" and args:
        args = (list(args[0]), *args[1:])  # a generator's length is known only once it has run
        if len(args[0]) * len(text) > SEQUENCE_LIMIT:
            raise TemplateError(f"that join would make text longer than {SEQUENCE_LIMIT:,} characters")
    return args


def bounded_replace(text, old, new, count=None):
    text, old, new = str(text), str(old), str(new)
    times = text.count(old) if old else len(text) + 1
    if count is not None:
        times = min(times, int(count))
    if len(text) + times * len(new) > SEQUENCE_LIMIT:
        raise TemplateError(f"that replace would make text longer than {SEQUENCE_LIMIT:,} characters")
    return text.replace(old, new, -1 if count is None else int(count))


def bounded_join(join):
    def bounded_join(eval_ctx, value, d="", attribute=None):
        items = list(value)
        if len(items) * len(str(d)) > SEQUENCE_LIMIT:
            raise TemplateError(f"that join would make text longer than {SEQUENCE_LIMIT:,} characters")
        return join(eval_ctx, items, d, attribute)
    bounded_join.jinja_pass_arg = join.jinja_pass_arg
    return bounded_join


def budgeted_range(env):
    def budgeted_range(*args):
        steps = range(*args)
        if len(steps) > STEPS:
            raise TemplateError(f"range() may give at most {STEPS:,} numbers")

        def counted():
            for value in steps:
                env._spend()
                yield value
        return counted()
    return budgeted_range
