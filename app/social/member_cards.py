"""Rank and rep cards for one member: figures from the database, avatar from the CDN, PNG + text.

`member` is a plain dict (JSON, it crosses to deferred work): id, name, avatar, discriminator.
The text says everything the image shows, for screen readers and clients that don't load images.
"""
from app.discord.cdn import fetch_avatar
from app.social import leaderboard, rep, text_layout

DEFAULT_CDN_BASE = "https://cdn.discordapp.com"
AVATAR_TIMEOUT_S = 1.5


def member_dict(target) -> dict:
    """What a card needs to know of a Target (an option's user, or the invoker)."""
    return {"id": target.id, "name": target.name, "avatar": target.user.get("avatar"),
            "discriminator": target.user.get("discriminator")}


def plain_name(member: dict) -> str:
    """The name as text: control and bidi-override characters removed, never empty."""
    return text_layout.clean_text(member.get("name") or "")[:64] or "Member"


def avatar_of(settings: dict, member: dict) -> bytes | None:
    """The avatar bytes, or None (the card then draws initials) when the CDN fails or is slow."""
    return fetch_avatar(settings.get("DISCORD_CDN_BASE") or DEFAULT_CDN_BASE, member["id"], member.get("avatar"),
                        size=128, timeout=AVATAR_TIMEOUT_S, discriminator=member.get("discriminator"))


def rank_text(member: dict, figures: dict) -> str:
    weekly = f"{figures['weekly_xp']:,} XP this week" + (
        f" (#{figures['weekly_rank']:,})" if figures["weekly_rank"] else "")
    return (f"<@{member['id']}> · rank #{figures['rank']:,} · level {figures['level']:,} · "
            f"{figures['xp_into_level']:,}/{figures['xp_for_next_level']:,} XP to level {figures['level'] + 1:,} · "
            f"{figures['xp']:,} XP in total · {weekly}")


def rank_card(runtime, conn, guild_id, member: dict, now) -> tuple[bytes, str, str]:
    """(PNG, message text, image description) of a member's rank card."""
    from app.social.cards import render_rank_card

    figures = leaderboard.standing(conn, guild_id, member["id"], now)
    png = render_rank_card(name=member.get("name") or "", avatar=avatar_of(runtime.settings, member),
                           level=figures["level"], xp_into_level=figures["xp_into_level"],
                           xp_for_next_level=figures["xp_for_next_level"], rank=figures["rank"],
                           total_xp=figures["xp"], weekly_xp=figures["weekly_xp"],
                           weekly_rank=figures["weekly_rank"])
    description = (f"Rank card of {plain_name(member)}: rank {figures['rank']}, level {figures['level']}, "
                   f"{figures['xp']} XP, {figures['weekly_xp']} XP this week")
    return png, rank_text(member, figures), description


def rep_text(member: dict, figures: dict) -> str:
    standing = f"rank #{figures['rank']:,}" if figures["rank"] else "no rank yet"
    lines = [f"<@{member['id']}> · ★ {figures['rep']:,} rep · {standing} · {figures['given']:,} rep given"]
    for entry in figures["recent"]:
        reason = f": “{text_layout.clean_text(entry['reason'])[:200]}”" if entry["reason"] else ""
        lines.append(f"• from <@{entry['giver_id']}>{reason}")
    return "\n".join(lines)


def rep_card(runtime, conn, guild_id, member: dict) -> tuple[bytes, str, str]:
    """(PNG, message text, image description) of a member's rep card."""
    from app.social.cards import render_rep_card

    figures = rep.profile(conn, guild_id, member["id"])
    recent = [(entry["giver_name"] or "a member", entry["reason"]) for entry in figures["recent"]]
    png = render_rep_card(name=member.get("name") or "", avatar=avatar_of(runtime.settings, member),
                          rep=figures["rep"], rank=figures["rank"], given=figures["given"], recent=recent)
    description = f"Reputation card of {plain_name(member)}: {figures['rep']} rep, {figures['given']} given"
    return png, rep_text(member, figures), description
