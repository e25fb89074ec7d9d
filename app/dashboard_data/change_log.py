"""The change log the dashboard shows: who changed which setting, from what to what, when, from where."""
from app import db

MAX_PAGE = 100


def page(conn, guild_id, *, before=None, section=None, limit=50) -> dict:
    rows = db.all_rows(conn, "dashboard.changes", {"guild_id": int(guild_id), "before": before, "section": section,
                                                    "limit": limit + 1})
    shown = rows[:limit]
    return {"changes": [{"id": r["id"], "section": r["section"], "key": r["key"], "old": r["old_value"],
                         "new": r["new_value"], "actor_id": str(r["actor_id"]) if r["actor_id"] else None,
                         "source": r["source"], "changed_at": r["changed_at"].isoformat()} for r in shown],
            "next_before": shown[-1]["id"] if len(rows) > limit else None}
