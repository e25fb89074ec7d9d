"""/premium: this server's tier, its renewal or end date, usage against the limits, and the upgrade link."""
from app.interactions.declare import SlashCommand
from app.interactions.responses import action_row, embed

LINK_STYLE = 5

premium = SlashCommand("premium", "This server's premium tier, its limits, and how to upgrade")


def _date(iso) -> str:
    from datetime import datetime
    return f"<t:{int(datetime.fromisoformat(iso).timestamp())}:D>"


def _usage_line(name, used, allowed) -> str:
    from app.premium.tiers import LIMITS
    return f"**{LIMITS[name]}**: up to {allowed:,}" if used is None else f"**{LIMITS[name]}**: {used:,} of {allowed:,}"


@premium
def show_premium(ctx):
    from app.premium import billing, tiers, usage
    status = billing.status(ctx.db, ctx.runtime.settings, ctx.guild_id, ctx.now)
    lines = [f"**Tier**: {status['title']}"]
    if status["renews_at"]:
        lines.append(f"**Renews**: {_date(status['renews_at'])}")
    elif status["ends_at"]:
        why = {"past_due": " (the last payment failed; update the card to keep it)",
               "canceling": " (canceled)"}.get(status["status"], "")
        lines.append(f"**Ends**: {_date(status['ends_at'])}{why}")
    used = usage.usage(ctx.db, ctx.guild_id, ctx.now)
    lines += ["", "**Usage**"] + [_usage_line(name, *pair) for name, pair in used.items()]
    offers = [t for t in tiers.TIERS.values() if t.name != "free" and t.name != status["tier"]]
    lines += ["", "**Tiers**"] + [f"{t.title} ({t.price}): {t.custom_commands} custom commands, "
                                  f"{t.automod_words:,} bad words, {t.backups} backups, "
                                  f"{t.ai_answers_per_day:,} AI answers a day" for t in offers]
    url = billing.premium_page(ctx.runtime.settings, ctx.guild_id)
    label = "Manage premium" if status["tier"] != "free" else "Upgrade"
    return ctx.reply(embeds=[embed(f"StatusSync premium · {status['title']}", "\n".join(lines))],
                     components=[action_row({"type": 2, "style": LINK_STYLE, "label": label, "url": url})], ephemeral=True)
