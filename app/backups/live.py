"""The server as it is now, read fresh before a preview and before each link of a restore."""
from dataclasses import dataclass

from ..discord import permissions as perms
from . import document as doc

ALL_BITS = (1 << 53) - 1


@dataclass
class Live:
    guild: dict
    roles: dict       # id -> role
    channels: dict    # id -> channel
    bot_bits: int     # the bot's server-wide permissions (all of them with Administrator)
    bot_top: int      # the position of the bot's highest role: it can't touch roles at or above it
    bot_role_ids: tuple = ()

    @property
    def guild_id(self) -> str:
        return str(self.guild["id"])

    @property
    def community(self) -> bool:
        return "COMMUNITY" in (self.guild.get("features") or [])

    @property
    def role_icons(self) -> bool:
        return "ROLE_ICONS" in (self.guild.get("features") or [])

    def can(self, bit) -> bool:
        return bool(self.bot_bits & bit)

    def refresh_roles(self, roles) -> None:
        """The roles read again (creating a role moves the others up, the bot's too)."""
        self.roles = {str(r["id"]): r for r in roles}
        self.bot_top = max((int(self.roles[r]["position"]) for r in self.bot_role_ids if r in self.roles), default=0)


def read(discord, guild_id) -> Live:
    """Three calls: the guild with its roles, its channels, and the bot's own membership."""
    guild = discord.get(f"/guilds/{guild_id}")
    channels = discord.get(f"/guilds/{guild_id}/channels")
    me = discord.get(f"/guilds/{guild_id}/members/{discord.application_id}")
    return of(guild, channels, me.get("roles") or [])


def of(guild, channels, bot_role_ids) -> Live:
    roles = {str(r["id"]): r for r in guild.get("roles") or []}
    bits = int((roles.get(str(guild["id"])) or {}).get("permissions") or 0)
    for role_id in bot_role_ids:
        bits |= int((roles.get(str(role_id)) or {}).get("permissions") or 0)
    top = max((int(roles[str(r)]["position"]) for r in bot_role_ids if str(r) in roles), default=0)
    return Live(guild=guild, roles=roles,
                channels={str(c["id"]): c for c in channels if c.get("type") not in doc.THREAD_TYPES},
                bot_bits=ALL_BITS if bits & perms.ADMINISTRATOR else bits, bot_top=top,
                bot_role_ids=tuple(str(r) for r in bot_role_ids))
