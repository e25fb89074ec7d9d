"""Routes for buttons, select menus and modals: a custom_id `prefix:arg:arg` goes to handler(ctx, *args)."""
import inspect
import re

from .payload import GUILD

GUILD_ONLY = (GUILD,)  # where a component may be used, as SlashCommand(contexts=...) says for commands


class DeclarationError(Exception):
    """A declaration Discord would reject."""


class ComponentRoute:
    """Routes a custom_id `prefix:arg:arg` (buttons, selects, modals) to a handler(ctx, *args)."""

    def __init__(self, prefix, handler, kind, contexts=GUILD_ONLY):
        if not re.match(r"^[a-z0-9_-]{1,32}$", prefix):
            raise DeclarationError(f"component prefix {prefix!r} must be 1-32 of a-z 0-9 _ -")
        self.prefix, self.handler, self.kind, self.contexts = prefix, handler, kind, tuple(contexts)
        self._signature = inspect.signature(handler)

    def accepts(self, args) -> bool:
        """True when handler(ctx, *args) can be called: a custom_id with parts missing or extra has expired."""
        try:
            self._signature.bind(None, *args)
        except TypeError:
            return False
        return True


def component(prefix, contexts=GUILD_ONLY):
    """Declare the handler of buttons and select menus whose custom_id starts with `prefix:`."""
    def register(handler):
        handler.component_route = ComponentRoute(prefix, handler, "component", contexts)
        return handler
    return register


def modal(prefix, contexts=GUILD_ONLY):
    """Declare the handler of submitted modals whose custom_id starts with `prefix:`."""
    def register(handler):
        handler.component_route = ComponentRoute(prefix, handler, "modal", contexts)
        return handler
    return register


def custom_id(prefix: str, *args) -> str:
    value = ":".join([prefix, *map(str, args)])
    if len(value) > 100:
        raise ValueError("custom_id over 100 characters")
    return value
