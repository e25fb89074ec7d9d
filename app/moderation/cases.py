"""Numbered cases: recording, reading, re-wording (with history) and deleting (with an audit row)."""
import json
from datetime import timedelta

from .. import db
from ..errors import UserError
from .text import check_text

PAGE_SIZE = 10


def record_case(conn, guild_id, action: str, user_id, moderator_id, reason, now, *, expires_at=None,
                source="command", audit_entry_id=None, details=None, active=True) -> dict:
    """Insert the guild's next case (1, 2, 3... even under concurrency); the caller commits."""
    return db.one(conn, "moderation.record_case", {
        "guild_id": int(guild_id), "action": action, "user_id": int(user_id),
        "moderator_id": int(moderator_id) if moderator_id else None, "reason": reason, "now": now,
        "expires_at": expires_at, "active": active, "source": source,
        "audit_entry_id": int(audit_entry_id) if audit_entry_id else None,
        "details": json.dumps(details or {})})


def get_case(conn, guild_id, number: int) -> dict:
    case = db.one(conn, "moderation.get_case", {"guild_id": int(guild_id), "case_number": int(number)})
    if case is None:
        raise UserError(f"There is no case #{number} in this server.")
    return case


def case_notes(conn, guild_id, number: int) -> list:
    return db.all_rows(conn, "moderation.case_notes", {"guild_id": int(guild_id), "case_number": int(number)})


def change_reason(conn, guild_id, number: int, reason: str, author_id, now) -> dict:
    """Set a case's reason, keeping the previous one as a note."""
    check_text(reason)
    key = {"guild_id": int(guild_id), "case_number": int(number)}
    case = db.one(conn, "moderation.lock_case", key)
    if case is None:
        raise UserError(f"There is no case #{number} in this server.")
    db.run(conn, "moderation.add_note", {**key, "author_id": int(author_id), "old_reason": case["reason"],
                                         "new_reason": reason, "now": now})
    db.run(conn, "moderation.set_reason", {**key, "reason": reason})
    db.run(conn, "moderation.log_event", {**key, "event": "reason_changed", "actor_id": int(author_id), "now": now,
                                          "details": json.dumps({"old": case["reason"], "new": reason})})
    return {**case, "reason": reason}


def delete_case(conn, guild_id, number: int, actor_id, now) -> dict:
    """Hide a case (its number is never reused) and keep what it said in an audit row."""
    key = {"guild_id": int(guild_id), "case_number": int(number)}
    case = db.one(conn, "moderation.soft_delete_case", {**key, "actor_id": int(actor_id), "now": now})
    if case is None:
        raise UserError(f"There is no case #{number} in this server.")
    snapshot = {k: (str(v) if v is not None else None) for k, v in case.items()
                if k in ("action", "user_id", "moderator_id", "reason", "created_at", "expires_at", "source")}
    db.run(conn, "moderation.log_event", {**key, "event": "case_deleted", "actor_id": int(actor_id), "now": now,
                                          "details": json.dumps(snapshot)})
    return case


def list_cases(conn, guild_id, user_id=None, page: int = 0) -> tuple:
    """(cases on `page`, number of pages), newest first; page is clamped into range."""
    params = {"guild_id": int(guild_id), "user_id": int(user_id) if user_id else None}
    total = db.one(conn, "moderation.count_cases", params)["total"]
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(0, int(page)), pages - 1)
    rows = db.all_rows(conn, "moderation.list_cases", {**params, "limit": PAGE_SIZE, "offset": page * PAGE_SIZE})
    return rows, pages, page


def warnings(conn, guild_id, user_id, now, expiry_days: int) -> list:
    """A member's warnings, newest first; each has `counts` False once expired."""
    expires_before = now - timedelta(days=expiry_days) if expiry_days else None
    return db.all_rows(conn, "moderation.warnings", {"guild_id": int(guild_id), "user_id": int(user_id),
                                                      "expires_before": expires_before})


def count_warnings(conn, guild_id, user_id, now, within_days: int, expiry_days: int) -> int:
    """Warnings that still count within the last `within_days` (expired ones never do)."""
    window = timedelta(days=within_days)
    if expiry_days:
        window = min(window, timedelta(days=expiry_days))
    return db.one(conn, "moderation.count_warnings_since", {"guild_id": int(guild_id), "user_id": int(user_id),
                                                             "since": now - window})["total"]
