"""Text for the image cards: cleaning, glyph coverage, right-to-left order, wrapping, fitting.

Pillow is imported inside the functions that need it, so importing this module costs nothing.
"""
import functools
import re
import unicodedata
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parents[2] / "fonts"
FONT_FILES = {
    "regular": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "meme": "DejaVuSansCondensed-Bold.ttf",
    "quote": "DejaVuSerif-Italic.ttf",
}
MISSING_RUN = "\u22ef"  # "⋯" stands for a run of characters no shipped font can draw
ELLIPSIS = "\u2026"
_KEPT_FORMAT_CHARS = {"\u200c"}  # zero-width non-joiner changes how Persian words are written
_SPACES = re.compile(r"[^\S\n]+")
_MISSING_RUNS = re.compile(MISSING_RUN + "(?: " + MISSING_RUN + ")+")


@functools.lru_cache(maxsize=256)
def load_font(role: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_DIR / FONT_FILES[role]), size)


@functools.lru_cache(maxsize=1)
def has_raqm() -> bool:
    """Whether Pillow can shape text (Arabic joining, bidi); without it we reorder runs ourselves."""
    from PIL import features

    return bool(features.check("raqm"))


def clean_text(text: str, *, keep_newlines: bool = False) -> str:
    """NFC text without control, format (bidi overrides), private-use or unassigned characters."""
    text = unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n")
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char == "\n":
            kept.append("\n" if keep_newlines else " ")
        elif char in "\t\r\v\f" or category in ("Zl", "Zp"):
            kept.append(" ")
        elif category == "Cc":
            continue
        elif category in ("Cs", "Co", "Cn") or (category == "Cf" and char not in _KEPT_FORMAT_CHARS):
            continue
        elif category.startswith("Z"):
            kept.append(" ")
        else:
            kept.append(char)
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(kept).split("\n")]
    return "\n".join(lines).strip()


@functools.lru_cache(maxsize=8)
def _coverage_probe(role: str):
    from PIL import ImageFont

    # Basic layout maps one character to one glyph, so a missing one is exactly .notdef.
    font = ImageFont.truetype(str(FONT_DIR / FONT_FILES[role]), 24, layout_engine=ImageFont.Layout.BASIC)
    notdef = font.getmask("\U0010fffd")
    return font, (notdef.size, bytes(notdef))


@functools.lru_cache(maxsize=8192)
def has_glyph(role: str, char: str) -> bool:
    if char in " \n":
        return True
    font, notdef = _coverage_probe(role)
    mask = font.getmask(char)
    return (mask.size, bytes(mask)) != notdef


def _is_pictographic(char: str) -> bool:
    category = unicodedata.category(char)
    code = ord(char)
    return (category in ("So", "Sk", "Mn", "Me", "Cf") or 0x1F000 <= code <= 0x1FAFF
            or 0xFE00 <= code <= 0xFE0F or 0xE0000 <= code <= 0xE007F)


def drawable_text(text: str, role: str) -> str:
    """`text` with what `role`'s font can't draw removed: emoji dropped, other runs shown as ⋯."""
    out: list[str] = []
    for char in text:
        if has_glyph(role, char):
            out.append(char)
        elif _is_pictographic(char):
            continue
        elif not out or out[-1] != MISSING_RUN:
            out.append(MISSING_RUN)
    text = _MISSING_RUNS.sub(MISSING_RUN, "".join(out))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def covers(text: str, role: str) -> bool:
    return all(has_glyph(role, char) for char in text)


def _bidi_class(char: str) -> str:
    """'R' right-to-left letter, 'L' left-to-right letter, 'N' digit, '.' neutral."""
    bidi = unicodedata.bidirectional(char)
    if bidi in ("R", "AL"):
        return "R"
    if bidi == "L":
        return "L"
    return "N" if bidi in ("EN", "AN") else "."


def visual_order(line: str) -> str:
    """A simplified Unicode bidi reordering of one line, for Pillow builds without raqm.

    Right-to-left runs are reversed (digits inside them keep their order), and the runs are
    laid out right to left when the line's first letter is right-to-left. Neutrals between
    two runs of the same direction join them. (Arabic letters are not joined without raqm;
    they stay legible.)
    """
    classes = [_bidi_class(char) for char in line]
    base = next((c for c in classes if c in "RL"), "L")
    next_strong, upcoming = [], base
    for cls in reversed(classes):
        next_strong.append(upcoming)
        if cls in "RL":
            upcoming = cls
    next_strong.reverse()
    levels, previous = [], base
    for cls, following in zip(classes, next_strong):
        if cls in "RL":
            previous = cls
            levels.append(cls)
        elif cls == "N":
            levels.append(previous)
        else:
            levels.append(previous if previous == following else base)
    pieces = []
    for level, group in _group_by(list(zip(levels, classes, line)), key=lambda item: item[0]):
        if level == "L":
            pieces.append("".join(char for _, _, char in group))
            continue
        segments = [
            "".join(char for _, _, char in segment) if is_digit else
            "".join(char for _, _, char in reversed(segment))
            for is_digit, segment in _group_by(group, key=lambda item: item[1] == "N")
        ]
        pieces.append("".join(reversed(segments)))
    if base == "R":
        pieces.reverse()
    return "".join(pieces)


def _group_by(items, key):
    import itertools

    return [(name, list(group)) for name, group in itertools.groupby(items, key=key)]


def for_drawing(line: str) -> str:
    """The string to hand to Pillow: itself with raqm, visually reordered without."""
    return line if has_raqm() else visual_order(line)


def truncate_to_width(text: str, font, max_width: float) -> str:
    """`text`, cut and ended with an ellipsis if it is wider than `max_width` pixels."""
    if font.getlength(text) <= max_width:
        return text
    low, high = 0, len(text)  # longest prefix that fits with the ellipsis
    while low < high:
        middle = (low + high + 1) // 2
        if font.getlength(text[:middle].rstrip() + ELLIPSIS) <= max_width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def _break_long_word(word: str, font, max_width: float) -> list[str]:
    pieces = []
    while word:
        low, high = 1, len(word)  # the longest prefix that fits, at least one character
        while low < high:
            middle = (low + high + 1) // 2
            if font.getlength(word[:middle]) <= max_width:
                low = middle
            else:
                high = middle - 1
        pieces.append(word[:low])
        word = word[low:]
    return pieces


def wrap_text(text: str, font, max_width: float) -> list[str]:
    """Greedy word wrap by measured width; explicit newlines kept, unbreakable words split."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if font.getlength(candidate) <= max_width:
                current = candidate
                continue
            if current:
                lines.append(current)
            pieces = _break_long_word(word, font, max_width)
            lines.extend(pieces[:-1])
            current = pieces[-1]
        lines.append(current)
    return lines
