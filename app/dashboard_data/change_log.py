"""The change log the dashboard shows: who changed which setting, from what to what, when, from where."""
from app import db
from app.dashboard_data import names

MAX_PAGE = 100


def page(conn, guild_id, *, before=None, section=None, limit=50) -> dict:
    rows = db.all_rows(conn, "dashboard.changes", {"guild_id": int(guild_id), "before": before, "section": section,
                                                    "limit": limit + 1})
    shown = rows[:limit]
    changes = [{"id": r["id"], "section": r["section"], "key": r["key"], "old": r["old_value"],
                         "new": r["new_value"], "actor_id": str(r["actor_id"]) if r["actor_id"] else None,
                "source": r["source"], "changed_at": r["changed_at"].isoformat()} for r in shown]
    return {"changes": names.add_names(conn, changes, {"actor_id": "actor_name"}),
            "next_before": shown[-1]["id"] if len(rows) > limit else None}
