"""Discord's OAuth2 authorize page, at the fake's web base (DISCORD_WEB_BASE = fake.web_url).

GET shows who is asked to log in and two buttons; POST (the buttons' form) sends the browser back to the
redirect_uri with `code` and `state`, or with `error=access_denied` after Cancel, as Discord does.
The token a code turns into lists the user's guilds live from the fake's state (membership, roles,
ownership), so a member who leaves or loses a role shows it on the next /users/@me/guilds.
"""
import html
import secrets
from urllib.parse import urlencode

SCOPES = {"identify", "guilds", "email", "guilds.members.read"}


def _page(status, title, body):
    text = (f"<!doctype html><html><head><meta charset=utf-8><title>{html.escape(title)}</title></head>"
            f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>")
    return status, text.encode(), {"Content-Type": "text/html; charset=utf-8"}


def _checked(fake, params):
    """The request's error message, or None when Discord would show the page."""
    if params.get("response_type") != "code":
        return "Invalid response_type: only code is supported here."
    if fake.client_id is not None and params.get("client_id") != str(fake.client_id):
        return "Unknown application (client_id)."
    if not (params.get("redirect_uri") or "").startswith(("http://", "https://")):
        return "Invalid OAuth2 redirect_uri."
    scopes = set((params.get("scope") or "").split())
    if not scopes or not scopes <= SCOPES:
        return "Invalid scope."
    return None


def _users(fake):
    return [u for u in fake._users.values() if not u.get("bot")]


def authorize_page(fake, request):
    problem = _checked(fake, request.query)
    if problem:
        return _page(400, "Invalid OAuth2 request", f"<p>{html.escape(problem)}</p>")
    chosen = str(fake.web_user or "")
    options = "".join(
        f'<option value="{html.escape(u["id"])}"{" selected" if u["id"] == chosen else ""}>'
        f'{html.escape(u.get("global_name") or u["username"])} ({html.escape(u["id"])})</option>'
        for u in _users(fake))
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                     for k, v in request.query.items() if k in ("client_id", "redirect_uri", "scope", "state",
                                                                "response_type"))
    body = (f"<p>An application wants to access your account: {html.escape(request.query.get('scope', ''))}</p>"
            f'<form method="post" action="/oauth2/authorize">{hidden}'
            f'<label>Log in as <select name="user_id">{options}</select></label> '
            '<button type="submit" name="decision" value="authorize">Authorize</button> '
            '<button type="submit" name="decision" value="cancel">Cancel</button></form>')
    return _page(200, "Authorize access to your account", body)


def authorize_decision(fake, request):
    params = request.form
    problem = _checked(fake, params)
    if problem:
        return _page(400, "Invalid OAuth2 request", f"<p>{html.escape(problem)}</p>")
    back = {"state": params["state"]} if params.get("state") else {}
    if params.get("decision") != "authorize":
        back = {"error": "access_denied", "error_description": "The resource owner or authorization server "
                "denied the request", **back}
    else:
        user = fake._users.get(params.get("user_id") or str(fake.web_user or ""))
        if user is None or user.get("bot"):
            return _page(400, "Invalid OAuth2 request", "<p>Choose who logs in.</p>")
        code, access = secrets.token_urlsafe(16), "oauth-" + secrets.token_urlsafe(24)
        fake._oauth_tokens[access] = {"user": user, "guilds": None, "live": True, "scope": params.get("scope")}
        fake._oauth_codes[code] = access
        back = {"code": code, **back}
    separator = "&" if "?" in params["redirect_uri"] else "?"
    return 302, b"", {"Location": params["redirect_uri"] + separator + urlencode(back)}


def live_guilds(fake, user_id):
    """/users/@me/guilds for a user as the fake's state has it now: owner, permissions from roles."""
    from sandbox.discord.permission_bits import member_permissions
    found = []
    for guild in fake._guilds.values():
        member = guild["members"].get(user_id)
        if member is None:
            continue
        found.append({"id": guild["id"], "name": guild["name"], "icon": None, "banner": None,
                      "owner": guild["owner_id"] == user_id, "features": [],
                      "permissions": str(member_permissions(guild, member))})
    return sorted(found, key=lambda g: int(g["id"]))
