"""Display names next to ids: remembered from what the bot already reads (message authors in the scan,
dashboard logins), never fetched one by one from Discord for a page."""
from app import db

MAX_NAME = 100


def display_name(user: dict) -> str | None:
    name = user.get("global_name") or user.get("username")
    return str(name)[:MAX_NAME].replace("\x00", "") if name else None


def remember(conn, users, now) -> None:
    """Upsert the names of these Discord user objects (duplicates and nameless ones skipped)."""
    found = {}
    for user in users:
        name = display_name(user or {})
        if name and str(user.get("id", "")).isdigit():
            found[int(user["id"])] = name
    if found:
        ids = sorted(found)
        db.run(conn, "dashboard.remember_names", {"user_ids": ids, "names": [found[i] for i in ids], "now": now})


def names_of(conn, ids) -> dict:
    """{id (str): name} for the ids whose names are known."""
    wanted = sorted({int(i) for i in ids if i and str(i).isdigit()})
    if not wanted:
        return {}
    return {str(r["user_id"]): r["name"] for r in db.all_rows(conn, "dashboard.names_of", {"user_ids": wanted})}


def add_names(conn, rows: list, fields: dict) -> list:
    """Each row gets `name_field` next to each `id_field` ({id_field: name_field}), None when unknown."""
    known = names_of(conn, [row.get(f) for row in rows for f in fields])
    for row in rows:
        for id_field, name_field in fields.items():
            row[name_field] = known.get(row.get(id_field)) if row.get(id_field) else None
    return rows
