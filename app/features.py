"""The feature registry: each feature says in one place what it brings, and every entry point loads it.

A feature package (`app/<feature>/__init__.py`) defines `FEATURE = Feature(...)`:

    FEATURE = Feature(
        "social",
        sections=[Section("xp", {"enabled": True, ...}, "XP and levels")],   # guild settings and defaults
        jobs={"weekly": "app.jobs.weekly:close_finished_weeks"},             # python -m app job weekly
        scan_consumers=["app.social.scan_consumer"],                          # gets the scan's messages
        tasks={"rank_card": "commands.rank:send_rank_card"},                  # deferred work, by name
        commands=["commands.rank"],                                           # slash command modules
        fallbacks=["commands.cc_run:run_custom_command"],  # asked, in order, for a command name none declared
    )

Jobs, tasks, consumers and commands are named as "module" or "module:attribute" strings, imported only when
asked for, so loading the settings sections stays cheap and no feature imports commands/ itself. The app
factory, the CLI, the Lambda job handlers, register_commands.py and deferred runs on Lambda all go through
here, so none of them depends on which module happened to be imported first.
"""
import importlib
import threading

from .guild_settings import Section

FEATURE_PACKAGES = ("app.moderation", "app.automod", "app.social", "app.ai", "app.custom", "app.backups",
                    "app.dashboard_data", "app.premium")


class DeclarationError(Exception):
    """Two features claim the same name, or a declaration names something that does not exist."""


class Feature:
    def __init__(self, name: str, *, sections=(), jobs=None, scan_consumers=(), tasks=None, commands=(),
                 fallbacks=()):
        self.name = name
        self.sections = list(sections)
        self.jobs = dict(jobs or {})
        self.scan_consumers = list(scan_consumers)
        self.tasks = dict(tasks or {})
        self.commands = list(commands)
        self.fallbacks = list(fallbacks)  # handler(ctx) -> Response | None, asked for a command no one declared
        for section in self.sections:
            if not isinstance(section, Section):
                raise DeclarationError(f"feature {name!r}: sections must be guild_settings.Section objects")

    def __repr__(self):
        return f"<Feature {self.name}>"


# The core: settings every feature reads, the message scan that automod and the scan consumers share,
# housekeeping, help and /config.
CORE = Feature(
    "core",
    sections=[Section("general", {"language": "en", "command_xp": False}, "General"),
              Section("modlog", {"channel_id": None, "dm_members": True}, "Mod log", kinds={"channel_id": "channel"})],
    jobs={"scan": "app.jobs.scan:scan", "prune": "app.jobs.maintenance:prune_interactions",
          "outbox": "app.jobs.outbox:deliver_outbox"},
    tasks={"resume": "app.interactions.handoff:resume",  # an interaction handed off at its answer deadline
           "settle": "app.interactions.handoff:settle"},  # one whose commit's answer was lost
    commands=["commands.help", "commands.config"],
)

_extra: list = []  # features registered at run time (tests, plug-ins), after the built-in ones
_lock = threading.RLock()
_resolved: dict = {}


def register(feature: Feature) -> Feature:
    """Add a feature that is not one of FEATURE_PACKAGES (a test's probe commands, say); idempotent by name."""
    with _lock:
        _extra[:] = [f for f in _extra if f.name != feature.name] + [feature]
        _resolved.clear()
    return feature


def unregister(name: str) -> None:
    with _lock:
        _extra[:] = [f for f in _extra if f.name != name]
        _resolved.clear()


def declared() -> list:
    """Every feature, core first; imports only the feature packages' __init__ modules."""
    found = [CORE] + [importlib.import_module(package).FEATURE for package in FEATURE_PACKAGES]
    with _lock:
        return found + [f for f in _extra if f.name not in {d.name for d in found}]


def _unique(kind: str, pairs) -> dict:
    """{name: (feature, value)}, refusing a name two features claim."""
    table = {}
    for feature, name, value in pairs:
        if name in table and table[name][0] is not feature:
            raise DeclarationError(f"{kind} {name!r} is declared by both {table[name][0].name} and {feature.name}")
        table[name] = (feature, value)
    return table


def sections() -> dict:
    """{section name: Section} of every feature, in declaration order."""
    with _lock:
        if "sections" not in _resolved:
            table = _unique("settings section", ((f, s.name, s) for f in declared() for s in f.sections))
            _resolved["sections"] = {name: section for name, (_, section) in table.items()}
        return _resolved["sections"]


def resolve(reference: str):
    """The object a "module:attribute" (or plain "module") string names."""
    module, _, attribute = reference.partition(":")
    target = importlib.import_module(module)
    for part in filter(None, attribute.split(".")):
        target = getattr(target, part)
    return target


def _resolved_table(kind: str, attribute: str) -> dict:
    with _lock:
        if kind not in _resolved:
            table = _unique(kind, ((f, name, ref) for f in declared() for name, ref in getattr(f, attribute).items()))
            _resolved[kind] = {name: (ref if callable(ref) else resolve(ref)) for name, (_, ref) in table.items()}
        return _resolved[kind]


def jobs() -> dict:
    """{job name: job(runtime) -> summary text}."""
    return _resolved_table("job", "jobs")


def tasks() -> dict:
    """{task name: task(ctx, **kwargs) -> Message}: the only functions deferred work may run."""
    return _resolved_table("deferred task", "tasks")


def is_task(name) -> bool:
    """Whether `name` is a registered task's name, checked without importing anything a caller named."""
    return isinstance(name, str) and name in tasks()


def task_name(function) -> str:
    """The registered name of a task function; DeclarationError when it was never registered."""
    for name, registered in tasks().items():
        if registered is function:
            return name
    raise DeclarationError(f"{getattr(function, '__qualname__', function)!r} is not a registered deferred task; "
                           "add it to its feature's tasks")


def scan_consumers() -> list:
    """The scan consumer modules of every feature, in feature order."""
    names = [ref for f in declared() for ref in f.scan_consumers]
    return [ref if not isinstance(ref, str) else resolve(ref) for ref in names]


def command_modules() -> list:
    """Every feature's slash command modules, imported, in feature order."""
    _unique("command module", ((f, ref if isinstance(ref, str) else ref.__name__, None)
                               for f in declared() for ref in f.commands))
    return [resolve(ref) if isinstance(ref, str) else ref for f in declared() for ref in f.commands]


def command_set():
    """The CommandSet the dispatcher and register_commands.py use."""
    from .interactions.registry import CommandSet
    found = CommandSet.from_modules(command_modules())
    found.fallbacks = [resolve(ref) if isinstance(ref, str) else ref for f in declared() for ref in f.fallbacks]
    return found


def load() -> list:
    """Import what a job or a deferred run needs of every feature: sections, deferred tasks, scan consumers
    (the CLI and the Lambda job and task entry points call this; jobs() and command_set() import the rest).
    The app factory does not: serving interactions resolves each of these the first time it is needed, so
    a cold start that answers a PING imports no feature (issue 9)."""
    sections(), tasks(), scan_consumers()
    return declared()
