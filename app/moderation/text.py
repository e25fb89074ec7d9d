"""Text that must be stored: refused when a moderator typed it, made storable when a member wrote it."""
from ..errors import UserError


def check_text(text, what="reason") -> None:
    """PostgreSQL can't store NUL and nobody can store a lone surrogate: refuse before anything is done."""
    if text is None:
        return
    if "\x00" in text:
        raise UserError(f"The {what} contains a NUL character, which can't be stored. Remove it and try again.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UserError(f"The {what} contains a broken character (a lone surrogate). Retype it and try again.")


def safe_text(text, limit: int | None = None):
    """Text from members (message content) made storable: NUL dropped, lone surrogates replaced."""
    if text is None:
        return None
    text = str(text).replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return text[:limit] if limit else text
