"""The set of declared commands and component routes the dispatcher consults."""
import threading

from .components import ComponentRoute, DeclarationError
from .declare import SlashCommand


class CommandSet:
    def __init__(self):
        self.commands: dict = {}
        self.routes: dict = {}
        self.fallbacks: list = []  # handler(ctx) -> Response | None for a command name none declared

    def add(self, thing) -> None:
        if isinstance(thing, SlashCommand):
            thing.validate()
            if thing.name in self.commands and self.commands[thing.name] is not thing:
                raise DeclarationError(f"command {thing.name!r} declared twice")
            self.commands[thing.name] = thing
        route = getattr(thing, "component_route", None)
        if isinstance(route, ComponentRoute):
            key = (route.kind, route.prefix)
            if key in self.routes and self.routes[key] is not route:
                raise DeclarationError(f"{route.kind} prefix {route.prefix!r} declared twice")
            self.routes[key] = route

    @classmethod
    def from_modules(cls, modules) -> "CommandSet":
        found = cls()
        for module in modules:
            for value in vars(module).values():
                found.add(value)
        if len(found.commands) > 100:
            raise DeclarationError("Discord allows at most 100 global chat-input commands")
        return found

    def registration_json(self) -> list:
        return [command.to_json() for command in sorted(self.commands.values(), key=lambda c: c.name)]

    def route(self, kind: str, custom_id: str):
        """(handler, args) for a custom_id `prefix:arg:...`, or None when no route matches (or not its args)."""
        prefix, *args = (custom_id or "").split(":")
        route = self.routes.get((kind, prefix))
        return (route.handler, args) if route and route.accepts(args) else None


class LazyCommandSet:
    """A CommandSet built by `load()` the first time a command, route or the registration JSON is asked for:
    a PING (and a cold start that only answers one) imports no command module and no feature service."""

    def __init__(self, load):
        self._load, self._loaded, self._lock = load, None, threading.Lock()

    def loaded(self) -> CommandSet:
        if self._loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = self._load()
        return self._loaded

    @property
    def commands(self) -> dict:
        return self.loaded().commands

    @property
    def routes(self) -> dict:
        return self.loaded().routes

    @property
    def fallbacks(self) -> list:
        return self.loaded().fallbacks

    def registration_json(self) -> list:
        return self.loaded().registration_json()

    def route(self, kind: str, custom_id: str):
        return self.loaded().route(kind, custom_id)
