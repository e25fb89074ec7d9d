"""/imgsay: a member's text drawn onto an image, in one of a few styles.

The text is wrapped by measured width and set at the largest font size that fits the
box (binary search). Pillow is imported inside the functions that draw.
"""
import re
from dataclasses import dataclass

from app.social import text_layout

IMGSAY_MAX_CHARS = 300
IMGSAY_MAX_LINE_BREAKS = 8
IMGSAY_SIZE = (800, 400)
IMGSAY_MARGIN = 56
_MIN_FONT, _MAX_FONT = 14, 96
_LINE_SPACING = 1.12


class ImgsayError(ValueError):
    """Text /imgsay can't draw; `message` tells the member what to change."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImgsayStyle:
    label: str                 # shown as the /imgsay style choice
    top: str                   # background gradient
    bottom: str
    text: str
    font: str                  # a text_layout.FONT_FILES role
    outline: str | None = None  # meme-style stroke around the letters
    glow: str | None = None     # neon-style blurred halo
    shadow: str | None = None   # soft drop shadow
    uppercase: bool = False
    quote_mark: str | None = None  # colour of a large opening quote mark


IMGSAY_STYLES = {
    "default": ImgsayStyle("Default", top="#5865F2", bottom="#8E5CF7", text="#FFFFFF", font="bold",
                           shadow="#2A2F8F"),
    "dark": ImgsayStyle("Dark", top="#2B2D31", bottom="#1E1F22", text="#F2F3F5", font="regular"),
    "meme": ImgsayStyle("Meme", top="#4A4A4A", bottom="#1C1C1C", text="#FFFFFF", font="meme",
                        outline="#000000", uppercase=True),
    "quote": ImgsayStyle("Quote", top="#FBF7EE", bottom="#EFE6D2", text="#2E2A24", font="quote",
                         quote_mark="#C9A227"),
    "neon": ImgsayStyle("Neon", top="#120A26", bottom="#050510", text="#FFE9FB", font="bold",
                        glow="#FF3BD4"),
}


def clean_imgsay_text(text: str, style: str = "default") -> str:
    """The text as it will be drawn, or ImgsayError saying what to change."""
    cleaned = text_layout.clean_text(text or "", keep_newlines=True)
    if len(cleaned) > IMGSAY_MAX_CHARS:
        raise ImgsayError(f"That text is {len(cleaned)} characters long; /imgsay takes at most "
                          f"{IMGSAY_MAX_CHARS}. Shorten it and try again.")
    head, *rest = re.sub(r"\n{3,}", "\n\n", cleaned).split("\n")
    # Line breaks past the limit become spaces, so a wall of newlines can't shrink the text to dust.
    lines = [head] + rest[:IMGSAY_MAX_LINE_BREAKS]
    cleaned = "\n".join(lines) + ("" if len(rest) <= IMGSAY_MAX_LINE_BREAKS
                                  else " " + " ".join(rest[IMGSAY_MAX_LINE_BREAKS:]))
    role = _font_role(cleaned, IMGSAY_STYLES[style])
    drawn = text_layout.drawable_text(cleaned, role)
    if not drawn.replace(text_layout.MISSING_RUN, "").strip():
        raise ImgsayError("There is nothing /imgsay can draw in that text: emoji and some scripts "
                          "(such as Chinese, Japanese or Korean) aren't supported yet. Add some words.")
    return drawn.upper() if IMGSAY_STYLES[style].uppercase else drawn


def _font_role(text: str, style: ImgsayStyle) -> str:
    # The serif italic lacks Arabic and Hebrew: fall back to the sans rather than drop letters.
    return style.font if text_layout.covers(text, style.font) else "regular"


def fit_text(text: str, role: str, box: tuple[int, int]) -> tuple[object, list[str], int]:
    """(font, lines, line_step) for the largest font size whose wrapped text fits `box`."""
    width, height = box

    def layout(size):
        font = text_layout.load_font(role, size)
        lines = text_layout.wrap_text(text, font, width)
        ascent, descent = font.getmetrics()
        step = int((ascent + descent) * _LINE_SPACING)
        block = step * (len(lines) - 1) + ascent + descent
        return font, lines, step, block <= height

    low, high = _MIN_FONT, _MAX_FONT
    while low < high:
        middle = (low + high + 1) // 2
        if layout(middle)[3]:
            low = middle
        else:
            high = middle - 1
    font, lines, step, _ = layout(low)
    return font, lines, step


def render_imgsay(text: str, style: str = "default") -> bytes:
    """An 800x400 PNG of `text` in `style` (a key of IMGSAY_STYLES); ImgsayError if it can't."""
    from PIL import Image, ImageDraw

    from app.social import card_drawing

    if style not in IMGSAY_STYLES:
        raise ImgsayError(f"Unknown style {style!r}; choose one of: {', '.join(IMGSAY_STYLES)}.")
    look = IMGSAY_STYLES[style]
    drawn = clean_imgsay_text(text, style)
    role = _font_role(drawn, look)
    width, height = IMGSAY_SIZE
    margin_x = IMGSAY_MARGIN + (56 if look.quote_mark else 0)
    font, lines, step = fit_text(drawn, role, (width - 2 * margin_x, height - 2 * IMGSAY_MARGIN))
    ascent, descent = font.getmetrics()
    block = step * (len(lines) - 1) + ascent + descent
    top = (height - block) // 2
    outline = max(2, font.size // 12) if look.outline else 0

    image = card_drawing.vertical_gradient(IMGSAY_SIZE, look.top, look.bottom)
    if look.quote_mark:
        mark_font = text_layout.load_font("quote", 160)
        ImageDraw.Draw(image).text((24, 4), "\u201c", font=mark_font, fill=look.quote_mark, anchor="la")
        ImageDraw.Draw(image).rectangle((36, height - 40, 120, height - 36), fill=look.quote_mark)

    # Text goes on a mask first so glow and shadow can be made from the same shapes.
    mask = Image.new("L", IMGSAY_SIZE, 0)
    mask_draw = ImageDraw.Draw(mask)
    for index, line in enumerate(lines):
        mask_draw.text((width / 2, top + index * step), text_layout.for_drawing(line), font=font,
                       fill=255, anchor="ma", stroke_width=outline, stroke_fill=255)
    if look.glow:
        for radius in (max(4, font.size // 5), max(2, font.size // 14)):
            image.paste(Image.new("RGB", IMGSAY_SIZE, look.glow), (0, 0), _soft_mask(mask, radius))
    if look.shadow:
        image.paste(Image.new("RGB", IMGSAY_SIZE, look.shadow), (0, 3),
                    _soft_mask(mask, 3).point(lambda value: value * 6 // 10 & ~7))
    if outline:
        image.paste(Image.new("RGB", IMGSAY_SIZE, look.outline), (0, 0), mask)
        mask = Image.new("L", IMGSAY_SIZE, 0)
        mask_draw = ImageDraw.Draw(mask)
        for index, line in enumerate(lines):
            mask_draw.text((width / 2, top + index * step), text_layout.for_drawing(line), font=font,
                           fill=255, anchor="ma")
    image.paste(Image.new("RGB", IMGSAY_SIZE, look.text), (0, 0), mask)
    return card_drawing.encode_png(image, compress_level=3)


def _soft_mask(mask, radius: int):
    """`mask` blurred by `radius`, in 32 steps: smooth to the eye, and far smaller as PNG."""
    from PIL import Image, ImageFilter

    if radius >= 8:  # wide halos are blurred at quarter size: 4x faster, no visible difference
        width, height = mask.size
        small = mask.resize((width // 4, height // 4), Image.BOX).filter(ImageFilter.GaussianBlur(radius / 4))
        blurred = small.resize(mask.size, Image.BILINEAR)
    else:
        blurred = mask.filter(ImageFilter.GaussianBlur(radius))
    return blurred.point(lambda value: value & ~7)
