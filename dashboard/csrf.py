"""CSRF: every POST/PUT/PATCH/DELETE under /dashboard carries X-CSRF-Token, an HMAC of the session id.

A view Stripe (or another server) calls, such as the premium webhook, opts out with @exempt.
"""
import hashlib
import hmac

from flask import current_app, request, session

HEADER = "X-CSRF-Token"
MAX_BODY = 64 * 1024


def token_for(session_id: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"csrf:" + session_id.encode(), hashlib.sha256).hexdigest()


def exempt(view):
    view.csrf_exempt = True
    return view


def is_exempt(app) -> bool:
    view = app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "csrf_exempt", False))


def problem() -> str | None:
    """Why this request fails the CSRF check, or None."""
    session_id = session.get("sid")
    if not isinstance(session_id, str):
        return None  # no session: the view answers 401 itself
    sent = request.headers.get(HEADER, "")
    if not sent or not hmac.compare_digest(sent, token_for(session_id)):
        return f"Missing or wrong {HEADER} header (reload the page to get a fresh one)."
    return None
