"""Who may act on whom: the invoker's permission bits, the bot's, and role hierarchy."""
from ..discord import permissions as perms
from ..errors import UserError


class Guild:
    """What hierarchy needs to know about a guild: its owner and each role's position."""

    def __init__(self, data: dict):
        self.id, self.owner_id = str(data["id"]), str(data.get("owner_id"))
        self.positions = {str(r["id"]): int(r.get("position") or 0) for r in data.get("roles") or []}

    def top_position(self, role_ids) -> int:
        """The position of the highest role among `role_ids` (@everyone is 0)."""
        return max((self.positions.get(str(r), 0) for r in role_ids or ()), default=0)


def fetch_bot_roles(discord, guild_id) -> list:
    member = discord.cached_get(f"/guilds/{guild_id}/members/{discord.application_id}")
    return list(member.get("roles") or [])


def require_permission(invoker_bits: int, bot_bits: int, permission: int) -> None:
    """The invoker and the bot both need `permission` (ADMINISTRATOR grants everything)."""
    label = perms.name(permission)
    if not perms.has(invoker_bits, permission):
        raise UserError(f"You need the {label} permission to do that.")
    if not perms.has(bot_bits, permission):
        raise UserError(f"I need the {label} permission here. Ask an admin to give it to my role.")


def check_hierarchy(guild: Guild, *, invoker_id, invoker_roles, target_id, target_roles, bot_id, bot_roles,
                    target_is_member: bool, verb: str) -> None:
    """UserError when the invoker may not `verb` the target: owner, self, the bot, or roles too high."""
    invoker_id, target_id, bot_id = str(invoker_id), str(target_id), str(bot_id)
    if target_id == invoker_id:
        raise UserError(f"You can't {verb} yourself.")
    if target_id == bot_id:
        raise UserError(f"I won't {verb} myself. Use Discord's server settings if you want me gone.")
    if target_id == guild.owner_id:
        raise UserError(f"Nobody can {verb} the server owner.")
    if not target_is_member:
        return  # a user who isn't in the server has no roles to compare (ban and unban by id)
    target_top = guild.top_position(target_roles)
    if invoker_id != guild.owner_id and target_top >= guild.top_position(invoker_roles):
        raise UserError(f"You can't {verb} <@{target_id}>: their highest role is at or above yours.")
    if target_top >= guild.top_position(bot_roles):
        raise UserError(f"I can't {verb} <@{target_id}>: their highest role is at or above mine. "
                        "Move my role above theirs in Server Settings → Roles.")
