"""Dispatch a verified interaction to its declared handler; every failure becomes an ephemeral answer."""
import logging

from ..discord.errors import DiscordError
from ..errors import DatabaseUnavailable, UserError
from . import options as opts
from . import payload
from . import responses as r
from .context import Context

log = logging.getLogger(__name__)

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5

STALE = ("This command is out of date (Discord has an older registration than the bot). "
         "A bot administrator should run `python register_commands.py`.")
UNAVAILABLE = "StatusSync is temporarily unavailable (its database isn't answering). Try again in a minute."
ALREADY = "This interaction was already handled."
EXPIRED = payload.EXPIRED
SERVERS_ONLY = "This works in servers only: use it in a server where StatusSync is installed."
NOT_HERE = "This doesn't work here."


def failure(interaction_id, exc) -> r.Message:
    """Bugs get a log line with the interaction id and a generic reply with that id as reference."""
    log.error("interaction %s failed", interaction_id, exc_info=exc)
    return r.ephemeral(f"Something went wrong on our side. (Reference: `{interaction_id}`)")


def _claim(ctx) -> bool:
    """Record the interaction id in the handler's transaction; False when it was applied before.

    A concurrent redelivery waits on the id's unique index until the first commits, then sees it.
    A handler that fails rolls its claim back with its work, so nothing half-applied is marked done.
    """
    from .. import db
    return db.one(ctx.db, "interactions.claim",
                  {"interaction_id": int(ctx.id), "guild_id": ctx.guild_id, "now": ctx.now}) is not None


def _run_command(ctx, commands):
    command = commands.commands.get(ctx.data.get("name"))
    resolved = command.resolve(ctx.data.get("options")) if command and ctx.data.get("type", 1) == 1 else None
    if resolved is None:
        raise opts.StaleCommand()
    handler, declared, given, ctx.command_path = resolved
    _used_where_allowed(ctx, command.contexts)
    ctx.options = opts.parse(ctx, declared, given)
    return handler(ctx, **ctx.options)


def _run_route(ctx, commands, kind):
    found = commands.route(kind, ctx.data.get("custom_id"))
    if found is None:
        return r.ephemeral(EXPIRED)
    handler, ctx.args = found
    _used_where_allowed(ctx, handler.component_route.contexts)
    return handler(ctx, *ctx.args)


def _used_where_allowed(ctx, contexts) -> None:
    """Declared contexts are honoured here, for every handler: a guild-only command from a DM is refused."""
    if ctx.context not in contexts:
        raise UserError(SERVERS_ONLY if contexts == (payload.GUILD,) else NOT_HERE)


def _autocomplete(ctx, commands) -> r.Response:
    command = commands.commands.get(ctx.data.get("name"))
    resolved = command.resolve(ctx.data.get("options")) if command else None
    focused = opts.focused(ctx.data.get("options"))
    if not resolved or not focused or ctx.context not in command.contexts:
        return r.Choices([])
    option = next((o for o in resolved[1] if o.name == focused[0]), None)
    if option is None or not callable(option.autocomplete):
        return r.Choices([])
    try:
        return r.Choices(option.autocomplete(ctx, focused[1] or ""))
    except Exception as exc:  # autocomplete failing should only mean no suggestions
        log.warning("autocomplete failed for interaction %s: %s", ctx.id, exc)
        return r.Choices([])
    finally:
        ctx.finish(commit=False)


def handle(runtime, commands, interaction: payload.Interaction) -> r.Response:
    kind = interaction.type
    if kind == PING:
        return r.Pong()
    ctx = Context(runtime, interaction)
    if kind == AUTOCOMPLETE:
        return _autocomplete(ctx, commands)
    if kind not in (APPLICATION_COMMAND, MESSAGE_COMPONENT, MODAL_SUBMIT):
        return r.ephemeral("I don't know this kind of interaction.")
    committed = False
    try:
        if not str(ctx.id).isdigit() or not ctx.token:
            return r.ephemeral("That interaction is malformed.")
        if not _claim(ctx):
            return r.ephemeral(ALREADY)
        if kind == APPLICATION_COMMAND:
            result = _run_command(ctx, commands)
        else:
            result = _run_route(ctx, commands, "component" if kind == MESSAGE_COMPONENT else "modal")
        if not isinstance(result, r.Response):
            raise TypeError(f"handler returned {type(result).__name__}, not a Response")
        ctx.finish(commit=True)
        committed = True
        if isinstance(result, r.Deferred):
            runtime.deferred.submit(runtime, result.task_path, interaction.raw, result.kwargs)
        return result
    except opts.StaleCommand:
        return r.ephemeral(STALE)
    except (opts.OptionError, UserError) as exc:
        return r.ephemeral(str(exc))
    except DatabaseUnavailable:
        return r.ephemeral(UNAVAILABLE)
    except DiscordError as exc:
        return r.ephemeral(exc.explain())
    except Exception as exc:
        if _is_database_error(exc):
            return r.ephemeral(UNAVAILABLE)
        return failure(ctx.id, exc)
    finally:
        if not committed:
            _finish_quietly(ctx)


def _is_database_error(exc) -> bool:
    import psycopg2
    return isinstance(exc, (psycopg2.OperationalError, psycopg2.InterfaceError))


def _finish_quietly(ctx) -> None:
    try:
        ctx.finish(commit=False)
    except Exception:  # the connection is already broken; the pool discards it
        pass
