"""Mod-log notices when premium starts, changes tier, is canceled, fails to renew or ends: queued in the
outbox in the transaction of the change, sent after commit, once (keyed)."""
from .. import guild_settings, outbox
from ..discord.messages import embed
from . import state
from .tiers import TIERS

GOLD, RED, GREY = 0xF1C40F, 0xED4245, 0x99AAB5


def _when(moment) -> str:
    return f"<t:{int(moment.timestamp())}:D>" if moment else "no end date"


def describe_change(before, after, now) -> tuple | None:
    """(title, text, color) of what a member should hear about the change from `before` to `after`."""
    # what members were last told: a live row counts as told until the premium job marks it expired
    was = before["tier"] if before and before["status"] in state.LIVE else None
    now_tier = state.counts(after, now)
    if now_tier and not was:
        title, text = TIERS[now_tier].title, f"This server now has the {TIERS[now_tier].title} tier."
        if after["status"] == "active" and after["current_period_end"] and after["source"] == "stripe":
            text += f" Renews: {_when(after['current_period_end'])}."
        elif after["status"] != "active" or after["source"] == "manual":
            text += f" Until: {_when(after['premium_until'])}."
        return (f"StatusSync {title} is active", text + " See `/premium`.", GOLD)
    if was and not now_tier:
        return ("Premium has ended", f"StatusSync {TIERS[was].title} has ended for this server; the Free tier's "
                "limits apply again. Nothing was deleted. See `/premium` to subscribe again.", GREY)
    if not was:
        return None
    if now_tier != was:
        return (f"Now on StatusSync {TIERS[now_tier].title}", f"This server moved from {TIERS[was].title} to "
                f"{TIERS[now_tier].title}. See `/premium` for the new limits.", GOLD)
    if after["status"] == "past_due" and (before or {}).get("status") != "past_due":
        return ("Premium failed to renew", f"The payment for StatusSync {TIERS[now_tier].title} failed. Premium "
                f"stays until {_when(after['premium_until'])} while Stripe retries; a server manager can update "
                "the card from the dashboard's premium page.", RED)
    if after["status"] == "canceling" and (before or {}).get("status") != "canceling":
        return ("Premium canceled", f"StatusSync {TIERS[now_tier].title} was canceled and stays until "
                f"{_when(after['premium_until'])}.", GREY)
    if after["status"] == "active" and (before or {}).get("status") in ("past_due", "canceling"):
        return ("Premium renewed", f"StatusSync {TIERS[now_tier].title} renews again: "
                f"{_when(after['current_period_end'])}.", GOLD)
    return None


def enqueue_change(conn, guild_id, before, after, now, key: str) -> int | None:
    """Queue the notice of a change (None when there is nothing to tell or no mod-log channel)."""
    notice = describe_change(before, after, now)
    channel_id = guild_settings.load_section(conn, guild_id, "modlog")["channel_id"] if notice else None
    if not channel_id:
        return None
    title, text, color = notice
    return outbox.enqueue(conn, guild_id=guild_id, channel_id=channel_id, now=now, key=key,
                          body={"embeds": [embed(title, text, color=color)]})


def enqueue_ended(conn, guild_id, tier: str, now, key: str) -> int | None:
    """The notice of premium that ran out with no news from Stripe (the premium job's expiry)."""
    before = {"tier": tier, "status": "active"}
    return enqueue_change(conn, guild_id, before, None, now, key)
