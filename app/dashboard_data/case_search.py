"""Moderation cases for the dashboard: filtered, newest first, keyset-paged on the case number."""
from app import db
from app.dashboard_data import names
from app.moderation import cases as case_store

MAX_PAGE = 100


def _case(row) -> dict:
    return {"number": row["case_number"], "type": row["action"], "user_id": str(row["user_id"]),
            "moderator_id": str(row["moderator_id"]) if row["moderator_id"] else None, "reason": row["reason"],
            "created_at": row["created_at"].isoformat(),
            "expires_at": row["expires_at"].isoformat() if row["expires_at"] else None,
            "active": row["active"], "source": row["source"]}


def search(conn, guild_id, *, user_id=None, moderator_id=None, action=None, since=None, until=None, before=None,
           limit=25) -> dict:
    """{cases, next_before}: next_before is the `before` of the next page, None on the last."""
    query = "dashboard.search_cases_by_time" if since or until else "dashboard.search_cases"
    rows = db.all_rows(conn, query, {
        "guild_id": int(guild_id), "user_id": user_id, "moderator_id": moderator_id, "action": action,
        "since": since, "until": until, "before": before, "limit": limit + 1})
    page = rows[:limit]
    shown = names.add_names(conn, [_case(r) for r in page], {"user_id": "user_name", "moderator_id": "moderator_name"})
    return {"cases": shown, "next_before": page[-1]["case_number"] if len(rows) > limit else None}


def one_case(conn, guild_id, number: int) -> dict | None:
    """A case and its reason history (every /case reason edit), or None."""
    row = db.one(conn, "moderation.get_case", {"guild_id": int(guild_id), "case_number": int(number)})
    if row is None:
        return None
    history = [{"old_reason": n["old_reason"], "new_reason": n["new_reason"],
                "author_id": str(n["author_id"]) if n["author_id"] else None, "changed_at": n["created_at"].isoformat()}
               for n in case_store.case_notes(conn, guild_id, number)]
    [case] = names.add_names(conn, [_case(row)], {"user_id": "user_name", "moderator_id": "moderator_name"})
    return {"case": case, "history": names.add_names(conn, history, {"author_id": "author_name"})}
