"""Finishing a guild's unfinished custom commands from Discord's own list of its guild commands.

A row is unfinished when Discord's answer never came (an add that timed out, a crash), when an import queued
it, or when its removal was cut short. One GET of the guild's commands says what Discord has: a command it
already has is adopted (never created again), a missing one is created, a removal is finished. Creation stops
at Discord's limits (100 per guild, 200 a day: error 30034, remembered until it resets) and at the deadline;
what is left stays pending for the next run of the `cc_sync` job. Used by /cc import and by that job.
"""
from dataclasses import dataclass, field
from datetime import timedelta

from .. import db, deadlines
from ..discord.errors import DiscordError
from . import definitions, registration as reg

GRACE = timedelta(minutes=2)  # a row asked about more recently may still have its answer coming


@dataclass
class Outcome:
    registered: list = field(default_factory=list)
    adopted: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (name, why)
    left: list = field(default_factory=list)
    stopped: str | None = None  # why creating stopped (a Discord limit, the time), for the person who asked
    full: bool = False  # Discord's 100 commands: nothing more is created until commands are removed

    @property
    def done(self) -> list:
        return self.registered + self.adopted


def _shown(command) -> tuple:
    """What Discord shows of a command, comparable between our JSON and Discord's answer."""
    def option(o):
        return (o.get("type"), o.get("name"), o.get("description"), bool(o.get("required", False)),
                tuple((c.get("name"), c.get("value")) for c in o.get("choices") or []), bool(o.get("autocomplete")))
    return command.get("description"), tuple(option(o) for o in command.get("options") or [])


def finish_guild(conn, discord, guild_id, now, *, names=None, fresh_before=None, progress=None) -> Outcome:
    """Finish the guild's unfinished rows (only `names`, when given); rows queued after `fresh_before` or asked
    about within GRACE are someone else's for now. `progress(outcome)` is called after each row."""
    outcome = Outcome()
    rows = [r for r in db.all_rows(conn, "custom.unfinished_commands", {"guild_id": int(guild_id)})
            if names is None or r["name"] in names]
    conn.commit()
    if not rows:
        return outcome
    try:
        listed = {c["name"]: c for c in discord.get(reg.path(discord, guild_id)) or [] if c.get("type", 1) == 1}
    except (DiscordError, deadlines.DeadlineExceeded) as exc:
        outcome.left = [r["name"] for r in rows]
        outcome.stopped = reg.explain_refusal(exc, now) if isinstance(exc, DiscordError) else None
        return outcome
    count, stale_before = len(listed), now - GRACE
    key = {"guild_id": int(guild_id), "now": now, "fresh_before": fresh_before or stale_before,
           "stale_before": stale_before}
    for row in rows:
        try:
            count += _finish_row(conn, discord, row, listed.get(row["name"]), count, key, outcome)
        except deadlines.DeadlineExceeded:
            conn.rollback()
            outcome.left.append(row["name"])
            outcome.stopped = outcome.stopped or "time"
        if progress:
            progress(outcome)
    return outcome


def _finish_row(conn, discord, row, on_discord, count, key, outcome) -> int:
    """One row: adopted, created, removed, refused or left (noted in `outcome`); 1 when Discord gained one."""
    name, guild_id, now = row["name"], key["guild_id"], key["now"]
    if row["state"] == "removing":
        if row["updated_at"] > key["stale_before"]:
            outcome.left.append(name)  # a /cc remove still on its way
            return 0
        if on_discord:
            try:
                discord.delete(reg.path(discord, guild_id, on_discord["id"]))
            except DiscordError as exc:
                if exc.status != 404:
                    outcome.left.append(name)
                    return 0
        db.run(conn, "custom.delete_command", {"guild_id": guild_id, "name": name})
        conn.commit()
        outcome.removed.append(name)
        return -1 if on_discord else 0
    if on_discord is None and outcome.stopped:
        outcome.left.append(name)
        return 0
    if on_discord is None and count >= reg.DISCORD_GUILD_COMMANDS:
        outcome.stopped, outcome.full = reg.explain_refusal(DiscordError(400, reg.MAX_COMMANDS)), True
        outcome.left.append(name)
        return 0
    blocked = None if on_discord else reg.creates_blocked_until(conn, guild_id, now)
    if blocked:
        outcome.stopped = reg.daily_limit_message(blocked)
        outcome.left.append(name)
        return 0
    claimed = db.one(conn, "custom.claim_attempt", {**key, "name": name})
    conn.commit()  # the attempt is on record before Discord is asked
    if claimed is None:
        outcome.left.append(name)  # asked about just now, by someone else
        return 0
    shown = definitions.registration_json(claimed)
    try:
        if on_discord is not None:
            if _shown(on_discord) != _shown(shown):
                discord.patch(reg.path(discord, guild_id, on_discord["id"]), shown)
            reg.complete(conn, guild_id, name, on_discord["id"], now)
            outcome.adopted.append(name)
            return 0
        created = discord.post(reg.path(discord, guild_id), shown)
    except DiscordError as exc:
        return _refused(conn, row, exc, key, outcome)
    reg.complete(conn, guild_id, name, created["id"], now)
    outcome.registered.append(name)
    return 1


def _refused(conn, row, exc: DiscordError, key, outcome) -> int:
    name, now = row["name"], key["now"]
    if not exc.maybe_done:
        db.run(conn, "custom.release_attempt", {"guild_id": key["guild_id"], "name": name})
        conn.commit()
    if exc.code == reg.DAILY_CREATES or exc.code == reg.MAX_COMMANDS:
        reg.note_refusal(conn, key["guild_id"], exc, now)
        outcome.stopped, outcome.full = reg.explain_refusal(exc, now), exc.code == reg.MAX_COMMANDS
        outcome.left.append(name)
    elif exc.maybe_done or exc.status in (0, 429) or exc.status >= 500:
        outcome.left.append(name)  # Discord may have it, or is having trouble: the next run looks again
        slow = exc.status == 0 and exc.maybe_done  # the wait for its answer ran into the deadline
        outcome.stopped = outcome.stopped or ("time" if slow else reg.explain_refusal(exc, now))
    else:  # Discord won't take this command as it is: it is not kept as if it were coming
        db.run(conn, "custom.cancel_import_row", {"guild_id": key["guild_id"], "name": name})
        conn.commit()
        outcome.refused.append((name, reg.explain_refusal(exc, now)))
    return 0
