"""The CDN: avatars, default avatars and uploaded attachments. No auth, and served outside the lock."""
import time

from sandbox.discord.png import make_png


def avatar(fake, request, user_id, avatar_hash, ext):
    with fake._lock:
        served = fake._avatars.get((user_id, avatar_hash))
    if served is None:
        return 404, b"", {"Content-Type": "text/plain"}
    png, delay, garbage = served
    time.sleep(delay)  # outside the lock: a slow CDN must not stall the API
    return 200, (b"this is not a png" if garbage else png), {"Content-Type": "image/png"}


def uploaded_attachment(fake, request, attachment_id, filename):
    with fake._lock:
        upload = fake._uploads.get(attachment_id)
    if upload is None:
        return 404, b"", {"Content-Type": "text/plain"}
    return 200, upload[1], {"Content-Type": upload[0]}


def default_avatar(fake, request, index):
    return 200, make_png(rgb=(88 + int(index) * 20, 101, 242)), {"Content-Type": "image/png"}
