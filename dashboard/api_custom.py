"""/dashboard/api/custom: custom commands listed, created, changed and removed through app/custom's
service (registered on Discord as /cc does), and a render preview through the same sandbox."""
from flask import Blueprint, jsonify

from dashboard import inputs
from dashboard.access import guild_access, runtime

bp = Blueprint("dashboard_api_custom", __name__, url_prefix="/dashboard/api/custom")
FIELD_TYPES = {"description": (str, type(None)), "template": (str,), "options": (list,), "ephemeral": (bool,),
               "mention_users": (bool,), "cooldown_seconds": (int,), "required_role_id": (str, type(None)),
               "allowed_channel_id": (str, type(None))}


def _shown(row) -> dict:
    return {"name": row["name"], "description": row.get("description"), "template": row.get("template"),
            "options": row.get("options") or [], "ephemeral": bool(row.get("ephemeral")),
            "mention_users": bool(row.get("mention_users")), "cooldown_seconds": row.get("cooldown_seconds") or 0,
            "required_role_id": str(row["required_role_id"]) if row.get("required_role_id") else None,
            "allowed_channel_id": str(row["allowed_channel_id"]) if row.get("allowed_channel_id") else None,
            "registered": bool(row.get("command_id")), "state": row.get("state")}


def _fields(body: dict) -> dict:
    for key, types in FIELD_TYPES.items():
        if key in body and (not isinstance(body[key], types) or (bool not in types and isinstance(body[key], bool))):
            raise inputs.BadInput(f"{key} has the wrong type.")
    if len(body.get("template") or "") > 4000:
        raise inputs.BadInput("template is at most 4000 characters.")
    for key in ("required_role_id", "allowed_channel_id"):
        if body.get(key):
            inputs.snowflake(body[key], key)
    _check_option_shapes(body.get("options", []))
    return {key: body[key] for key in FIELD_TYPES if key in body}


def _check_option_shapes(options) -> None:
    """The stored shape ({name, type, description, required, choices}); the service checks the rest."""
    if not isinstance(options, list) or any(not isinstance(o, dict) or not isinstance(o.get("type"), (int, str))
                                            or isinstance(o.get("type"), bool) for o in options):
        raise inputs.BadInput("options must be a list of {name, type, description, required} objects.")


def _known_name(name: str) -> str:
    from app.custom import definitions
    if not definitions.NAME_RE.match(name):
        raise inputs.BadInput("A custom command's name is lowercase letters, digits, - or _ (at most 32).")
    return name


@bp.get("")
@guild_access(write=False)
def listing(guild, conn):
    from app.custom import service
    return jsonify(commands=[_shown(row) for row in service.listing(conn, guild.guild_id)])


@bp.post("")
@guild_access(write=True)
def create(guild, conn):
    from app.custom import service
    body = inputs.json_object(allowed=("name", *FIELD_TYPES))
    name = body.get("name")
    if not isinstance(name, str) or not isinstance(body.get("template"), str):
        raise inputs.BadInput("name and template are required (texts).")
    rt = runtime()
    row = service.add(conn, rt.discord, guild_id=guild.guild_id, name=name, fields=_fields(body),
                      builtin_names=set(rt.commands.commands), user_id=guild.user_id, now=rt.clock())
    return jsonify(command=_shown(service.get(conn, guild.guild_id, row["name"]))), 201


@bp.post("/<name>")
@guild_access(write=True)
def edit(guild, conn, name):
    from app.custom import service
    body = inputs.json_object(allowed=FIELD_TYPES)
    rt = runtime()
    row = service.edit(conn, rt.discord, guild_id=guild.guild_id, name=_known_name(name), changes=_fields(body), now=rt.clock())
    return jsonify(command=_shown(service.get(conn, guild.guild_id, row["name"])))


@bp.delete("/<name>")
@guild_access(write=True)
def remove(guild, conn, name):
    from app.custom import service
    service.remove(conn, runtime().discord, guild_id=guild.guild_id, name=_known_name(name), now=runtime().clock())
    return jsonify(removed=name)


@bp.post("/preview")
@guild_access(write=False)
def preview(guild, conn):
    from app.custom import definitions, service
    body = inputs.json_object(allowed=("template", "options"))
    template, options = body.get("template"), body.get("options", [])
    if not isinstance(template, str) or len(template) > 4000 or not isinstance(options, list):
        raise inputs.BadInput("template (at most 4000 characters) and options (a list) are expected.")
    _check_option_shapes(options)
    return jsonify(rendered=service.try_render(template, definitions.check_options(options)))
