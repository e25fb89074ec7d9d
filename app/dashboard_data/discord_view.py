"""What the dashboard asks Discord (through the one REST client), each answer kept at most 60 s.

The user's own guild list is read with their OAuth2 token; members, roles and the bot's guilds with the
bot token. Times come from the caller's clock, so a test that moves the clock sees the cache expire.
"""
import threading
from datetime import timedelta

from app.discord.errors import DiscordError

FRESH = timedelta(seconds=60)
GUILD_PAGE = 200

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


def bot_in(discord, guild_ids, now) -> set:
    """Which of `guild_ids` the bot is in. One page of the bot's own guild list answers for a bot in fewer
    than 200 guilds; a bigger bot asks about each guild (GET /guilds/{id}), each answer kept 60 s."""
    first = _cached(("bot_guilds", discord.api_base), now,
                    lambda: [str(g["id"]) for g in discord.get("/users/@me/guilds", params={"limit": GUILD_PAGE}) or []])
    if len(first) < GUILD_PAGE:
        return set(first) & {str(g) for g in guild_ids}
    return {str(g) for g in guild_ids if guild_info(discord, g, now)["present"]}


def guild_info(discord, guild_id, now) -> dict:
    """{"present": whether the bot is in the guild, "members": Discord's approximate count or None}."""
    def fetch():
        try:
            guild = discord.get(f"/guilds/{guild_id}", params={"with_counts": "true"})
        except DiscordError as error:
            if error.status in (403, 404):
                return {"present": False, "members": None}
            raise
        count = guild.get("approximate_member_count")
        return {"present": True, "members": int(count) if isinstance(count, int) else None}
    return _cached(("guild", discord.api_base, str(guild_id)), now, fetch)


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
    try:
        return guild_info(discord, guild_id, now)["members"]
    except DiscordError:
        return None


TEXT_CHANNEL_TYPES = {0: "text", 5: "announcement"}


def _all_channels(discord, guild_id, now) -> list:
    return _cached(("channels", discord.api_base, str(guild_id)), now,
                   lambda: discord.get(f"/guilds/{guild_id}/channels") or [])


def guild_channels(discord, guild_id, now) -> list:
    """The guild's text and announcement channels: id, name, type, category id, in Discord's order."""
    found = _all_channels(discord, guild_id, now)
    return [{"id": str(c["id"]), "name": str(c.get("name") or "")[:100], "type": TEXT_CHANNEL_TYPES[c["type"]],
             "parent_id": str(c["parent_id"]) if c.get("parent_id") else None}
            for c in sorted(found, key=lambda c: (int(c.get("position") or 0), int(c["id"])))
            if c.get("type") in TEXT_CHANNEL_TYPES]


def guild_channel_ids(discord, guild_id, now) -> set:
    """Every channel of the guild (categories, voice and forums too)."""
    return {str(c["id"]) for c in _all_channels(discord, guild_id, now)}
