"""A guild, its channels and roles, and its audit log."""
from sandbox.discord.objects import guild_object
from sandbox.discord.paging import page_limit, paginate


def get_guild(fake, request, guild_id):
    return 200, guild_object(fake._guild(guild_id))


def list_guild_channels(fake, request, guild_id):
    return 200, [fake._channels[c] for c in fake._guild(guild_id)["channels"]]


def list_roles(fake, request, guild_id):
    return 200, list(fake._guild(guild_id)["roles"].values())


def audit_log(fake, request, guild_id):
    guild, query = fake._guild(guild_id), request.query
    entries = [e for e in guild["audit"]
               if ("action_type" not in query or str(e.get("action_type")) == query["action_type"])
               and ("user_id" not in query or e.get("user_id") == query["user_id"])
               and ("target_id" not in query or e.get("target_id") == query["target_id"])]
    page = sorted(paginate(entries, query, page_limit(query, 50, 100)), key=lambda e: int(e["id"]), reverse=True)
    user_ids = {e.get(k) for e in page for k in ("user_id", "target_id")}
    users = [fake._users[u] for u in user_ids if u in fake._users]
    return 200, {"audit_log_entries": page, "users": users, "integrations": [], "webhooks": [],
                 "guild_scheduled_events": [], "threads": [], "application_commands": [],
                 "auto_moderation_rules": list(guild["automod"].values())}
