"""Discord's `limit` / `before` / `after` query parameters on list routes."""
from sandbox.discord.errors import invalid_form


def page_limit(query, default, maximum):
    try:
        limit = int(query.get("limit", default))
    except ValueError:
        raise invalid_form("limit", "Value is not int.")
    if not 1 <= limit <= maximum:
        raise invalid_form("limit", f"int value should be between 1 and {maximum}.")
    return limit


def paginate(items, query, limit, key=lambda item: int(item["id"])):
    """Discord's before/after paging; like Discord, `after` takes the items right after the cursor."""
    ordered = sorted(items, key=key)
    if "after" in query and "before" not in query:
        return [i for i in ordered if key(i) > int(query["after"])][:limit]
    if "before" in query:
        ordered = [i for i in ordered if key(i) < int(query["before"])]
    if "after" in query:
        ordered = [i for i in ordered if key(i) > int(query["after"])]
    return ordered[-limit:]
