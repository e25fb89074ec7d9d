"""Declaring slash commands once: the same objects give the registration JSON and the dispatch.

    config = SlashCommand("config", "View and change settings", default_member_permissions=MANAGE_GUILD)

    @config.subcommand("modlog", "Set the mod-log channel", options=[Option.channel("channel", "Where")])
    def set_modlog(ctx, channel): ...

Invalid declarations raise DeclarationError at import, not at Discord.
"""
import re

from .components import ComponentRoute, DeclarationError, component, custom_id, modal  # noqa: F401 (one import for features)
from .signatures import check_handler as _check_handler

NAME_RE = re.compile(r"^[-_\w]{1,32}$")

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
CHAT_INPUT = 1

# Interaction contexts: where a command may be used.
GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2
GUILD_ONLY = (GUILD,)
INSTALL_GUILD = 0
MAX_INTEGER = 2 ** 53


def _check_name(name: str, what: str) -> None:
    if not isinstance(name, str) or not NAME_RE.match(name) or name != name.lower():
        raise DeclarationError(f"{what} name {name!r} must be 1-32 lowercase letters, digits, - or _")


def _check_description(description: str, what: str) -> None:
    if not isinstance(description, str) or not 1 <= len(description) <= 100:
        raise DeclarationError(f"{what} description must be 1-100 characters")


class Option:
    """A typed option. Build with the class methods: Option.string(...), Option.user(...)."""

    def __init__(self, type_, name, description, *, required=True, choices=None, min_value=None,
                 max_value=None, min_length=None, max_length=None, channel_types=None, autocomplete=None):
        _check_name(name, "option")
        if not name.isidentifier():
            raise DeclarationError(f"option name {name!r} must also be a Python identifier")
        _check_description(description, f"option {name!r}")
        self.type, self.name, self.description, self.required = type_, name, description, required
        self.choices = self._check_choices(choices)
        self.min_value, self.max_value = min_value, max_value
        self.min_length, self.max_length = min_length, max_length
        self.channel_types, self.autocomplete = channel_types, autocomplete
        if min_value is not None and max_value is not None and min_value > max_value:
            raise DeclarationError(f"option {name!r}: min_value is above max_value")
        if min_length is not None and not 0 <= min_length <= 6000:
            raise DeclarationError(f"option {name!r}: min_length must be 0-6000")
        if max_length is not None and not 1 <= max_length <= 6000:
            raise DeclarationError(f"option {name!r}: max_length must be 1-6000")
        if autocomplete and choices:
            raise DeclarationError(f"option {name!r}: autocomplete and choices exclude each other")
        if (min_value is not None or max_value is not None) and type_ not in (INTEGER, NUMBER):
            raise DeclarationError(f"option {name!r}: bounds only apply to integer and number options")

    def _check_choices(self, choices):
        if choices is None:
            return None
        pairs = [(c, c) if not isinstance(c, tuple) else c for c in choices]
        if not 1 <= len(pairs) <= 25:
            raise DeclarationError(f"option {self.name!r}: 1-25 choices")
        expected = {STRING: str, INTEGER: int, NUMBER: (int, float)}.get(self.type)
        for label, value in pairs:
            if expected is None or not isinstance(value, expected) or not 1 <= len(str(label)) <= 100:
                raise DeclarationError(f"option {self.name!r}: bad choice {label!r}")
        return pairs

    @classmethod
    def string(cls, name, description, **kw):
        return cls(STRING, name, description, **kw)

    @classmethod
    def integer(cls, name, description, **kw):
        return cls(INTEGER, name, description, **kw)

    @classmethod
    def number(cls, name, description, **kw):
        return cls(NUMBER, name, description, **kw)

    @classmethod
    def boolean(cls, name, description, **kw):
        return cls(BOOLEAN, name, description, **kw)

    @classmethod
    def user(cls, name, description, **kw):
        return cls(USER, name, description, **kw)

    @classmethod
    def channel(cls, name, description, **kw):
        return cls(CHANNEL, name, description, **kw)

    @classmethod
    def role(cls, name, description, **kw):
        return cls(ROLE, name, description, **kw)

    @classmethod
    def attachment(cls, name, description, **kw):
        return cls(ATTACHMENT, name, description, **kw)

    def to_json(self) -> dict:
        data = {"type": self.type, "name": self.name, "description": self.description,
                "required": self.required}
        if self.choices:
            data["choices"] = [{"name": str(label), "value": value} for label, value in self.choices]
        for key in ("min_value", "max_value", "min_length", "max_length"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.channel_types:
            data["channel_types"] = list(self.channel_types)
        if self.autocomplete:
            data["autocomplete"] = True
        return data


def _check_options(options, owner: str) -> list:
    options = list(options or [])
    if len(options) > 25:
        raise DeclarationError(f"{owner}: at most 25 options")
    names = [o.name for o in options]
    if len(set(names)) != len(names):
        raise DeclarationError(f"{owner}: duplicate option names")
    seen_optional = False
    for option in options:
        if not option.required:
            seen_optional = True
        elif seen_optional:
            raise DeclarationError(f"{owner}: required option {option.name!r} after an optional one")
    return options


class Subcommand:
    def __init__(self, name, description, handler, options=None):
        _check_name(name, "subcommand")
        _check_description(description, f"subcommand {name!r}")
        self.name, self.description, self.handler = name, description, handler
        self.options = _check_options(options, f"subcommand {name!r}")
        _check_handler(handler, self.options, f"subcommand {name!r}")

    def to_json(self) -> dict:
        return {"type": SUB_COMMAND, "name": self.name, "description": self.description,
                "options": [o.to_json() for o in self.options]}


class _Parent:
    """Something that holds subcommands: a command or a subcommand group."""

    def __init__(self):
        self.children = {}

    def _add(self, child):
        if child.name in self.children:
            raise DeclarationError(f"{self.name}: {child.name!r} declared twice")
        if len(self.children) >= 25:
            raise DeclarationError(f"{self.name}: at most 25 subcommands")
        self.children[child.name] = child
        return child

    def subcommand(self, name, description, options=None):
        def register(handler):
            self._add(Subcommand(name, description, handler, options))
            return handler
        return register


class SubcommandGroup(_Parent):
    def __init__(self, name, description):
        super().__init__()
        _check_name(name, "group")
        _check_description(description, f"group {name!r}")
        self.name, self.description = name, description

    def to_json(self) -> dict:
        return {"type": SUB_COMMAND_GROUP, "name": self.name, "description": self.description,
                "options": [c.to_json() for c in self.children.values()]}


class SlashCommand(_Parent):
    """A top-level chat-input command: either a handler with options, or subcommands and groups."""

    def __init__(self, name, description, *, options=None, default_member_permissions=None,
                 contexts=GUILD_ONLY, nsfw=False, handler=None):
        super().__init__()
        _check_name(name, "command")
        _check_description(description, f"command {name!r}")
        self.name, self.description = name, description
        self.options = _check_options(options, f"command {name!r}")
        self.default_member_permissions = default_member_permissions
        self.contexts, self.nsfw, self.handler = tuple(contexts), nsfw, handler
        if handler is not None:
            _check_handler(handler, self.options, f"command {name!r}")

    def __call__(self, handler):
        """Use the command itself as the decorator of its handler (no subcommands)."""
        if self.children:
            raise DeclarationError(f"{self.name}: a command with subcommands has no handler of its own")
        _check_handler(handler, self.options, f"command {self.name!r}")
        self.handler = handler
        return handler

    def group(self, name, description) -> SubcommandGroup:
        if self.options:
            raise DeclarationError(f"{self.name}: options and subcommands exclude each other")
        return self._add(SubcommandGroup(name, description))

    def _add(self, child):
        if self.options or self.handler:
            raise DeclarationError(f"{self.name}: options and subcommands exclude each other")
        return super()._add(child)

    def validate(self) -> None:
        if not self.handler and not self.children:
            raise DeclarationError(f"command {self.name!r} has no handler and no subcommands")
        for child in self.children.values():
            if isinstance(child, SubcommandGroup) and not child.children:
                raise DeclarationError(f"group {self.name} {child.name} has no subcommands")

    def to_json(self) -> dict:
        data = {"name": self.name, "type": CHAT_INPUT, "description": self.description,
                "options": ([o.to_json() for o in self.options] if not self.children
                            else [c.to_json() for c in self.children.values()]),
                "contexts": list(self.contexts),
                "integration_types": [INSTALL_GUILD],
                "nsfw": self.nsfw}
        if self.default_member_permissions is not None:
            data["default_member_permissions"] = str(self.default_member_permissions)
        return data

    def resolve(self, data_options):
        """Walk the invoked subcommand path: (handler, declared options, given options, path) or None."""
        given = data_options or []
        if not self.children:
            return self.handler, self.options, given, self.name
        node, path = self, [self.name]
        while given and given[0].get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
            child = node.children.get(given[0].get("name"))
            if child is None:
                return None
            path.append(child.name)
            node, given = child, given[0].get("options") or []
            if isinstance(node, Subcommand):
                return node.handler, node.options, given, " ".join(path)
        return None
