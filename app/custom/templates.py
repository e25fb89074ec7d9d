"""Custom command templates: Jinja2's SandboxedEnvironment with a budget on every render.

A render may take `WALL_S` of wall time, `STEPS` counted steps (loop iterations, calls, multiplications)
and `OUTPUT_LIMIT` characters. Whatever breaks a rule raises TemplateError with words for the author;
nothing a template says can hang the request or reach Python internals.
"""
import contextlib
import functools
import threading
import time

from jinja2 import TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

WALL_S = 0.05
STEPS = 10_000
OUTPUT_LIMIT = 2000
SOURCE_LIMIT = 4000
SEQUENCE_LIMIT = 10_000  # a string or list made by * may not be longer than this
POWER_LIMIT = 64  # an exponent past this is refused (10 ** 10 ** 10 would never finish)
INT_BITS_LIMIT = 4096  # a number made by * or ** may not be larger than this (squaring again and again)
WIDTH_METHODS = ("ljust", "rjust", "center", "zfill", "expandtabs")


class TemplateError(Exception):
    """The template can't be used, or this render broke its budget; the message is for the author."""


class _Budget:
    def __init__(self, wall_s: float, steps: int):
        self.ends, self.left = time.perf_counter() + wall_s, steps

    def spend(self, steps=1) -> None:
        self.left -= steps
        if self.left < 0:
            raise TemplateError(f"the template did too much work (more than {STEPS:,} steps); "
                                "loop over fewer things")
        if time.perf_counter() > self.ends:
            raise TemplateError(f"the template took longer than {int(WALL_S * 1000)} ms")


_local = threading.local()  # the budget of the render running on this thread; the environment is shared


@contextlib.contextmanager
def _rendering(budget):
    previous, _local.budget = getattr(_local, "budget", None), budget
    try:
        yield
    finally:
        _local.budget = previous


def _charged(tree):
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


class _BudgetedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox (no mutation of lists or dicts), with every call, loop step, join and `*`/`+`/`**`
    charged to the render's budget."""
    intercepted_binops = frozenset(["*", "**", "%", "+"])

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        for forbidden in tree.find_all((nodes.Macro, nodes.CallBlock)):
            raise TemplateError("macros are not available in templates (they could call themselves forever)")
        return _charged(tree)

    def budgeted_iter(self, iterable):
        for item in iterable:
            self._spend()
            yield item

    def budgeted_concat(self, parts):
        self._spend()
        text = "".join(map(str, parts))
        if len(text) > SEQUENCE_LIMIT:
            raise TemplateError(f"that would make text longer than {SEQUENCE_LIMIT:,} characters")
        return text

    def wrap_str_format(self, value):
        if super().wrap_str_format(value) is None:
            return None

        def refused(*args, **kwargs):  # a width in the format spec allocates unbounded text
            raise SecurityError("str.format is not available in templates; join text with ~")
        return refused

    def _spend(self, steps=1):
        budget = getattr(_local, "budget", None)
        if budget is not None:
            budget.spend(steps)

    def call(self, __context, __obj, *args, **kwargs):
        self._spend()
        if isinstance(getattr(__obj, "__self__", None), str):
            args = _check_str_method(__obj.__self__, __obj.__name__, args)
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator, left, right):
        self._spend()
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > POWER_LIMIT:
            raise TemplateError(f"exponents above {POWER_LIMIT} are not allowed")
        if operator in ("*", "**") and isinstance(left, int) and isinstance(right, int):
            bits = abs(left).bit_length() * (abs(right) if operator == "**" else 1) + \
                (abs(right).bit_length() if operator == "*" else 0)
            if bits > INT_BITS_LIMIT:
                raise TemplateError("that number would be too large")
        if operator == "%" and isinstance(left, str):
            raise SecurityError("%-formatting is not available in templates; join text with ~")
        if operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)) \
                and len(left) + len(right) > SEQUENCE_LIMIT:
            raise TemplateError(f"that would make something longer than {SEQUENCE_LIMIT:,} items")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > SEQUENCE_LIMIT:
                    raise TemplateError(f"that would make something longer than {SEQUENCE_LIMIT:,} items")
        return super().call_binop(context, operator, left, right)


def _environment() -> _BudgetedEnvironment:
    env = _BudgetedEnvironment(autoescape=False, trim_blocks=True, lstrip_blocks=True)
    for unsafe in ("center", "indent", "wordwrap", "format", "xmlattr", "pprint", "urlize", "tojson"):
        env.filters.pop(unsafe, None)  # width arguments allocate unbounded text; none is needed for a reply
    env.filters["replace"] = _bounded_replace
    env.filters["join"] = _bounded_join(env.filters["join"])
    env.globals.clear()
    env.globals["range"] = _budgeted_range(env)
    return env


def _check_str_method(text: str, name: str, args) -> tuple:
    """A string method that could allocate unbounded text from small arguments is refused before it runs."""
    if name in WIDTH_METHODS and any(isinstance(a, int) and a > SEQUENCE_LIMIT // (8 if name == "expandtabs" else 1)
                                     for a in args):
        raise TemplateError(f"that would make text longer than {SEQUENCE_LIMIT:,} characters")
    if name == "replace" and len(args) >= 2:
        _bounded_replace(text, *args[:3])
    if name == "join" and args:
        args = (list(args[0]), *args[1:])  # a generator's length is known only once it has run
        if len(args[0]) * len(text) > SEQUENCE_LIMIT:
            raise TemplateError(f"that join would make text longer than {SEQUENCE_LIMIT:,} characters")
    return args


def _bounded_replace(text, old, new, count=None):
    text, old, new = str(text), str(old), str(new)
    times = text.count(old) if old else len(text) + 1
    if count is not None:
        times = min(times, int(count))
    if len(text) + times * len(new) > SEQUENCE_LIMIT:
        raise TemplateError(f"that replace would make text longer than {SEQUENCE_LIMIT:,} characters")
    return text.replace(old, new, -1 if count is None else int(count))


def _bounded_join(join):
    def bounded_join(eval_ctx, value, d="", attribute=None):
        items = list(value)
        if len(items) * len(str(d)) > SEQUENCE_LIMIT:
            raise TemplateError(f"that join would make text longer than {SEQUENCE_LIMIT:,} characters")
        return join(eval_ctx, items, d, attribute)
    bounded_join.jinja_pass_arg = join.jinja_pass_arg
    return bounded_join


def _budgeted_range(env):
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


_ENV = _environment()


@functools.lru_cache(maxsize=512)  # a warm process compiles each guild's template once
def check_source(source: str):
    """The compiled template, or TemplateError naming the problem (syntax, length, a forbidden name)."""
    if not isinstance(source, str) or not source.strip():
        raise TemplateError("the response is empty")
    if len(source) > SOURCE_LIMIT:
        raise TemplateError(f"the response template is longer than {SOURCE_LIMIT:,} characters")
    try:
        tree = _ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"template syntax error on line {exc.lineno}: {exc.message}") from None
    for forbidden in tree.find_all((nodes.Macro, nodes.CallBlock)):
        raise TemplateError("macros are not available in templates (they could call themselves forever)")
    for node in tree.find_all((nodes.Getattr, nodes.Name)):
        name = node.attr if isinstance(node, nodes.Getattr) else node.name
        if name.startswith("_"):
            raise TemplateError(f"`{name}` is not available in templates (names starting with _ are internal)")
    return _ENV.from_string(source)


def render(source: str, context: dict, *, wall_s: float = WALL_S, steps: int = STEPS) -> str:
    """The rendered text (≤ OUTPUT_LIMIT characters, not blank), or TemplateError."""
    template = check_source(source)
    budget = _Budget(wall_s, steps)
    out, size = [], 0
    try:
        with _rendering(budget):
            for chunk in template.generate(**context):
                size += len(chunk)
                if size > OUTPUT_LIMIT:
                    raise TemplateError(f"the reply would be longer than Discord's {OUTPUT_LIMIT:,} characters")
                budget.spend(0)
                out.append(chunk)
    except TemplateError:
        raise
    except SecurityError as exc:
        raise TemplateError(f"not allowed in a template: {exc}") from None
    except UndefinedError as exc:
        raise TemplateError(f"the template uses something that doesn't exist: {exc}") from None
    except RecursionError:
        raise TemplateError("the template calls itself too deeply") from None
    except (ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as exc:
        raise TemplateError(f"the template failed: {type(exc).__name__}: {exc}") from None
    text = "".join(out).strip()
    if not text:
        raise TemplateError("the template rendered nothing")
    return text
