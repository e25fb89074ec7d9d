"""An answer made safe and cut to Discord's size: no pings, 2,000 characters a message, code blocks whole."""
import re

LIMIT = 2000
ZWSP = "\u200b"
FENCE = "```"
_PINGS = re.compile(r"@(everyone|here)|<@&(\d+)>")


def neutralise(text: str) -> str:
    """@everyone, @here and role mentions shown as text that pings nobody (allowed_mentions is none too)."""
    return _PINGS.sub(lambda m: f"@{ZWSP}{m.group(1)}" if m.group(1) else f"<@{ZWSP}&{m.group(2)}>", text)


def _cut(text: str, room: int) -> int:
    """Where to end a piece of at most `room` characters: a paragraph, else a line, else a space."""
    if len(text) <= room:
        return len(text)
    for separator in ("\n\n", "\n", " "):
        at = text.rfind(separator, 0, room + 1)
        if at > room // 3:
            return at + len(separator)
    return room


def _open_fence(piece: str):
    """The opening line (``` plus language) of a code block left open at the end of `piece`, else None."""
    opener = None
    for line in piece.split("\n"):
        if line.lstrip().startswith(FENCE):
            opener = None if opener is not None else line.strip()
    return opener


def split(text: str, limit: int = LIMIT) -> list:
    """Messages of at most `limit` characters; a code block cut in two is closed and reopened."""
    pieces, reopen = [], ""
    text = text.strip() or "(the model gave an empty answer)"
    while text:
        room = limit - len(reopen) - len("\n" + FENCE)
        end = _cut(text, room)
        piece = reopen + text[:end].rstrip("\n")
        text = text[end:].lstrip("\n") if end < len(text) else ""
        opener = _open_fence(piece)
        if opener is not None and text:
            piece += "\n" + FENCE
            reopen = opener + "\n"
        else:
            reopen = ""
        pieces.append(piece)
    return pieces
