"""Rank and reputation cards, and (re-exported) the /imgsay renderer: PNG bytes in, nothing else.

Pillow is imported inside the render functions, so importing this module costs nothing
on the interaction path. Callers send the figures as text too; the image is decoration.
"""
import functools

from app.social import text_layout
from app.social.imgsay import IMGSAY_MAX_CHARS, IMGSAY_STYLES, ImgsayError, render_imgsay

__all__ = ["render_rank_card", "render_rep_card", "render_imgsay", "IMGSAY_STYLES",
           "IMGSAY_MAX_CHARS", "ImgsayError", "CARD_SIZE"]

CARD_SIZE = (934, 282)
_RANK_ACCENT = "#5865F2"  # Discord blurple
_REP_ACCENT = "#F0B232"   # gold
_CARD_TOP, _CARD_BOTTOM = (43, 45, 49), (30, 31, 34)
_WHITE, _GREY, _TRACK = (255, 255, 255), (181, 186, 193), (64, 66, 73)
_AVATAR_DIAMETER, _AVATAR_CENTRE = 176, (140, 141)
_TEXT_LEFT, _TEXT_RIGHT = 262, 894


def compact_number(value: int) -> str:
    """12,345 as is; 123.4K and 1.2M past six digits so figures keep fitting the card."""
    value = int(value)
    if abs(value) < 100_000:
        return f"{value:,}"
    for limit, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")):
        if abs(value) >= limit:
            return f"{value / limit:.1f}".rstrip("0").rstrip(".") + suffix
    return str(value)


def card_name(name: str) -> str:
    """A display name as the cards draw it: cleaned, emoji dropped, unsupported scripts as ⋯.

    Empty when nothing is drawable (e.g. an all-emoji name); the card then says "Member".
    """
    return text_layout.drawable_text(text_layout.clean_text(name), "bold")


def _new_card(accent):
    return _card_background(tuple(accent)).copy()


@functools.lru_cache(maxsize=32)
def _card_background(accent: tuple[int, int, int]):
    """The empty card for one accent colour; cached because members keep their colour."""
    from PIL import Image

    from app.social import card_drawing

    body = card_drawing.vertical_gradient(CARD_SIZE, _CARD_TOP, _CARD_BOTTOM)
    # A soft wash of the accent colour behind the avatar ties the card to the member.
    card_drawing.add_glow(body, _AVATAR_CENTRE, 420, accent, 0.28)
    card = Image.new("RGBA", CARD_SIZE, (0, 0, 0, 0))
    card.paste(body, (0, 0), card_drawing.smooth_rounded_rect(CARD_SIZE, 26))
    return card


def _draw_header(card, draw, *, name, avatar, accent, stats, name_baseline=150, name_right=_TEXT_RIGHT):
    """Avatar, the top-right `stats` ((label, value), ...) and the name; shared by both cards."""
    from app.social import card_drawing

    card_drawing.paste_avatar(card, _AVATAR_CENTRE, _AVATAR_DIAMETER, avatar, name, accent, _CARD_TOP)
    name = name or "Member"
    label_font = text_layout.load_font("regular", 22)
    value_font = text_layout.load_font("bold", 46)
    x = _TEXT_RIGHT
    for label, value, colour in reversed(stats):
        draw.text((x, 78), value, font=value_font, fill=colour, anchor="rs")
        x -= value_font.getlength(value) + 10
        draw.text((x, 78), label, font=label_font, fill=_GREY, anchor="rs")
        x -= label_font.getlength(label) + 28
    name_font = text_layout.load_font("bold", 40)
    shown = text_layout.truncate_to_width(name, name_font, name_right - _TEXT_LEFT)
    draw.text((_TEXT_LEFT, name_baseline), text_layout.for_drawing(shown), font=name_font,
              fill=_WHITE, anchor="ls")


def render_rank_card(*, name: str, avatar: bytes | None, level: int, xp_into_level: int,
                     xp_for_next_level: int, rank: int, total_xp: int, weekly_xp: int,
                     weekly_rank: int | None = None, accent=None) -> bytes:
    """A 934x282 PNG: avatar, name, rank, level, progress to the next level, weekly XP.

    `accent` is Discord's int colour (0xRRGGBB), '#rrggbb' or None for blurple.
    """
    from PIL import ImageDraw

    from app.social import card_drawing

    accent = card_drawing.parse_colour(accent, _RANK_ACCENT)
    name = card_name(name)
    card = _new_card(accent)
    draw = ImageDraw.Draw(card)
    small = text_layout.load_font("regular", 24)
    small_bold = text_layout.load_font("bold", 24)

    progress_text = f" / {compact_number(xp_for_next_level)} XP"
    done_text = compact_number(xp_into_level)
    progress_width = small.getlength(progress_text) + small_bold.getlength(done_text)
    _draw_header(card, draw, name=name, avatar=avatar, accent=accent,
                 stats=(("RANK", f"#{rank:,}", _WHITE), ("LEVEL", f"{level:,}", accent)),
                 name_right=int(_TEXT_RIGHT - progress_width - 24))
    draw.text((_TEXT_RIGHT, 150), progress_text, font=small, fill=_GREY, anchor="rs")
    draw.text((_TEXT_RIGHT - small.getlength(progress_text), 150), done_text, font=small_bold,
              fill=_WHITE, anchor="rs")

    bar_top, bar_bottom = 168, 204
    card_drawing.paste_rounded_rect(card, (_TEXT_LEFT, bar_top, _TEXT_RIGHT, bar_bottom), 18, _TRACK)
    fraction = min(1.0, max(0.0, xp_into_level / xp_for_next_level)) if xp_for_next_level > 0 else 0.0
    filled = int((_TEXT_RIGHT - _TEXT_LEFT) * fraction)
    if filled > 0:
        # Never narrower than the bar is tall, so a tiny fill is a dot rather than a sliver.
        right = _TEXT_LEFT + max(filled, bar_bottom - bar_top)
        card_drawing.paste_rounded_rect(card, (_TEXT_LEFT, bar_top, right, bar_bottom), 18, accent)

    total = f"Total {compact_number(total_xp)} XP"
    weekly = f"This week: {compact_number(weekly_xp)} XP"
    if weekly_rank is not None:
        weekly += f"  ·  #{weekly_rank:,}"
    weekly_room = _TEXT_RIGHT - _TEXT_LEFT - small.getlength(total) - 32
    draw.text((_TEXT_LEFT, 244), text_layout.truncate_to_width(weekly, small, weekly_room), font=small,
              fill=_GREY, anchor="ls")
    draw.text((_TEXT_RIGHT, 244), total, font=small, fill=_GREY, anchor="rs")
    return card_drawing.encode_png(card)


def _recent_line(entry) -> str:
    if isinstance(entry, (tuple, list)):
        giver, reason = (list(entry) + [None])[:2]
        entry = f"“{reason}” — {giver}" if reason else f"+1 from {giver}"
    return text_layout.drawable_text(text_layout.clean_text(str(entry)), "regular")


def render_rep_card(*, name: str, avatar: bytes | None, rep: int, rank: int | None,
                    given: int | None = None, recent=None, accent=None) -> bytes:
    """A 934x282 PNG in the rank card's style: avatar, name, rep, rank, rep given, latest rep received.

    `recent` is up to two entries, newest first: preformatted strings, or
    (giver_name, reason or None) pairs drawn as “reason” — giver.
    """
    from PIL import ImageDraw

    from app.social import card_drawing

    accent = card_drawing.parse_colour(accent, _REP_ACCENT)
    name = card_name(name)
    card = _new_card(accent)
    draw = ImageDraw.Draw(card)
    small = text_layout.load_font("regular", 24)
    small_bold = text_layout.load_font("bold", 24)
    given_label, given_value = " rep given", compact_number(given) if given is not None else ""
    given_width = small.getlength(given_label) + small_bold.getlength(given_value) if given is not None else 0
    stats = [("REP", f"★ {compact_number(rep)}", accent)]
    if rank is not None:
        stats.insert(0, ("RANK", f"#{rank:,}", _WHITE))
    _draw_header(card, draw, name=name, avatar=avatar, accent=accent, stats=stats,
                 name_right=int(_TEXT_RIGHT - given_width - 24))
    if given is not None:
        draw.text((_TEXT_RIGHT, 150), given_label, font=small, fill=_GREY, anchor="rs")
        draw.text((_TEXT_RIGHT - small.getlength(given_label), 150), given_value, font=small_bold,
                  fill=_WHITE, anchor="rs")

    panel = (_TEXT_LEFT, 168, _TEXT_RIGHT, 254)
    card_drawing.paste_rounded_rect(card, panel, 16, (35, 36, 40))
    lines = [line for line in map(_recent_line, recent or []) if line][:2]
    line_font = text_layout.load_font("regular", 22)
    if not lines:
        draw.text((panel[0] + 20, panel[1] + 52), "No reputation received yet.", font=line_font,
                  fill=_GREY, anchor="ls")
    for index, line in enumerate(lines):
        shown = text_layout.truncate_to_width(line, line_font, panel[2] - panel[0] - 40)
        top = panel[1] + (34 if len(lines) == 2 else 52) + index * 34
        draw.text((panel[0] + 20, top), text_layout.for_drawing(shown), font=line_font, fill=_WHITE, anchor="ls")
    return card_drawing.encode_png(card)
