"""The Discord side of a journaled action: the call itself, the DM that comes first, the current timeout."""
from datetime import datetime, timezone

from ..discord.errors import DiscordError


def call(discord, row) -> None:
    guild_id, user_id, reason = row["guild_id"], row["user_id"], row["reason"]
    member = f"/guilds/{guild_id}/members/{user_id}"
    action = row["action"]
    if action == "ban":
        discord.put(f"/guilds/{guild_id}/bans/{user_id}", {"delete_message_seconds": int(row["delete_seconds"] or 0)},
                    reason=reason)
    elif action == "unban":
        discord.delete(f"/guilds/{guild_id}/bans/{user_id}", reason=reason)
    elif action == "kick":
        discord.delete(member, reason=reason)
    elif action == "timeout":
        discord.patch(member, {"communication_disabled_until": row["until"].isoformat()}, reason=reason)
    elif action == "untimeout":
        discord.patch(member, {"communication_disabled_until": None}, reason=reason)


def send_dm(discord, row) -> tuple:
    """(dm_state, note): tell the member before they lose access; a closed DM never blocks the action."""
    try:
        channel = discord.post("/users/@me/channels", {"recipient_id": str(row["user_id"])})
        discord.send_message(channel["id"], row["dm_text"])
    except DiscordError as error:
        return "failed", f"I couldn't DM them first: {error.explain()}"
    return "sent", None


def timed_out_until(discord, guild_id, user_id) -> datetime:
    """When the member's current timeout ends (the epoch if none): an automod timeout never shortens one."""
    member = discord.get(f"/guilds/{guild_id}/members/{user_id}") or {}
    until = member.get("communication_disabled_until")
    return datetime.fromisoformat(until.replace("Z", "+00:00")) if until else datetime.min.replace(tzinfo=timezone.utc)
