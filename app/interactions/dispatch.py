"""Dispatch a verified interaction to its declared handler; every failure becomes an ephemeral answer."""
import logging

from .. import deadlines
from ..discord.errors import DiscordError
from ..errors import CommitUnknown, DatabaseUnavailable, UserError
from . import options as opts
from . import payload
from . import responses as r
from .answers import ALREADY, EXPIRED, STALE, UNAVAILABLE, failure  # noqa: F401 (re-exported)
from .context import Context

log = logging.getLogger(__name__)

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5

ANSWER_BUDGET_S = 2.0  # of Discord's 3 s for the handler; the answer itself still has to travel
HAND_OFF_BUDGET_S = 0.4  # to claim the interaction when handing the rest to deferred work
SUBMIT_BUDGET_S = 0.6  # past the handler's budget, to hand deferred work to its runner (a Lambda invoke)
NOT_STARTED = "I couldn't start that just now. Try again in a moment."
SERVERS_ONLY = "This works in servers only: use it in a server where StatusSync is installed."
NOT_HERE = "This doesn't work here."


def _claim(ctx) -> bool:
    ctx.claimed_here = db_claim(ctx.db, ctx)
    return ctx.claimed_here


def db_claim(conn, ctx) -> bool:
    """Record the interaction id in the handler's transaction; False when it was applied before.

    A concurrent redelivery waits on the id's unique index until the first commits, then sees it.
    A handler that fails rolls its claim back with its work, so nothing half-applied is marked done.
    """
    from .. import db
    return db.one(conn, "interactions.claim",
                  {"interaction_id": int(ctx.id), "guild_id": ctx.guild_id, "now": ctx.now}) is not None


def _run_command(ctx, commands):
    command = commands.commands.get(ctx.data.get("name"))
    if command is None and ctx.data.get("type", 1) == 1:
        for fallback in getattr(commands, "fallbacks", ()):  # e.g. a guild's custom commands
            result = fallback(ctx)
            if result is not None:
                return result
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
    try:
        if command is None and ctx.data.get("type", 1) == 1:
            return _fallback_choices(ctx, commands)
        resolved = command.resolve(ctx.data.get("options")) if command else None
        focused = opts.focused(ctx.data.get("options"))
        if not resolved or not focused or ctx.context not in command.contexts:
            return r.Choices([])
        option = next((o for o in resolved[1] if o.name == focused[0]), None)
        if option is None or not callable(option.autocomplete):
            return r.Choices([])
        return r.Choices(option.autocomplete(ctx, focused[1] or ""))
    except Exception as exc:  # autocomplete failing should only mean no suggestions
        log.warning("autocomplete failed for interaction %s: %s", ctx.id, exc)
        return r.Choices([])
    finally:
        ctx.finish(commit=False)


def _fallback_choices(ctx, commands) -> r.Response:
    """Suggestions for a command no module declares, from the fallback that owns it (custom commands)."""
    for fallback in getattr(commands, "fallbacks", ()):
        result = fallback(ctx)
        if result is not None:
            return result if isinstance(result, r.Choices) else r.Choices([])
    return r.Choices([])


def handle(runtime, commands, interaction: payload.Interaction) -> r.Response:
    kind = interaction.type
    if kind == PING:
        return r.Pong()
    ctx = Context(runtime, interaction)
    if kind == AUTOCOMPLETE:
        with deadlines.within(ANSWER_BUDGET_S):
            return _autocomplete(ctx, commands)
    if kind not in (APPLICATION_COMMAND, MESSAGE_COMPONENT, MODAL_SUBMIT):
        return r.ephemeral("I don't know this kind of interaction.")
    committed, result = False, None
    deadline = deadlines.Deadline.after(ANSWER_BUDGET_S)
    try:
        with deadlines.within(deadline):
            if not _claim(ctx):
                return r.ephemeral(ALREADY)
            result = _invoke(ctx, commands)
            ctx.finish(commit=True)
            committed = True
    except CommitUnknown:
        _finish_quietly(ctx)
        if result is None:  # the handler's own commit (journal style, keyed by the interaction): finish it deferred
            return _hand_off(runtime, ctx, interaction, deadline)
        return _settle_later(runtime, ctx, interaction, result, deadline)
    except HandOffNeeded:
        _finish_quietly(ctx)
        return _hand_off(runtime, ctx, interaction, deadline)
    except Exception as exc:
        return _explain(ctx, exc)
    finally:
        if not committed:
            _finish_quietly(ctx)
    if isinstance(result, r.Deferred):
        return _submitted(runtime, ctx, interaction, result, deadline)
    return result


def _submitted(runtime, ctx, interaction, answer: r.Deferred, deadline) -> r.Response:
    """Hand the deferred task to the runner within what is left of the answer's time; a runner that
    refuses or can't be reached in time means an honest "try again", never "thinking…" forever."""
    try:
        with deadlines.within(deadlines.Deadline(deadline.at + SUBMIT_BUDGET_S)):
            runtime.deferred.submit(runtime, answer.task_name, interaction.raw, answer.kwargs)
    except Exception as exc:
        log.warning("interaction %s: deferred task %s not started: %s", ctx.id, answer.task_name,
                    type(exc).__name__)
        return r.ephemeral(NOT_STARTED)
    return answer


class HandOffNeeded(Exception):
    """The answer's deadline came first: the rest of the work continues deferred."""


def _invoke(ctx, commands) -> r.Response:
    """The handler's Response; a step that would pass the deadline becomes HandOffNeeded."""
    try:
        if ctx.type == APPLICATION_COMMAND:
            result = _run_command(ctx, commands)
        else:
            result = _run_route(ctx, commands, "component" if ctx.type == MESSAGE_COMPONENT else "modal")
    except deadlines.DeadlineExceeded as exc:
        raise HandOffNeeded() from exc
    except DiscordError as exc:
        if _unanswered(exc) and deadlines.current() is not None:
            raise HandOffNeeded() from exc
        raise
    if not isinstance(result, r.Response):
        raise TypeError(f"handler returned {type(result).__name__}, not a Response")
    return result


def _unanswered(exc: DiscordError) -> bool:
    """Discord took the request but its answer didn't come in time (it may have acted)."""
    return exc.status == 0 and (getattr(exc, "maybe_done", False) or "Timeout" in exc.message)


def _explain(ctx, exc) -> r.Message:
    """The ephemeral answer for a handler that raised."""
    if isinstance(exc, opts.StaleCommand):
        return r.ephemeral(STALE)
    if isinstance(exc, (opts.OptionError, UserError)):
        return r.ephemeral(str(exc))
    if isinstance(exc, (DatabaseUnavailable, HandOffNeeded, deadlines.DeadlineExceeded)) or _is_database_error(exc):
        return r.ephemeral(UNAVAILABLE)
    if isinstance(exc, DiscordError):
        return r.ephemeral(exc.explain())
    return failure(ctx.id, exc)


def _hand_off(runtime, ctx, interaction, deadline) -> r.Response:
    """Claim the interaction in a short transaction of its own, answer "thinking…", resume it deferred."""
    from .handoff import deferred_answer
    try:
        with deadlines.within(HAND_OFF_BUDGET_S), runtime.transaction() as conn:
            # A handler that commits on its way (journal rows) may have committed this request's claim.
            claimed = db_claim(conn, ctx) or getattr(ctx, "claimed_here", False)
    except Exception as exc:  # the database is what ran out of time: say so instead of promising more
        log.warning("interaction %s: could not hand off to deferred work: %s", ctx.id, type(exc).__name__)
        return r.ephemeral(UNAVAILABLE)
    if not claimed:
        return r.ephemeral(ALREADY)
    log.info("interaction %s: past the answer deadline, continuing as deferred work", ctx.id)
    return _submitted(runtime, ctx, interaction, deferred_answer(ctx), deadline)


def _settle_later(runtime, ctx, interaction, result, deadline) -> r.Response:
    """The handler's work was sent to be committed and the answer lost: rather than "unavailable" (it may
    have been saved), answer "thinking…" and let deferred work find out, then show the handler's answer or
    say nothing was saved. Only for plain messages; a file, a modal or an in-place update can't wait."""
    from .handoff import SETTLE_TASK
    if type(result) is not r.Message or result.files or result.update:
        return r.ephemeral(UNAVAILABLE)
    log.warning("interaction %s: the commit's answer was lost; settling it deferred", ctx.id)
    settle = r.Deferred(SETTLE_TASK, {"answer": result.body()}, ephemeral=bool(result.ephemeral))
    return _submitted(runtime, ctx, interaction, settle, deadline)


def run_resumed(ctx) -> r.Message:
    """A handed-off interaction's handler, run again in deferred work (already claimed); its final Message."""
    from .. import features
    commands = ctx.runtime.commands
    if commands is None:  # a deferred run on Lambda builds its runtime from the environment
        commands = ctx.runtime.commands = features.command_set()
    try:
        result = _invoke(ctx, commands)
    except HandOffNeeded as exc:
        raise exc.__cause__ from None
    except (opts.StaleCommand, opts.OptionError) as exc:
        return _explain(ctx, exc)
    if isinstance(result, r.Deferred):
        result = features.tasks()[result.task_name](ctx, **result.kwargs)
    if not isinstance(result, r.Message):
        return r.ephemeral("That took too long to open. Run the command again.")
    return result


def _is_database_error(exc) -> bool:
    import psycopg2
    return isinstance(exc, (psycopg2.OperationalError, psycopg2.InterfaceError))


def _finish_quietly(ctx) -> None:
    try:
        ctx.finish(commit=False)
    except Exception:  # the connection is already broken; the pool discards it
        pass
