"""Custom command templates: Jinja2's SandboxedEnvironment with a budget on every render.

A render may take `WALL_S` of its thread's CPU time (1 s of wall time at most), `STEPS` counted steps (loop iterations, calls, multiplications)
and `OUTPUT_LIMIT` characters. Whatever breaks a rule raises TemplateError with words for the author;
nothing a template says can hang the request or reach Python internals.
"""
import functools

from jinja2 import TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .budget import (INT_BITS_LIMIT, POWER_LIMIT, SEQUENCE_LIMIT, STEPS, WALL_S, TemplateError,  # noqa: F401
                     Budget, bounded_join, bounded_replace, budgeted_range, charged, check_str_method,
                     current_budget, rendering)

OUTPUT_LIMIT = 2000
SOURCE_LIMIT = 4000


class _BudgetedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox (no mutation of lists or dicts), with every call, loop step, join and `*`/`+`/`**`
    charged to the render's budget."""
    intercepted_binops = frozenset(["*", "**", "%", "+"])

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        for forbidden in tree.find_all((nodes.Macro, nodes.CallBlock)):
            raise TemplateError("macros are not available in templates (they could call themselves forever)")
        return charged(tree)

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
        budget = current_budget()
        if budget is not None:
            budget.spend(steps)

    def call(self, __context, __obj, *args, **kwargs):
        self._spend()
        if isinstance(getattr(__obj, "__self__", None), str):
            args = check_str_method(__obj.__self__, __obj.__name__, args)
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
    env.filters["replace"] = bounded_replace
    env.filters["join"] = bounded_join(env.filters["join"])
    env.globals.clear()
    env.globals["range"] = budgeted_range(env)
    return env


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


def render(source: str, context: dict, *, wall_s: float = WALL_S, steps: int = STEPS, budget=None,
           limit: int = OUTPUT_LIMIT, what: str = "the reply", required: bool = True) -> str:
    """The rendered text (≤ `limit` characters; not blank when `required`), or TemplateError.

    Parts of one answer (the content, an embed's title, fields...) pass one shared `budget`, so a reply
    made of many templates still gets one render's time and steps in all."""
    template = check_source(source)
    budget = budget or Budget(wall_s, steps)
    out, size = [], 0
    try:
        with rendering(budget):
            for chunk in template.generate(**context):
                size += len(chunk)
                if size > limit:
                    raise TemplateError(f"{what} would be longer than Discord's {limit:,} characters")
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
    if not text and required:
        raise TemplateError(f"{'the template' if what == 'the reply' else what} rendered nothing")
    return text
