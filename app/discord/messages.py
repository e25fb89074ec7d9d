"""Discord message parts within Discord's limits: embeds, buttons, rows, attachments, clipping.

Below the services: mod-log posts, alerts and interaction replies all build their messages here.
"""

NO_MENTIONS = {"parse": []}
CONTENT_LIMIT, EMBED_TOTAL_LIMIT = 2000, 6000


def clip(text, limit: int) -> str:
    """Text cut to Discord's limit with an ellipsis, so user input never makes Discord refuse a reply."""
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def embed(title=None, description=None, *, fields=(), color=0x5865F2, footer=None, image=None,
          thumbnail=None, timestamp=None) -> dict:
    """An embed within Discord's limits; fields are (name, value) or (name, value, inline)."""
    data = {"type": "rich", "color": color}
    if title:
        data["title"] = clip(title, 256)
    if description:
        data["description"] = clip(description, 4096)
    if fields:
        data["fields"] = [{"name": clip(f[0], 256) or "\u200b", "value": clip(f[1], 1024) or "\u200b",
                           "inline": bool(f[2]) if len(f) > 2 else False} for f in list(fields)[:25]]
    if footer:
        data["footer"] = {"text": clip(footer, 2048)}
    if image:
        data["image"] = {"url": image}
    if thumbnail:
        data["thumbnail"] = {"url": thumbnail}
    if timestamp:
        data["timestamp"] = timestamp
    return data


def button(label, custom_id, *, style=2, disabled=False, emoji=None) -> dict:
    data = {"type": 2, "style": style, "label": clip(label, 80), "custom_id": custom_id, "disabled": disabled}
    if emoji:
        data["emoji"] = {"name": emoji}
    return data


def action_row(*components) -> dict:
    return {"type": 1, "components": list(components)}


class Attachment:
    def __init__(self, filename: str, data: bytes, content_type="image/png", description=None):
        self.filename, self.data, self.content_type, self.description = filename, data, content_type, description
