"""One moderation action: DM (optional) → act through Discord → record the case → commit → mod log.

When Discord refuses, DiscordError propagates before anything is recorded.
"""
import logging
from dataclasses import dataclass, field

from .. import db, guild_settings
from ..discord.rest import DiscordError
from . import modlog
from .cases import record_case

log = logging.getLogger(__name__)

DM_VERBS = {"ban": "banned from", "kick": "kicked from"}


@dataclass
class Outcome:
    case: dict
    notes: list = field(default_factory=list)  # side problems in plain words (DM closed, mod log failed...)
    settings: dict = field(default_factory=dict)  # the guild's settings as they were for this action


def _act(discord, action, guild_id, user_id, reason, until, delete_seconds):
    member = f"/guilds/{guild_id}/members/{user_id}"
    if action == "ban":
        discord.put(f"/guilds/{guild_id}/bans/{user_id}", {"delete_message_seconds": int(delete_seconds or 0)},
                    reason=reason)
    elif action == "unban":
        discord.delete(f"/guilds/{guild_id}/bans/{user_id}", reason=reason)
    elif action == "kick":
        discord.delete(member, reason=reason)
    elif action == "timeout":
        discord.patch(member, {"communication_disabled_until": until.isoformat()}, reason=reason)
    elif action == "untimeout":
        discord.patch(member, {"communication_disabled_until": None}, reason=reason)
    elif action != "warn":
        raise ValueError(f"unknown moderation action {action!r}")


def _dm_member(discord, user_id, action, guild_name, reason) -> str | None:
    """Tell the member before they lose access; a closed DM never blocks the action."""
    text = f"You were {DM_VERBS[action]} **{guild_name or 'a server'}**."
    if reason:
        text += f"\nReason: {reason}"
    try:
        channel = discord.post("/users/@me/channels", {"recipient_id": str(user_id)})
        discord.send_message(channel["id"], text)
    except DiscordError as error:
        return f"I couldn't DM them first: {error.explain()}"
    return None


def take_action(discord, conn, *, action: str, guild_id, user_id, moderator_id, reason, now, duration=None,
                delete_seconds=0, dm=False, guild_name=None, source="command", details=None,
                commit=True) -> Outcome:
    """Act on Discord, then record and commit the case, then post it to the mod log.

    commit=False leaves the commit to a caller whose own writes must stand or fall with the case (the scan).
    """
    settings = guild_settings.load(conn, guild_id)
    notes = []
    if dm and action in DM_VERBS and settings["modlog"]["dm_members"]:
        notes.append(_dm_member(discord, user_id, action, guild_name, reason))
    until = now + duration if duration else None
    _act(discord, action, guild_id, user_id, reason, until, delete_seconds)
    if action in ("ban", "unban"):
        db.run(conn, "moderation.end_active_bans", {"guild_id": int(guild_id), "user_id": int(user_id)})
    case = record_case(conn, guild_id, action, user_id, moderator_id, reason, now, expires_at=until,
                       source=source, details=details, active=action == "ban" and until is not None)
    if commit:
        conn.commit()  # Discord has acted: the record must survive whatever happens next
    notes.append(modlog.post_case(discord, settings["modlog"]["channel_id"], case))
    return Outcome(case, [n for n in notes if n], settings)
