"""What the dashboard asks Discord (through the one REST client), each answer kept at most 60 s.

The user's own guild list is read with their OAuth2 token; members, roles and the bot's guilds with the
bot token. Times come from the caller's clock, so a test that moves the clock sees the cache expire.
"""
import threading
from datetime import timedelta

from app.discord.errors import DiscordError

FRESH = timedelta(seconds=60)
GUILD_PAGE = 200
MAX_GUILD_PAGES = 50  # 10,000 guilds

_cache: dict = {}
_lock = threading.Lock()


def _cached(key, now, fetch, fresh=False):
    with _lock:
        hit = _cache.get(key)
    if hit is not None and not fresh and now - hit[0] < FRESH:
        return hit[1]
    value = fetch()
    with _lock:
        if len(_cache) > 4096:
            _cache.clear()
        _cache[key] = (now, value)
    return value


def user_guilds(discord, access_token: str) -> list:
    """The user's guilds as Discord says now: id, name, icon, owner, permissions (a decimal string)."""
    found = discord.get("/users/@me/guilds", auth=False, headers={"Authorization": f"Bearer {access_token}"})
    return [{"id": str(g["id"]), "name": str(g.get("name") or "")[:100], "icon": g.get("icon"),
             "owner": bool(g.get("owner")), "permissions": str(g.get("permissions") or "0")}
            for g in found or [] if isinstance(g, dict) and str(g.get("id", "")).isdigit()]


def current_user(discord, access_token: str) -> dict:
    return discord.get("/users/@me", auth=False, headers={"Authorization": f"Bearer {access_token}"})


def member_roles(discord, guild_id, user_id) -> list | None:
    """The member's role ids, or None when they aren't in the guild."""
    try:
        member = discord.get(f"/guilds/{guild_id}/members/{user_id}")
    except DiscordError as error:
        if error.status == 404:
            return None
        raise
    return [str(r) for r in member.get("roles") or []]


def bot_guild_ids(discord, now, fresh=False) -> set:
    """The guilds the bot is in."""
    def fetch():
        ids, after = set(), "0"
        for _ in range(MAX_GUILD_PAGES):
            page = discord.get("/users/@me/guilds", params={"limit": GUILD_PAGE, "after": after}) or []
            ids |= {str(g["id"]) for g in page}
            if len(page) < GUILD_PAGE:
                break
            after = max((str(g["id"]) for g in page), key=int)
        return ids
    return _cached(("bot_guilds", discord.api_base), now, fetch, fresh)


def guild_roles(discord, guild_id, now) -> list:
    """The guild's roles, highest first: id, name, color, position, managed."""
    def fetch():
        roles = discord.get(f"/guilds/{guild_id}/roles") or []
        return sorted(({"id": str(r["id"]), "name": str(r.get("name") or "")[:100], "color": int(r.get("color") or 0),
                        "position": int(r.get("position") or 0), "managed": bool(r.get("managed"))}
                       for r in roles), key=lambda r: (-r["position"], int(r["id"])))
    return _cached(("roles", discord.api_base, str(guild_id)), now, fetch)


def member_count(discord, guild_id, now) -> int | None:
    """Discord's approximate member count, or None when Discord doesn't say."""
    def fetch():
        try:
            guild = discord.get(f"/guilds/{guild_id}", params={"with_counts": "true"})
        except DiscordError:
            return None
        count = guild.get("approximate_member_count")
        return int(count) if isinstance(count, int) else None
    return _cached(("members", discord.api_base, str(guild_id)), now, fetch)


TEXT_CHANNEL_TYPES = {0: "text", 5: "announcement"}


def guild_channels(discord, guild_id, now) -> list:
    """The guild's text and announcement channels: id, name, type, category id, in Discord's order."""
    def fetch():
        found = discord.get(f"/guilds/{guild_id}/channels") or []
        return [{"id": str(c["id"]), "name": str(c.get("name") or "")[:100], "type": TEXT_CHANNEL_TYPES[c["type"]],
                 "parent_id": str(c["parent_id"]) if c.get("parent_id") else None}
                for c in sorted(found, key=lambda c: (int(c.get("position") or 0), int(c["id"])))
                if c.get("type") in TEXT_CHANNEL_TYPES]
    return _cached(("channels", discord.api_base, str(guild_id)), now, fetch)
