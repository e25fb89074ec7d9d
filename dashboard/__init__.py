"""The web dashboard: the page (static/), Discord OAuth2 login (auth), the JSON API (api_*), its OpenAPI.

`register(app)` is what the app factory calls. Blueprints import nothing heavy at module level: authlib
loads with the first login, the services with the first API request, so a cold PING stays cheap.
"""


def register(app) -> None:
    from dashboard import (api_automod, api_backups, api_cases, api_custom, api_guilds, api_settings, auth, openapi,
                           pages, premium, security)
    from datetime import timedelta
    from urllib.parse import urlsplit
    settings = app.extensions["statussync"].settings
    public = settings.get("PUBLIC_URL") or ""
    app.permanent_session_lifetime = timedelta(hours=int(settings.get("DASHBOARD_SESSION_HOURS") or 168))
    app.config.update(SESSION_COOKIE_NAME="statussync_session", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=public.startswith("https://"),
                      SESSION_COOKIE_PATH=urlsplit(public).path.rstrip("/") + "/dashboard")  # a stage prefix too
    security.install(app)
    for blueprint in (pages.bp, auth.bp, openapi.bp, api_guilds.bp, api_cases.bp, api_settings.bp,
                      api_automod.bp, api_custom.bp, api_backups.bp, premium.bp):
        app.register_blueprint(blueprint)
