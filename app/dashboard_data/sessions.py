"""Dashboard sessions, server-side: the browser holds a random id; the Discord tokens stay in PostgreSQL."""
import hashlib
import json
import secrets
from datetime import timedelta

from app import db


def _hash(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode()).digest()


def create(conn, *, user: dict, token: dict, now, hours: int) -> str:
    """A new session for a user Discord just logged in; returns the id for the cookie."""
    session_id = secrets.token_urlsafe(32)
    db.run(conn, "dashboard.prune_sessions", {"now": now})  # logins are rare: expired rows go then
    expires_in = token.get("expires_in")
    db.run(conn, "dashboard.create_session", {
        "id_hash": _hash(session_id), "user_id": int(user["id"]), "username": str(user.get("username") or "")[:100],
        "global_name": (str(user["global_name"])[:100] if user.get("global_name") else None),
        "avatar": (str(user["avatar"])[:100] if user.get("avatar") else None),
        "access_token": token["access_token"], "refresh_token": token.get("refresh_token"),
        "token_expires_at": now + timedelta(seconds=int(expires_in)) if expires_in else None,
        "now": now, "expires_at": now + timedelta(hours=hours)})
    from app.dashboard_data import names
    names.remember(conn, [user], now)
    return session_id


def touch(conn, session_id: str, now) -> dict | None:
    """The live session with this id, its request counted (window_count), or None (unknown or expired)."""
    if not isinstance(session_id, str) or not 20 <= len(session_id) <= 100:
        return None
    row = db.one(conn, "dashboard.touch_session", {"id_hash": _hash(session_id), "now": now})
    return dict(row, id_hash=_hash(session_id)) if row else None


def save_guilds(conn, session: dict, guilds: list, now) -> None:
    db.run(conn, "dashboard.save_guilds", {"id_hash": session["id_hash"], "guilds": json.dumps(guilds), "now": now})


def end(conn, session_id: str) -> str | None:
    """Forget the session; returns its Discord access token (to revoke), or None."""
    if not isinstance(session_id, str):
        return None
    row = db.one(conn, "dashboard.delete_session", {"id_hash": _hash(session_id)})
    return row["access_token"] if row else None

