"""Login with Discord (OAuth2 authorization code, scopes `identify guilds`) through authlib's Flask client.

The authorize page is at DISCORD_WEB_BASE, the token exchange and the API at DISCORD_API_BASE. authlib
keeps the `state` in the signed session cookie and checks it on the way back. The Discord token is stored
server-side (app/dashboard_data/sessions.py); the cookie holds only a random session id.
"""
import html

from flask import Blueprint, current_app, jsonify, redirect, request, session

from dashboard import csrf
from dashboard.access import login_required, runtime

bp = Blueprint("dashboard_auth", __name__, url_prefix="/dashboard/auth")
SCOPES = "identify guilds"


def _settings():
    return runtime().settings


def login_enabled() -> bool:
    return bool(_settings().get("DISCORD_CLIENT_ID") and _settings().get("DISCORD_CLIENT_SECRET"))


def _client():
    """authlib's Discord client, made on the first login (authlib is not imported before)."""
    client = current_app.extensions.get("dashboard_oauth")
    if client is None:
        from authlib.integrations.flask_client import OAuth
        settings = _settings()
        oauth = OAuth(current_app)
        api = settings["DISCORD_API_BASE"].rstrip("/")
        client = oauth.register(
            "discord", client_id=settings["DISCORD_CLIENT_ID"], client_secret=settings["DISCORD_CLIENT_SECRET"],
            authorize_url=settings["DISCORD_WEB_BASE"].rstrip("/") + "/oauth2/authorize",
            access_token_url=api + "/oauth2/token", api_base_url=api,
            client_kwargs={"scope": SCOPES, "token_endpoint_auth_method": "client_secret_post", "timeout": 10})
        current_app.extensions["dashboard_oauth"] = client
    return client


def _redirect_uri() -> str:
    return _settings()["PUBLIC_URL"].rstrip("/") + "/dashboard/auth/callback"


def safe_next(value) -> str:
    """Where to go after login: a dashboard path of ours, never another site (no open redirect)."""
    if isinstance(value, str) and value.startswith("/dashboard/") and "//" not in value and "\\" not in value \
            and len(value) <= 200 and value.isprintable() and ":" not in value.split("?")[0]:
        return value
    return "/dashboard/"


def page(status: int, title: str, text: str):
    """A plain page that says what happened (no script, escaped), with a way back."""
    root = html.escape(request.script_root)  # an API Gateway stage (/production) comes before /dashboard
    body = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}</title>"
            f'<link rel=stylesheet href="{root}/dashboard/static/dashboard.css"></head><body><main class=message>'
            f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
            f'<p><a href="{root}/dashboard/auth/login">Log in again</a> · '
            f'<a href="{root}/dashboard/">Back to the dashboard</a></p></main></body></html>')
    return body, status, {"Content-Type": "text/html; charset=utf-8"}


@bp.get("/login")
def login():
    if not login_enabled():
        return page(503, "Login is off", "This StatusSync has no DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET set, "
                                         "so the dashboard can't log anyone in.")
    session["next"] = safe_next(request.args.get("next"))
    return _client().authorize_redirect(_redirect_uri())


@bp.get("/callback")
def callback():
    from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
    if not login_enabled():
        return page(503, "Login is off", "Dashboard login is not configured here.")
    if request.args.get("error") == "access_denied":
        return page(403, "Login cancelled", "You cancelled the login on Discord, so you are not logged in. "
                                            "Nothing was shared with StatusSync.")
    if request.args.get("error"):
        return page(400, "Discord refused the login", "Discord didn't let the login finish; try again.")
    try:
        token = _client().authorize_access_token()
    except MismatchingStateError:
        return page(400, "Login link expired or forged", "This login answer doesn't match a login started in this "
                                                         "browser (its state is wrong or too old). Start again.")
    except OAuthError:
        return page(400, "Discord refused the login", "Discord didn't accept the login code; start again.")
    except Exception as error:  # authlib's HTTP layer: Discord unreachable or answering nonsense
        current_app.logger.warning("dashboard login: token exchange failed: %s", type(error).__name__)
        return page(503, "Discord didn't answer", "Discord didn't answer the login in time; try again.")
    return _start_session(token)


def _start_session(token):
    from app.dashboard_data import discord_view, sessions
    from app.discord.errors import DiscordError
    from app.errors import DatabaseUnavailable
    rt = runtime()
    if not isinstance(token, dict) or not isinstance(token.get("access_token"), str):
        return page(503, "Discord didn't answer", "Discord's answer to the login was not usable; try again.")
    if "guilds" not in str(token.get("scope") or SCOPES).split():
        return page(400, "Servers not shared", "StatusSync needs to see which servers you are in to show their "
                                               "dashboards. Log in again and keep the servers permission.")
    try:
        user = discord_view.current_user(rt.discord, token["access_token"])
    except DiscordError:
        return page(503, "Discord didn't answer", "Discord didn't say who you are; try again.")
    if not isinstance(user, dict) or not str(user.get("id", "")).isdigit():
        return page(503, "Discord didn't answer", "Discord's answer about your account was not usable; try again.")
    hours = int(rt.settings.get("DASHBOARD_SESSION_HOURS") or 168)
    try:
        with rt.transaction() as conn:
            session_id = sessions.create(conn, user=user, token=token, now=rt.clock(), hours=hours)
    except DatabaseUnavailable:
        return page(503, "Temporarily unavailable", "The database is not answering; try again in a moment.")
    target = safe_next(session.get("next"))
    session.clear()  # nothing of the login dance (authlib's state) outlives it
    session["sid"] = session_id
    session.permanent = True  # the cookie lasts as long as the session row (DASHBOARD_SESSION_HOURS)
    return redirect(request.script_root + target)


@bp.route("/logout", methods=["GET", "POST"])
@csrf.exempt  # logging out is harmless to force; a GET link works without script
def logout():
    from app.dashboard_data import sessions
    from app.errors import DatabaseUnavailable
    session_id = session.get("sid")
    session.clear()
    if isinstance(session_id, str):
        try:
            with runtime().transaction() as conn:
                sessions.end(conn, session_id)
        except DatabaseUnavailable:
            pass  # the cookie is gone; the row expires on its own
    if request.method == "POST" or request.accept_mimetypes.best == "application/json":
        return jsonify(logged_out=True)
    return redirect(request.script_root + "/dashboard/")


@bp.get("/user")
@login_required
def user(login, conn):
    """Who is logged in, and the CSRF token the page sends back with every change."""
    from app.discord.cdn import avatar_url
    settings = runtime().settings
    return jsonify(user={"id": str(login["user_id"]), "username": login["username"],
                         "global_name": login["global_name"],
                         "avatar_url": avatar_url(settings["DISCORD_CDN_BASE"], str(login["user_id"]), login["avatar"])},
                   csrf_token=csrf.token_for(session["sid"]), expires_at=login["expires_at"].isoformat())
