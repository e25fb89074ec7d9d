"""A handler's parameters against its declared options, checked at import (not when a member runs it)."""
import inspect

from .components import DeclarationError


def check_handler(handler, options, owner: str) -> None:
    """The dispatcher calls handler(ctx, **{every declared option}) (None for an absent one): each option
    needs a parameter of its name, and each parameter after ctx an option (or a default is never used)."""
    if not callable(handler):
        raise DeclarationError(f"{owner}: the handler is not callable")
    try:
        parameters = list(inspect.signature(handler).parameters.values())
    except (TypeError, ValueError):
        return  # a builtin or C callable: nothing to compare
    if not parameters or parameters[0].kind not in (parameters[0].POSITIONAL_ONLY, parameters[0].POSITIONAL_OR_KEYWORD):
        raise DeclarationError(f"{owner}: the handler must take the context as its first parameter")
    rest = parameters[1:]
    if any(p.kind == p.VAR_POSITIONAL for p in rest):
        raise DeclarationError(f"{owner}: the handler takes *args; options are passed by name")
    takes_any = any(p.kind == p.VAR_KEYWORD for p in rest)
    named = {p.name for p in rest if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    if any(p.kind == p.POSITIONAL_ONLY for p in rest):
        raise DeclarationError(f"{owner}: options can't be positional-only parameters")
    missing = [o.name for o in options if o.name not in named and not takes_any]
    if missing:
        raise DeclarationError(f"{owner}: option(s) {', '.join(missing)} have no parameter in "
                               f"{getattr(handler, '__qualname__', handler)}")
    extra = sorted(named - {o.name for o in options})
    if extra:
        raise DeclarationError(f"{owner}: parameter(s) {', '.join(extra)} of "
                               f"{getattr(handler, '__qualname__', handler)} match no declared option")
