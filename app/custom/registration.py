"""Custom commands on Discord: add, edit and remove, each following the journal pattern.

The row is written and committed (state 'pending', attempted_at) before Discord is asked, then completed with
Discord's command id; a refusal deletes it again; an answer that never came leaves it pending, for a retry of
the add or the `cc_sync` job (app/custom/reconcile.py) to finish from Discord's own list.
"""
from datetime import timedelta

from psycopg2.extras import Json

from .. import db
from ..discord.errors import DiscordError
from ..errors import UserError
from ..premium import tiers
from . import definitions, service

DISCORD_GUILD_COMMANDS = 100
DAILY_CREATES = 30034
MAX_COMMANDS = 30032
DAY = timedelta(hours=24)


def path(discord, guild_id, command_id=None) -> str:
    found = f"/applications/{discord.application_id}/guilds/{guild_id}/commands"
    return f"{found}/{command_id}" if command_id else found


def daily_limit_message(until=None) -> str:
    when = (f"again <t:{int(until.timestamp())}:R> (<t:{int(until.timestamp())}:f>)" if until
            else "again within 24 hours")
    return ("Discord allows each server 200 new commands a day (counted over 24 hours), and this server has used "
            f"them. Discord lets it create commands {when}; editing a command doesn't count.")


def explain_refusal(exc: DiscordError, now=None) -> str:
    """Discord's command limits, said with which one and when it resets."""
    if exc.code == DAILY_CREATES:
        return daily_limit_message(now + timedelta(seconds=exc.retry_after or DAY.total_seconds()) if now else None)
    if exc.code == MAX_COMMANDS:
        return (f"Discord allows {DISCORD_GUILD_COMMANDS} commands per server and this server has them all. "
                "Remove one with `/cc remove` first (it doesn't reset by itself).")
    return exc.explain()


def creates_blocked_until(conn, guild_id, now):
    row = db.one(conn, "custom.creates_blocked_until", {"guild_id": int(guild_id), "now": now})
    return row["creates_blocked_until"] if row else None


def note_refusal(conn, guild_id, exc: DiscordError, now) -> None:
    """A 30034 is remembered until Discord's reset, so nobody asks again before then (committed)."""
    if exc.code == DAILY_CREATES:
        until = now + timedelta(seconds=exc.retry_after or DAY.total_seconds())
        db.run(conn, "custom.block_creates", {"guild_id": int(guild_id), "until": until})
        conn.commit()


def stored(row) -> dict:
    """A row's fields as the SQL takes them."""
    return {**row, "options": Json(row["options"]), "embed": Json(row["embed"]) if row.get("embed") else None}


def complete(conn, guild_id, name, command_id, now) -> None:
    db.run(conn, "custom.complete_command", {"guild_id": int(guild_id), "name": name,
                                             "command_id": int(command_id), "now": now})
    conn.commit()


# ------------------------------------------------------------ create, change, remove

def _log(conn, guild_id, key, old, new, actor_id, source, now) -> None:
    """The change log (settings_changes, section "custom"): what a command answered before and after."""
    from ..guild_settings import log_change
    log_change(conn, guild_id, "custom", key, old, new, actor_id=actor_id, source=source, now=now)


def add(conn, discord, *, guild_id, name, fields, builtin_names, user_id, now, source="command") -> dict:
    name = definitions.check_name(name, builtin_names)
    row = {"guild_id": int(guild_id), "name": name, **service.checked_fields(fields, name)}
    used = db.one(conn, "custom.count_commands", {"guild_id": int(guild_id)})["n"]
    allowed = tiers.limit(conn, guild_id, now, "custom_commands")
    if used >= allowed:
        raise UserError(f"This server has {used} of its {allowed} custom commands; remove one, "
                        "or upgrade with `/premium` for more.")
    blocked = creates_blocked_until(conn, guild_id, now)
    if blocked:
        raise UserError(daily_limit_message(blocked))
    journal = {**stored(row), "created_by": int(user_id), "now": now, "attempted_at": now, "import_id": None}
    if db.one(conn, "custom.open_command", journal) is None:
        if db.one(conn, "custom.get_command", row)["state"] != "pending":
            raise UserError(f"`/{name}` already exists here; change it with `/cc edit`.")
        # An earlier add whose answer from Discord never came: Discord's create is an upsert by name, so ask again.
        db.run(conn, "custom.update_command", journal)
    conn.commit()  # the journal row stands before Discord is asked
    try:
        created = discord.post(path(discord, guild_id), definitions.registration_json(row))
    except DiscordError as exc:
        if not exc.maybe_done:
            db.run(conn, "custom.delete_command", {"guild_id": int(guild_id), "name": name})
            conn.commit()
            note_refusal(conn, guild_id, exc, now)
        raise UserError(explain_refusal(exc, now)) from None
    _log(conn, guild_id, f"/{name}", None, {k: row[k] for k in ("template", "description")}, user_id, source, now)
    complete(conn, guild_id, name, created["id"], now)
    return {**row, "command_id": int(created["id"])}


def edit(conn, discord, *, guild_id, name, changes, clear=(), now, actor_id=None, source="command") -> dict:
    """Apply `changes` (None: unchanged) and reset what `clear` names (service.CLEARABLE); Discord is asked
    only when what it shows (description, options) changed."""
    current = service.get(conn, guild_id, name)
    merged = {**{k: current[k] for k in service.FIELDS}, **{k: v for k, v in changes.items() if v is not None}}
    for what in clear:
        field, default = service.CLEARABLE[what]
        if changes.get(field) is not None:
            raise UserError(f"You asked to both set and clear `{what}`; do one.")
        merged[field] = default
    row = {"guild_id": int(guild_id), "name": current["name"], **service.checked_fields(merged, current["name"])}
    shown = definitions.registration_json(row)
    if current["command_id"] and current["state"] == "registered" and shown != definitions.registration_json(current):
        conn.commit()  # no transaction held while Discord is asked
        try:
            discord.patch(path(discord, guild_id, current["command_id"]), shown)
        except DiscordError as exc:
            raise UserError(explain_refusal(exc, now)) from None
    db.run(conn, "custom.update_command", {**stored(row), "now": now})
    for key in service.FIELDS:
        if current[key] != row[key]:  # ids as text: a snowflake is past what a JSON number keeps exactly
            old, new = ((str(v) if v is not None else None) if key.endswith("_id") else v for v in (current[key], row[key]))
            _log(conn, guild_id, f"/{row['name']}.{key}", old, new, actor_id, source, now)
    return row


def remove(conn, discord, *, guild_id, name, now, actor_id=None, source="command") -> None:
    current = service.get(conn, guild_id, name)
    db.run(conn, "custom.mark_removing", {"guild_id": int(guild_id), "name": current["name"], "now": now})
    conn.commit()
    command_id = current["command_id"] or registered_id(discord, guild_id, current["name"])
    if command_id:
        try:
            discord.delete(path(discord, guild_id, command_id))
        except DiscordError as exc:
            if exc.status != 404:  # already gone on Discord: just forget it here
                raise UserError(explain_refusal(exc, now)) from None
    db.run(conn, "custom.delete_command", {"guild_id": int(guild_id), "name": current["name"]})
    _log(conn, guild_id, f"/{current['name']}", {k: current[k] for k in ("template", "description")}, None,
         actor_id, source, now)
    conn.commit()


def registered_id(discord, guild_id, name):
    """Discord's id for a command whose creation was never confirmed (its answer didn't come)."""
    try:
        found = [c for c in discord.get(path(discord, guild_id)) or [] if c.get("name") == name]
    except DiscordError as exc:
        raise UserError(explain_refusal(exc)) from None
    return found[0]["id"] if found else None
