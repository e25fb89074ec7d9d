"""The one place automod records a moderation case (warn, timeout), through moderation's case service."""
import logging

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
