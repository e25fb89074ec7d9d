"""A channel or role id the dashboard is asked to store must be one of this guild's: a manager of one
server must not point the bot's mod log (or an exemption, a reward role) at another server's channel."""
from app.dashboard_data import discord_view
from app.dashboard_data.errors import DashboardError
from app.discord.errors import DiscordError

CHANNEL_KEYS = ("channel_id", "channel_ids", "exempt_channels")
ROLE_KEYS = ("role_id", "role_ids", "roles", "exempt_roles")


def _ids(value) -> list:
    values = value if isinstance(value, list) else [value]
    return [str(v) for v in values if isinstance(v, (str, int)) and not isinstance(v, bool) and str(v).isdigit()]


def mentioned(value, found=None) -> dict:
    """{"channels": set, "roles": set} of the ids under keys that name channels or roles, at any depth."""
    found = found if found is not None else {"channels": set(), "roles": set()}
    if isinstance(value, dict):
        for key, item in value.items():
            key = str(key)
            if key.endswith(CHANNEL_KEYS):
                found["channels"].update(_ids(item))
            elif key.endswith(ROLE_KEYS):
                found["roles"].update(_ids(item))
            mentioned(item, found)  # level_roles: [{"level": 5, "role_id": ...}]
    elif isinstance(value, list):
        for item in value:
            mentioned(item, found)
    return found


def check(discord, guild_id, values, now) -> None:
    """DashboardError 400 naming the first id that isn't this guild's (503 when Discord can't tell)."""
    wanted = mentioned(values)
    if not wanted["channels"] and not wanted["roles"]:
        return
    try:
        channels = discord_view.guild_channel_ids(discord, guild_id, now) if wanted["channels"] else set()
        roles = {r["id"] for r in discord_view.guild_roles(discord, guild_id, now)} if wanted["roles"] else set()
    except DiscordError:
        raise DashboardError(503, "Discord didn't list this server's channels and roles; try again.") from None
    for channel_id in sorted(wanted["channels"] - channels):
        raise DashboardError(400, f"Channel {channel_id} isn't in this server.")
    for role_id in sorted(wanted["roles"] - roles):
        raise DashboardError(400, f"Role {role_id} isn't in this server.")
