"""Per-guild settings in sections. Each feature declares its sections in its FEATURE (app/features.py):

    Section("modlog", {"channel_id": None, "dm_members": True}, "Mod log", kinds={"channel_id": "channel"})

Every section of every feature exists whichever module was imported first: `sections()` asks the registry.
Stored values are merged over the defaults, so a new setting needs no migration.
"""
import json

from . import db
from .errors import UserError

class Section:
    def __init__(self, name, defaults, title, kinds=None, validate=None):
        self.name, self.defaults, self.title = name, dict(defaults), title
        # kind of each key where the default doesn't tell: "channel", "role", "roles", "int", "bool", "text"
        self.kinds = dict(kinds or {})
        self.validate = validate  # validate(values) raising UserError, or its "module:function" name

    def kind(self, key) -> str:
        if key in self.kinds:
            return self.kinds[key]
        default = self.defaults.get(key)
        if isinstance(default, bool):
            return "bool"
        if isinstance(default, int):
            return "int"
        if isinstance(default, list):
            return "list"
        return "text"


def sections() -> dict:
    """{name: Section} of every feature's settings, in declaration order."""
    from . import features
    return features.sections()


def _merged(stored: dict) -> dict:
    return {name: {**section.defaults, **(stored.get(name) or {})} for name, section in sections().items()}


def load(conn, guild_id) -> dict:
    """Every section of a guild's settings, defaults filled in."""
    row = db.one(conn, "settings.get", {"guild_id": int(guild_id)})
    return _merged(row["settings"] if row else {})


def load_section(conn, guild_id, name: str) -> dict:
    return load(conn, guild_id)[name]


def _coerce(section: Section, key, value):
    kind = section.kind(key)
    if value is None:
        return None
    if kind == "bool":
        if isinstance(value, bool):
            return value
        raise UserError(f"{key} must be true or false.")
    if kind in ("int", "channel", "role"):
        if isinstance(value, bool):
            raise UserError(f"{key} must be a number.")
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise UserError(f"{key} must be {'an id' if kind != 'int' else 'a whole number'}.") from None
        return str(number) if kind != "int" else number
    if kind in ("list", "roles"):
        if not isinstance(value, list) or len(value) > 1000:
            raise UserError(f"{key} must be a list (at most 1000 items).")
        return value
    if not isinstance(value, str) or len(value) > 2000:
        raise UserError(f"{key} must be text of at most 2000 characters.")
    return value


def update(conn, guild_id, name: str, values: dict, now, *, actor_id=None, source: str = "command") -> dict:
    """Change some keys of one section; unknown sections or keys are a UserError. Returns the section.

    Each key whose value changed is written to the change log (settings_changes) in the same transaction,
    with who changed it and from where (`source`: "command" for /config and the like, "dashboard")."""
    section = sections().get(name)
    if section is None:
        raise UserError(f"There is no settings section called {name!r}.")
    unknown = sorted(set(values) - set(section.defaults))
    if unknown:
        raise UserError(f"Unknown setting(s) in {name}: {', '.join(map(str, unknown))}.")
    clean = {key: _coerce(section, key, value) for key, value in values.items()}
    if section.validate:
        validate = section.validate
        if isinstance(validate, str):  # "module:function", imported when a value is first checked
            from .features import resolve
            validate = resolve(validate)
        validate(clean)
    locked = db.one(conn, "settings.lock", {"guild_id": int(guild_id)})  # two changes at once log in order
    before = _merged(locked["settings"] if locked else {})[name]
    row = db.one(conn, "settings.merge_section",
                 {"guild_id": int(guild_id), "section": name, "values": json.dumps(clean), "now": now})
    after = _merged(row["settings"])[name]
    for key in clean:
        if before.get(key) != after.get(key):
            log_change(conn, guild_id, name, key, before.get(key), after.get(key), actor_id=actor_id, source=source,
                       now=now)
    return after


def log_change(conn, guild_id, section: str, key: str, old, new, *, actor_id=None, source="command", now) -> None:
    """One row of the change log (settings_changes): the settings sections, automod rules and dashboard
    access all write theirs through here, in the transaction of the change."""
    db.run(conn, "settings.log_change", {
        "guild_id": int(guild_id), "section": section, "key": key, "old_value": json.dumps(old),
        "new_value": json.dumps(new), "actor_id": int(actor_id) if actor_id else None, "source": source, "now": now})
