"""The one place automod records a moderation case (warn, timeout), through moderation's case service."""
import logging

from app.discord.errors import DiscordError

log = logging.getLogger(__name__)


def record_automod_case(conn, guild_id, action, user_id, reason, now, *, expires_at=None, details=None):
    """A numbered case with no moderator (AutoMod acted), source 'automod'; the caller commits."""
    from app.moderation.cases import record_case  # moderation's service owns numbering and the mod_logs row
    return record_case(conn, guild_id, action, user_id, None, reason, now, expires_at=expires_at,
                       source="automod", details=details)


def post_to_modlog(discord, conn, guild_id, case):
    """Post the case to the guild's mod-log channel if one is set; a failure is logged, the case is kept."""
    from app import guild_settings
    from app.moderation.modlog import post_case
    channel_id = guild_settings.load_section(conn, guild_id, "modlog").get("channel_id")
    problem = post_case(discord, channel_id, case)
    if problem:
        log.warning("guild %s: automod case %s: %s", guild_id, case["case_number"], problem)


def escalate_warning(discord, conn, guild_id, user_id, warn_case, now):
    """An automod warning counts like a moderator's /warn: apply the guild's escalation step it reaches.

    Runs in the scan's transaction (no commit here), so a crash before the scan commits rolls the warning
    and its escalation back together and the rerun judges both afresh, once.
    """
    from app import guild_settings
    from app.moderation.escalation import escalate
    settings = guild_settings.load_section(conn, guild_id, "moderation")
    if not settings["escalation"]:
        return None
    guild_name = None
    try:
        guild_name = (discord.cached_get(f"/guilds/{guild_id}") or {}).get("name")
    except DiscordError as error:  # only the DM's wording needs the name
        log.info("guild %s: name unavailable for the escalation DM: %s", guild_id, error)
    outcome, note = escalate(discord, conn, guild_id=guild_id, user_id=user_id, bot_id=discord.application_id,
                             bot_bits=None, now=now, settings=settings, warn_case=warn_case, guild_name=guild_name,
                             commit=False)
    if note and outcome is None:
        log.warning("guild %s: automod warning case %s: %s", guild_id, warn_case["case_number"], note)
    return outcome
