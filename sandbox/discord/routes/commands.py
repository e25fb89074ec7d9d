"""Application commands, global and per guild."""
import re
import time

from sandbox.discord.errors import DiscordError, invalid_form, json_object


COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
GUILD_COMMAND_LIMIT = 100  # chat-input commands per guild (and globally): error 30032 past it
DAY_S = 24 * 3600


def _count_creation(fake, scope):
    """Discord's 200 command creations a day per guild (error 30034, a 429 with retry_after until the
    oldest of the day's creations is 24 h old); `fake.daily_command_creates` lowers it for a test."""
    limit = fake.daily_command_creates
    now = time.time()
    with fake._lock:
        made = [t for t in fake._command_creations.get(scope, []) if t > now - DAY_S]
        if len(made) >= limit:
            raise DiscordError(429, "Max number of daily application command creates has been reached (200)", 30034,
                               extra={"retry_after": round(made[0] + DAY_S - now, 3), "global": False})
        fake._command_creations[scope] = made + [now]


def _command_scope(fake, app, guild):
    if app != fake.application_id:
        raise DiscordError(403, "Missing Access", 50001)
    return guild


def _build_command(fake, item, guild, previous=None):
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise invalid_form("name", "This field is required")
    kind = item.get("type") or 1
    if kind == 1 and (not COMMAND_NAME.match(item["name"]) or item["name"] != item["name"].lower()):
        raise invalid_form("name", "Command name is invalid")
    if kind == 1 and not 1 <= len(item.get("description") or "") <= 100:
        raise invalid_form("description", "Must be between 1 and 100 in length.")
    permissions = item.get("default_member_permissions")
    command = {"id": previous["id"] if previous else fake.next_snowflake(),
               "application_id": fake.application_id, "version": fake.next_snowflake(), "type": kind,
               "name": item["name"], "description": item.get("description") or "",
               "default_member_permissions": None if permissions is None else str(permissions),
               "dm_permission": item.get("dm_permission", True) is not False,
               "contexts": item.get("contexts"), "integration_types": item.get("integration_types") or [0],
               "nsfw": bool(item.get("nsfw"))}
    for key in ("options", "name_localizations", "description_localizations"):
        if item.get(key) is not None:
            command[key] = item[key]
    if guild is not None:
        command["guild_id"] = guild
    return command


def list_commands(fake, request, app, guild=None):
    return 200, fake._commands.get(_command_scope(fake, app, guild), [])


def overwrite_commands(fake, request, app, guild=None):
    scope = _command_scope(fake, app, guild)
    if not isinstance(request.json, list):
        raise invalid_form("_root", "Must be an array.")
    previous = {(c["name"], c["type"]): c for c in fake._commands.get(scope, [])}
    commands, seen = [], set()
    for item in request.json:
        command = _build_command(fake, item, scope, previous.get((item.get("name"), item.get("type") or 1)))
        if (command["name"], command["type"]) in seen:
            raise invalid_form("_root", "Application command names must be unique")
        seen.add((command["name"], command["type"]))
        commands.append(command)
    fake._commands[scope] = commands
    return 200, commands


def create_command(fake, request, app, guild=None):
    scope = _command_scope(fake, app, guild)
    item = json_object(request)
    stored = fake._commands.setdefault(scope, [])
    for index, existing in enumerate(stored):
        if (existing["name"], existing["type"]) == (item.get("name"), item.get("type") or 1):
            stored[index] = _build_command(fake, item, scope, existing)
            return 200, stored[index]
    command = _build_command(fake, item, scope)
    if sum(1 for c in stored if c["type"] == command["type"]) >= GUILD_COMMAND_LIMIT:
        raise DiscordError(400, "Maximum number of application commands reached (100)", 30032)
    _count_creation(fake, scope)
    stored.append(command)
    return 201, stored[-1]


def _find_command(fake, scope, command_id):
    for index, command in enumerate(fake._commands.get(scope, [])):
        if command["id"] == command_id:
            return index
    raise DiscordError(404, "Unknown application command", 10063)


def get_command(fake, request, app, command_id, guild=None):
    scope = _command_scope(fake, app, guild)
    return 200, fake._commands[scope][_find_command(fake, scope, command_id)]


def edit_command(fake, request, app, command_id, guild=None):
    scope = _command_scope(fake, app, guild)
    index = _find_command(fake, scope, command_id)
    current = fake._commands[scope][index]
    fake._commands[scope][index] = _build_command(fake, {**current, **json_object(request)}, scope, current)
    return 200, fake._commands[scope][index]


def delete_command(fake, request, app, command_id, guild=None):
    scope = _command_scope(fake, app, guild)
    del fake._commands[scope][_find_command(fake, scope, command_id)]
    return 204, None
