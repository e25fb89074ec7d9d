"""Custom commands: stored per guild, registered on Discord as guild commands, rendered on use.

Registration follows the journal pattern: the row is written and committed (state 'pending') before
Discord is asked, then completed with Discord's command id; a refusal deletes it again.
"""
import random
from datetime import datetime, timedelta, timezone

from psycopg2.extras import Json

from .. import db
from ..discord.errors import DiscordError
from ..errors import UserError
from ..premium import tiers
from . import definitions, templates

DISCORD_GUILD_COMMANDS = 100
FIELDS = ("description", "template", "options", "ephemeral", "mention_users", "cooldown_seconds", "required_role_id",
          "allowed_channel_id")


def _path(discord, guild_id, command_id=None) -> str:
    path = f"/applications/{discord.application_id}/guilds/{guild_id}/commands"
    return f"{path}/{command_id}" if command_id else path


def explain_refusal(exc: DiscordError) -> str:
    """Discord's command limits, said with which one and when it resets."""
    if exc.code == 30034:
        return ("Discord allows each server 200 new commands a day, and this server has used them. Discord "
                "resets that count within 24 hours of the first of today's creations; try again tomorrow.")
    if exc.code == 30032:
        return (f"Discord allows {DISCORD_GUILD_COMMANDS} commands per server and this server has them all. "
                "Remove one with `/cc remove` first (it doesn't reset by itself).")
    return exc.explain()


def checked_fields(fields: dict, name: str) -> dict:
    """The stored shape of a command's fields; UserError for anything the author must change."""
    options = definitions.check_options(fields.get("options") or [])
    template = fields.get("template") or ""
    try_render(template, options)
    cooldown = int(fields.get("cooldown_seconds") or 0)
    if not 0 <= cooldown <= 7 * 24 * 3600:
        raise UserError("The cooldown is 0 to 604800 seconds (a week).")
    return {"description": definitions.check_description(fields.get("description"), name), "template": template,
            "options": options, "ephemeral": bool(fields.get("ephemeral")),
            "mention_users": bool(fields.get("mention_users")), "cooldown_seconds": cooldown,
            "required_role_id": _snowflake(fields.get("required_role_id")),
            "allowed_channel_id": _snowflake(fields.get("allowed_channel_id"))}


def _snowflake(value):
    return int(value) if value not in (None, "") and str(value).isdigit() else None


def try_render(template: str, options: list) -> str:
    """Render with sample values at save time, so a template that can't work is refused then."""
    try:
        return templates.render(template, sample_context(options))
    except templates.TemplateError as exc:
        raise UserError(f"That template can't be used: {exc}.") from None


def sample_context(options) -> dict:
    samples = {3: "text", 4: 3, 10: 2.5, 5: True,
               6: {"id": "1", "name": "member", "mention": "<@1>"},
               7: {"id": "2", "name": "channel", "mention": "<#2>"},
               8: {"id": "3", "name": "role", "mention": "<@&3>"}}
    return template_context(invoker={"id": "1", "name": "you", "mention": "<@1>"}, guild_id="1",
                            channel={"id": "2", "name": "channel", "mention": "<#2>"},
                            args={o["name"]: samples[o["type"]] for o in options},
                            now=datetime(2024, 1, 1, tzinfo=timezone.utc), rng=random.Random(0))


def template_context(*, invoker, guild_id, channel, args, now, rng) -> dict:
    """What a template sees. Only plain values: no object whose methods reach the app."""
    def random_number(low=0, high=100):
        return rng.randint(int(low), int(high))

    def choice(*items):
        items = items[0] if len(items) == 1 and isinstance(items[0], (list, tuple)) else items
        return rng.choice(list(items)) if items else ""
    return {"user": invoker, "invoker": invoker, "server": {"id": str(guild_id)}, "channel": channel,
            "args": args, "options": args, "random": random_number, "choice": choice,
            "now": now.isoformat(), "timestamp": int(now.timestamp())}


# ------------------------------------------------------------ create, change, remove

def _log(conn, guild_id, key, old, new, actor_id, source, now) -> None:
    """The change log (settings_changes, section "custom"): what a command answered before and after."""
    from ..guild_settings import log_change
    log_change(conn, guild_id, "custom", key, old, new, actor_id=actor_id, source=source, now=now)


def add(conn, discord, *, guild_id, name, fields, builtin_names, user_id, now, source="command") -> dict:
    name = definitions.check_name(name, builtin_names)
    row = {"guild_id": int(guild_id), "name": name, **checked_fields(fields, name)}
    used = db.one(conn, "custom.count_commands", {"guild_id": int(guild_id)})["n"]
    allowed = tiers.limit(conn, guild_id, now, "custom_commands")
    if used >= allowed:
        raise UserError(f"This server has {used} of its {allowed} custom commands; remove one, "
                        "or upgrade with `/premium` for more.")
    if db.one(conn, "custom.open_command", {**row, "options": Json(row["options"]), "created_by": int(user_id),
                                            "now": now}) is None:
        if db.one(conn, "custom.get_command", row)["state"] != "pending":
            raise UserError(f"`/{name}` already exists here; change it with `/cc edit`.")
        # An earlier add whose answer from Discord never came: Discord's create is an upsert by name, so ask again.
        db.run(conn, "custom.update_command", {**row, "options": Json(row["options"]), "now": now})
    conn.commit()  # the journal row stands before Discord is asked
    try:
        created = discord.post(_path(discord, guild_id), definitions.registration_json(row))
    except DiscordError as exc:
        if not exc.maybe_done:
            db.run(conn, "custom.delete_command", {"guild_id": int(guild_id), "name": name})
            conn.commit()
        raise UserError(explain_refusal(exc)) from None
    db.run(conn, "custom.complete_command", {"guild_id": int(guild_id), "name": name,
                                             "command_id": int(created["id"]), "now": now})
    _log(conn, guild_id, f"/{name}", None, {k: row[k] for k in ("template", "description")}, user_id, source, now)
    conn.commit()
    return {**row, "command_id": int(created["id"])}


def edit(conn, discord, *, guild_id, name, changes, now, actor_id=None, source="command") -> dict:
    current = get(conn, guild_id, name)
    merged = {**{k: current[k] for k in FIELDS}, **{k: v for k, v in changes.items() if v is not None}}
    row = {"guild_id": int(guild_id), "name": current["name"], **checked_fields(merged, current["name"])}
    if current["command_id"]:
        try:
            discord.patch(_path(discord, guild_id, current["command_id"]), definitions.registration_json(row))
        except DiscordError as exc:
            raise UserError(explain_refusal(exc)) from None
    db.run(conn, "custom.update_command", {**row, "options": Json(row["options"]), "now": now})
    for key in FIELDS:
        if current[key] != row[key]:  # ids as text: a snowflake is past what a JSON number keeps exactly
            old, new = ((str(v) if v is not None else None) if key.endswith("_id") else v for v in (current[key], row[key]))
            _log(conn, guild_id, f"/{row['name']}.{key}", old, new, actor_id, source, now)
    return row


def remove(conn, discord, *, guild_id, name, now, actor_id=None, source="command") -> None:
    current = get(conn, guild_id, name)
    db.run(conn, "custom.mark_removing", {"guild_id": int(guild_id), "name": current["name"], "now": now})
    conn.commit()
    command_id = current["command_id"] or _registered_id(discord, guild_id, current["name"])
    if command_id:
        try:
            discord.delete(_path(discord, guild_id, command_id))
        except DiscordError as exc:
            if exc.status != 404:  # already gone on Discord: just forget it here
                raise UserError(explain_refusal(exc)) from None
    db.run(conn, "custom.delete_command", {"guild_id": int(guild_id), "name": current["name"]})
    _log(conn, guild_id, f"/{current['name']}", {k: current[k] for k in ("template", "description")}, None,
         actor_id, source, now)
    conn.commit()


def _registered_id(discord, guild_id, name):
    """Discord's id for a command whose creation was never confirmed (its answer didn't come)."""
    try:
        found = [c for c in discord.get(_path(discord, guild_id)) or [] if c.get("name") == name]
    except DiscordError as exc:
        raise UserError(explain_refusal(exc)) from None
    return found[0]["id"] if found else None


def get(conn, guild_id, name) -> dict:
    row = db.one(conn, "custom.get_command", {"guild_id": int(guild_id), "name": (name or "").strip().lower()})
    if row is None:
        raise UserError(f"There is no custom command `/{(name or '')[:32]}` here; `/cc list` shows them.")
    return row


def listing(conn, guild_id) -> list:
    return db.all_rows(conn, "custom.list_commands", {"guild_id": int(guild_id)})


def find_invoked(conn, guild_id, command_id, name):
    """The registered custom command an interaction names, or None (no guild, a name no command can have)."""
    if guild_id is None or not isinstance(name, str) or not definitions.NAME_RE.match(name):
        return None
    return db.one(conn, "custom.find_invoked", {"guild_id": int(guild_id), "name": name,
                                                "command_id": int(command_id) if str(command_id).isdigit() else None})


def allowed_mentions(row) -> dict:
    """Nobody is pinged, unless the command allows user mentions; roles, @everyone and @here never."""
    return {"parse": ["users"] if row.get("mention_users") else []}


def take_cooldown(conn, row, user_id, now) -> None:
    """Start the member's cooldown for this command; UserError while one is running."""
    if not row["cooldown_seconds"]:
        return
    key = {"guild_id": row["guild_id"], "name": row["name"], "user_id": int(user_id), "now": now,
           "available_at": now + timedelta(seconds=row["cooldown_seconds"])}
    if db.one(conn, "custom.claim_cooldown", key) is None:
        until = db.one(conn, "custom.cooldown_until", key)["available_at"]
        raise UserError(f"`/{row['name']}` is cooling down for you: try again <t:{int(until.timestamp())}:R>.")
