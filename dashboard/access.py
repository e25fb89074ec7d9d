"""The dashboard's gate, for every blueprint (the premium one too):

    from dashboard.access import guild_access, login_required

    @bp.get("/status")
    @guild_access(write=False)          # ?guild_id= checked: a manager, or a role granted read
    def status(guild, conn):            # guild: app.dashboard_data.access.GuildAccess; conn: this request's
        ...                             # connection, committed when the view returns normally

    @bp.post("/checkout")
    @guild_access(write=True)           # CSRF already checked (dashboard/security.py) for every POST;
    def checkout(guild, conn): ...      # write: Discord asked again, a manager or a read-write role

`manager_only=True` admits managers alone (changing access). `@login_required` gives `login` (the session
row: user_id, username...) and `conn`. Refusals are JSON {"error": ...}: 401 no or expired session, 403 no
access, 404 the bot isn't in the guild, 400 a guild_id that isn't a snowflake, 429 over the rate limit,
503 Discord or the database not answering.
"""
import functools

from flask import current_app, g, jsonify, request, session

from dashboard import inputs


def runtime():
    return current_app.extensions["statussync"]


def _refusal(status: int, message: str, headers=None):
    response = jsonify(error=message)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _current_login(conn, now):
    from app.dashboard_data import sessions
    from app.dashboard_data.errors import DashboardError
    session_id = session.get("sid")
    if not isinstance(session_id, str):
        raise DashboardError(401, "You are not logged in; log in with Discord first.")
    login = sessions.touch(conn, session_id, now)
    conn.commit()
    if login is None:
        session.clear()
        raise DashboardError(401, "Your session has expired; log in again.")
    limit = int(runtime().settings.get("DASHBOARD_RATE_LIMIT") or 240)
    if login["window_count"] > limit:
        wait = max(1, 60 - int((now - login["window_start"]).total_seconds()))
        raise RateLimited(wait)
    return login


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


REQUEST_BUDGET_S = 8.0  # every Discord and database wait of one dashboard request fits in this


def _guarded(view, kwargs, gate):
    """Run gate(conn, now) -> extra view kwargs, then the view; every refusal becomes a JSON error."""
    from app import deadlines
    from app.dashboard_data.errors import DashboardError
    from app.discord.errors import DiscordError
    from app.errors import DatabaseUnavailable, UserError
    rt = runtime()
    try:
        with deadlines.within(REQUEST_BUDGET_S), rt.connection() as conn:
            g.db = conn
            now = rt.clock()
            try:
                answer = view(**kwargs, **gate(conn, now))
                conn.commit()
                return answer
            except BaseException:
                if not conn.closed:
                    conn.rollback()
                raise
    except DashboardError as error:
        return _refusal(error.status, error.message)
    except inputs.BadInput as error:
        return _refusal(400, str(error))
    except UserError as error:
        return _refusal(400, str(error))
    except RateLimited as error:
        return _refusal(429, f"Too many requests; wait {error.retry_after} s.", {"Retry-After": str(error.retry_after)})
    except DatabaseUnavailable:
        return _refusal(503, "The database is not answering; try again in a moment.")
    except (deadlines.DeadlineExceeded, DiscordError):
        return _refusal(503, "Discord is slow or not answering right now; try again in a moment.")


def login_required(view):
    @functools.wraps(view)
    def wrapper(**kwargs):
        def gate(conn, now):
            return {"login": _current_login(conn, now), "conn": conn}
        return _guarded(view, kwargs, gate)
    return wrapper


def guild_access(write: bool = False, manager_only: bool = False):
    def decorate(view):
        @functools.wraps(view)
        def wrapper(**kwargs):
            def gate(conn, now):
                from app.dashboard_data import access
                login = _current_login(conn, now)
                guild_id = inputs.snowflake(request.args.get("guild_id"), "guild_id")
                guild = access.check(runtime(), conn, login, guild_id, now, write=write, manager_only=manager_only)
                conn.commit()  # the view starts with no transaction open (it may ask Discord before writing)
                g.login, g.guild = login, guild
                return {"guild": guild, "conn": conn}
            return _guarded(view, kwargs, gate)
        return wrapper
    return decorate
