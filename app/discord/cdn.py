"""Avatars from Discord's CDN, fetched for image cards.

A card must render even when the CDN is slow or down, so `fetch_avatar` never raises and
never takes longer than its timeout: the caller then draws an initials avatar instead.
"""
import io
import re
import threading
import time

MAX_AVATAR_BYTES = 2 * 1024 * 1024
_AVATAR_HASH = re.compile(r"^[A-Za-z0-9_]{1,64}$")
_ALLOWED_SIZES = tuple(2**power for power in range(4, 13))  # 16 .. 4096, what the CDN accepts


def default_avatar_index(user_id: str, discriminator: str | None = None) -> int:
    """Index of Discord's default avatar (0-5) for a user without a custom one."""
    if discriminator and discriminator != "0":
        return int(discriminator) % 5  # legacy username#1234 accounts
    return (int(user_id) >> 22) % 6


def avatar_url(cdn_base: str, user_id: str, avatar_hash: str | None, size: int = 128,
               discriminator: str | None = None) -> str | None:
    """The CDN URL of a user's avatar (PNG), or None when the ids are malformed."""
    user_id = str(user_id)
    if not user_id.isdigit():
        return None
    base = cdn_base.rstrip("/")
    if avatar_hash is None:
        if discriminator is not None and not str(discriminator).isdigit():
            return None
        return f"{base}/embed/avatars/{default_avatar_index(user_id, discriminator)}.png"
    if not _AVATAR_HASH.match(avatar_hash):
        return None
    size = min(_ALLOWED_SIZES, key=lambda allowed: abs(allowed - size))
    return f"{base}/avatars/{user_id}/{avatar_hash}.png?size={size}"


def fetch_avatar(cdn_base: str, user_id: str, avatar_hash: str | None, size: int = 128,
                 timeout: float = 1.5, *, discriminator: str | None = None) -> bytes | None:
    """The avatar's image bytes, or None on any failure (network, timeout, non-200, not an image).

    `timeout` bounds the whole call, not each socket read: the download runs in a daemon
    thread and is abandoned when the time is up.
    """
    url = avatar_url(cdn_base, user_id, avatar_hash, size, discriminator)
    if url is None:
        return None
    deadline = time.monotonic() + timeout
    downloaded: list[bytes | None] = []
    worker = threading.Thread(target=lambda: downloaded.append(_download(url, timeout, deadline)),
                              name="avatar-fetch", daemon=True)
    worker.start()
    worker.join(timeout)
    body = downloaded[0] if downloaded else None
    if body is None or not _decodes_as_image(body):
        return None
    return body


def fetch_attachment(cdn_base: str, url: str, max_bytes: int, timeout: float = 3.0) -> bytes | None:
    """An uploaded attachment's bytes (a file given as a command option), or None on any failure. Only
    URLs on Discord's CDN are fetched: an option's URL is what the interaction says, not a place to browse."""
    base = cdn_base.rstrip("/") + "/attachments/"
    if not isinstance(url, str) or not url.startswith(base) or ".." in url:
        return None
    deadline = time.monotonic() + timeout
    downloaded: list[bytes | None] = []
    worker = threading.Thread(target=lambda: downloaded.append(_download(url, timeout, deadline, max_bytes)),
                              name="attachment-fetch", daemon=True)
    worker.start()
    worker.join(timeout)
    return downloaded[0] if downloaded else None


def _download(url: str, timeout: float, deadline: float, max_bytes: int = MAX_AVATAR_BYTES) -> bytes | None:
    import requests

    try:
        with requests.get(url, timeout=(timeout, timeout), stream=True,
                          headers={"User-Agent": "StatusSync"}) as response:
            if response.status_code != 200:
                return None
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                return None
            chunks, received = [], 0
            for chunk in response.iter_content(chunk_size=16384):
                received += len(chunk)
                if received > max_bytes or time.monotonic() > deadline:
                    return None
                chunks.append(chunk)
            return b"".join(chunks)
    except Exception:  # any failure means "no avatar"; the card falls back to initials
        return None


def _decodes_as_image(body: bytes) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(body)) as image:
            if image.width * image.height > 4096 * 4096:
                return False
            image.load()
        return True
    except Exception:  # Pillow raises many types for corrupt data
        return False
