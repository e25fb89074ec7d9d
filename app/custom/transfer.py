"""/cc export and /cc import: a guild's custom commands as a JSON file, and that file read back and staged.

Staging writes every command that fits as a queued row (state 'pending', never asked) in one transaction,
so nothing is lost when Discord or the time runs out; app/custom/pending.py then registers them, paced.
"""
import json

from psycopg2.extras import Json

from .. import db
from ..errors import UserError
from ..premium import tiers
from . import definitions, service

EXPORT_VERSION = 1
MAX_IMPORT = 100  # Discord's guild command limit: no file can usefully hold more


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


def stage(conn, *, guild_id, commands, builtin_names, user_id, import_id, now) -> tuple[list, list]:
    """(names queued, [(name, why not)]): each command checked exactly as `/cc add` checks it; a name that
    exists here is a conflict left as it is (unless this same import queued it: a redelivery); committed."""
    existing = {row["name"]: row for row in service.listing(conn, guild_id)}
    used, allowed = len(existing), tiers.limit(conn, guild_id, now, "custom_commands")
    staged, refused = [], []
    for command in commands[:MAX_IMPORT]:
        name = str(command.get("name") or "")[:32]
        try:
            name = definitions.check_name(name, builtin_names)
            fields = service.checked_fields({k: command.get(k) for k in service.FIELDS}, name)
        except UserError as exc:
            refused.append((name or "(no name)", str(exc)))
            continue
        if name in staged:
            refused.append((name, "it appears twice in the file; the first one was kept."))
        elif name in existing:
            if existing[name]["import_id"] == int(import_id):
                staged.append(name)
            else:
                refused.append((name, f"`/{name}` already exists here; change it with `/cc edit`."))
        elif used >= allowed:
            refused.append((name, f"this server has reached its {allowed} custom commands; upgrade with "
                                  "`/premium` for more."))
        else:
            row = {"guild_id": int(guild_id), "name": name, **fields}
            db.run(conn, "custom.open_command", {**row, "options": Json(row["options"]),
                                                 "embed": Json(row["embed"]) if row["embed"] else None,
                                                 "created_by": int(user_id), "now": now, "attempted_at": None,
                                                 "import_id": int(import_id)})
            used += 1
            staged.append(name)
    if len(commands) > MAX_IMPORT:
        refused.append((f"{len(commands) - MAX_IMPORT} more", f"a file holds at most {MAX_IMPORT} commands."))
    conn.commit()
    return staged, refused
