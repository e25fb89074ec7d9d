"""/cc export and /cc import: a guild's custom commands as a JSON file, and that file read back."""
import json

from ..errors import UserError
from . import service


EXPORT_VERSION = 1


def export_json(conn, guild_id) -> bytes:
    commands = [{"name": row["name"], **{k: row[k] for k in service.FIELDS}} for row in service.listing(conn, guild_id)]
    for command in commands:
        for key in ("required_role_id", "allowed_channel_id"):
            command[key] = str(command[key]) if command[key] else None
    return json.dumps({"statussync_custom_commands": EXPORT_VERSION, "commands": commands}, indent=2).encode()


def read_export(data: bytes) -> list:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise UserError("That file isn't JSON; use a file made by `/cc export`.") from None
    if not isinstance(document, dict) or document.get("statussync_custom_commands") != EXPORT_VERSION \
            or not isinstance(document.get("commands"), list):
        raise UserError("That file wasn't made by `/cc export`.")
    return [c for c in document["commands"] if isinstance(c, dict)]


def import_commands(conn, discord, *, guild_id, commands, builtin_names, user_id, now) -> tuple[list, list]:
    """Add each exported command that fits: (names added, [(name, why not)]). An existing name is a conflict
    and is left as it is here; each command is checked exactly as `/cc add` checks it."""
    added, refused = [], []
    for command in commands[:service.DISCORD_GUILD_COMMANDS]:
        name = str(command.get("name") or "")[:32]
        fields = {k: command.get(k) for k in service.FIELDS}
        try:
            service.add(conn, discord, guild_id=guild_id, name=name, fields=fields, builtin_names=builtin_names,
                user_id=user_id, now=now)
        except UserError as exc:
            conn.rollback()
            refused.append((name or "(no name)", str(exc)))
        else:
            added.append(name)
    return added, refused
