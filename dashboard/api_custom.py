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


def runtime_guild() -> str:
    from flask import g
    return g.guild.guild_id


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
    from app.dashboard_data import ownership
    ownership.check(runtime().discord, runtime_guild(), body, runtime().clock())
    return {key: body[key] for key in FIELD_TYPES if key in body}


OPTION_KEYS = {"name": (str,), "type": (int,), "description": (str,), "required": (bool,), "choices": (list,)}
CHOICE_VALUE = {3: (str,), 4: (int,), 10: (int, float)}


def _check_option_shapes(options) -> None:
    """The stored shape, {name, type, description, required, choices: [{name, value}]}, type-checked here;
    the custom service checks the rest as it does for /cc."""
    from app.custom.definitions import TYPE_NAMES
    if not isinstance(options, list):
        raise inputs.BadInput("options must be a list of {name, type, description, required} objects.")
    for option in options:
        if not isinstance(option, dict) or set(option) - set(OPTION_KEYS) or any(
                key in option and (not isinstance(option[key], types) or (bool not in types and isinstance(option[key], bool)))
                for key, types in OPTION_KEYS.items()) or option.get("type") not in TYPE_NAMES:
            raise inputs.BadInput("Each option is {name, type (a Discord option type), description, required, choices}.")
        choices = option.get("choices")
        if choices is not None:
            values = CHOICE_VALUE.get(option["type"])
            if values is None or not 1 <= len(choices) <= 25 or any(
                    not isinstance(c, dict) or set(c) != {"name", "value"} or not isinstance(c["name"], str)
                    or not 1 <= len(c["name"]) <= 100 or isinstance(c["value"], bool) or not isinstance(c["value"], values)
                    for c in choices):
                raise inputs.BadInput(f"Option {str(option.get('name'))[:32]!r}: 1-25 choices {{name, value}}, "
                                      "for string, integer or number options only.")


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
    from app.custom import registration, service
    body = inputs.json_object(allowed=("name", *FIELD_TYPES))
    name = body.get("name")
    if not isinstance(name, str) or not isinstance(body.get("template"), str):
        raise inputs.BadInput("name and template are required (texts).")
    rt = runtime()
    row = registration.add(conn, rt.discord, guild_id=guild.guild_id, name=name, fields=_fields(body),
                           builtin_names=set(rt.commands.commands), user_id=guild.user_id, now=rt.clock(),
                           source="dashboard")
    return jsonify(command=_shown(service.get(conn, guild.guild_id, row["name"]))), 201


@bp.post("/<name>")
@guild_access(write=True)
def edit(guild, conn, name):
    from app.custom import registration, service
    body = inputs.json_object(allowed=FIELD_TYPES)
    rt = runtime()
    row = registration.edit(conn, rt.discord, guild_id=guild.guild_id, name=_known_name(name), changes=_fields(body),
                            now=rt.clock(), actor_id=guild.user_id, source="dashboard")
    return jsonify(command=_shown(service.get(conn, guild.guild_id, row["name"])))


@bp.delete("/<name>")
@guild_access(write=True)
def remove(guild, conn, name):
    from app.custom import registration
    registration.remove(conn, runtime().discord, guild_id=guild.guild_id, name=_known_name(name),
                        now=runtime().clock(), actor_id=guild.user_id, source="dashboard")
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
    content, _ = service.try_render(template, None, definitions.check_options(options))
    return jsonify(rendered=content or "")
