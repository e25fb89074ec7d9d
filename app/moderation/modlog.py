"""The mod-log embed of a case, and posting it to the guild's configured channel."""
import logging

from ..discord.rest import DiscordError

log = logging.getLogger(__name__)

COLORS = {"ban": 0xED4245, "kick": 0xE67E22, "timeout": 0xFEE75C, "warn": 0xF1C40F, "unban": 0x57F287,
          "untimeout": 0x57F287, "purge": 0x5865F2}
TITLES = {"ban": "Ban", "unban": "Unban", "kick": "Kick", "timeout": "Timeout", "untimeout": "Timeout removed",
          "warn": "Warning", "automod_block": "AutoMod blocked a message",
          "automod_alert": "AutoMod flagged a message", "automod_timeout": "AutoMod timeout"}
NOTES_SHOWN = 5  # Discord refuses an embed past 25 fields or 6,000 characters; reasons run to 512 each
SOURCES = {"expiry": "temporary ban expired", "escalation": "automatic escalation",
           "audit": "done outside StatusSync (audit log)"}


def action_title(case: dict) -> str:
    title = TITLES.get(case["action"], case["action"].replace("_", " ").capitalize())
    if case["action"] == "ban" and case.get("expires_at"):
        title = "Temporary ban"
    return title


def case_embed(case: dict, notes=()) -> dict:
    from ..discord.messages import embed
    fields = [("Member", f"<@{case['user_id']}> (`{case['user_id']}`)", True),
              ("Moderator", f"<@{case['moderator_id']}>" if case.get("moderator_id") else "Discord AutoMod", True),
              ("Reason", case.get("reason") or "No reason given")]
    if case.get("expires_at"):
        label = "Ends" if case["action"] in ("ban", "timeout") else "Expires"
        fields.append((label, f"<t:{int(case['expires_at'].timestamp())}:f>", True))
    if case.get("source") in SOURCES:
        fields.append(("Source", SOURCES[case["source"]], True))
    notes = list(notes)
    if len(notes) > NOTES_SHOWN:
        fields.append(("More earlier reasons", f"{len(notes) - NOTES_SHOWN} older ones aren't shown."))
    for note in notes[-NOTES_SHOWN:]:
        fields.append((f"Earlier reason ({note['created_at']:%Y-%m-%d})", note["old_reason"] or "No reason given"))
    return embed(f"Case #{case['case_number']} · {action_title(case)}", fields=fields,
                 color=COLORS.get(case["action"], 0x99AAB5), timestamp=case["created_at"].isoformat())


def enqueue_case(conn, case: dict, now, settings: dict | None = None) -> int | None:
    """Queue the case's mod-log post in the case's own transaction (sent after commit, once)."""
    from .. import guild_settings, outbox
    section = settings["modlog"] if settings else guild_settings.load_section(conn, case["guild_id"], "modlog")
    channel_id = section["channel_id"]
    if not channel_id:
        return None
    return outbox.enqueue(conn, guild_id=case["guild_id"], channel_id=channel_id, body={"embeds": [case_embed(case)]},
                          now=now, key=f"case:{case['guild_id']}:{case['case_number']}")


def post_case(discord, channel_id, case: dict) -> str | None:
    """Post the case to the mod log; returns a plain-words problem instead of raising (the case is kept)."""
    if not channel_id:
        return None
    try:
        discord.send_message(channel_id, embeds=[case_embed(case)])
    except DiscordError as error:
        log.warning("mod-log post for case %s in guild %s failed: %s", case["case_number"], case["guild_id"], error)
        return f"The case is saved, but I couldn't post it to the mod log: {error.explain()}"
    return None
