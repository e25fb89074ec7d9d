"""Checking a moderation request before acting: permissions, membership and role hierarchy."""
from dataclasses import dataclass

from .. import deadlines
from ..discord.rest import DiscordError
from ..errors import UserError
from .checks import Guild, check_hierarchy, fetch_bot_roles, require_permission

UNKNOWN_MEMBER = 10007
_pool = None


def _lookups():
    global _pool
    if _pool is None:
        from concurrent.futures import ThreadPoolExecutor
        _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="mod-lookup")
    return _pool


@dataclass
class Checked:
    guild: Guild | None
    guild_name: str | None
    member: dict | None  # the target's membership, None when they aren't in the server


def _membership(discord, guild_id, target):
    """The target's member object: from the interaction when Discord resolved it, else from Discord."""
    if target.member is not None:
        return target.member
    try:
        return discord.get(f"/guilds/{guild_id}/members/{target.id}")
    except DiscordError as error:
        if error.code == UNKNOWN_MEMBER:
            return None
        raise


def check_request(discord, *, guild_id, invoker, invoker_bits, bot_bits, target, permission, verb,
                  needs_member=True) -> Checked:
    """Raise UserError/DiscordError when the invoker may not `verb` the target; else what was learned."""
    if not guild_id:
        raise UserError("Moderation commands work in servers only.")
    require_permission(invoker_bits, bot_bits, permission)
    member = _membership(discord, guild_id, target)
    if member is None:
        if needs_member:
            raise UserError(f"<@{target.id}> isn't in this server (any more), so I can't {verb} them.")
        if not target.user.get("username"):
            discord.get(f"/users/{target.id}")  # an id Discord doesn't know answers 10013, explained
    # The two lookups are independent: asking both at once keeps a command's answer well inside 3 s.
    bot_roles = _lookups().submit(deadlines.carried(fetch_bot_roles, discord, guild_id))
    raw = discord.cached_get(f"/guilds/{guild_id}")
    guild = Guild(raw)
    check_hierarchy(guild, invoker_id=invoker.id, invoker_roles=invoker.roles, target_id=target.id,
                    target_roles=(member or {}).get("roles"), bot_id=discord.application_id,
                    bot_roles=bot_roles.result(), target_is_member=member is not None, verb=verb)
    return Checked(guild, raw.get("name"), member)
