"""`python -m app try`'s answer as text: who used what, content, embed fields, buttons, menus, attachments."""
import re
from datetime import datetime, timezone

MENTION = re.compile(r"<(@!?|#|@&)(\d+)>")
TIMESTAMP = re.compile(r"<t:(-?\d{1,12})(?::[tTdDfFR])?>")
STYLES = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link"}


def _names(world):
    names = {("@", m["id"]): "@" + m["name"] for m in world.get("members", [])}
    names.update({("#", c["id"]): "#" + c["name"] for c in world.get("channels", [])})
    names.update({("@&", r["id"]): "@" + r["name"] for r in world.get("roles", [])})
    return names


def _text(text, names):
    text = MENTION.sub(lambda m: names.get((m.group(1).rstrip("!"), m.group(2)), m.group(0)), text or "")
    text = TIMESTAMP.sub(lambda m: _moment(int(m.group(1))), text)
    return text.replace("**", "")


def _moment(seconds) -> str:
    try:
        return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):
        return str(seconds)


def render_message(message, names, base="") -> list:
    lines = []
    if message.get("interaction"):
        used = message["interaction"]
        lines.append(f"{used['user']} {used.get('action', 'used')} {used['label']}")
    head = (message.get("author") or {}).get("name") or "StatusSync"
    marks = [m for m, on in (("only you can see this", message.get("ephemeral")), ("edited", message.get("edited"))) if on]
    lines.append(f"{head} [APP]" + (f"  ({', '.join(marks)})" if marks else ""))
    if message.get("loading"):
        lines.append("  StatusSync is thinking... (still not done)")
    lines += ["  " + line for line in _text(message.get("content"), names).splitlines()]
    for embed in message.get("embeds") or []:
        lines += _embed(embed, names)
    for attachment in message.get("attachments") or []:
        size = f", {attachment['size'] // 1024} KB" if attachment.get("size") else ""
        lines.append(f"  attachment: {attachment['filename']} ({attachment.get('content_type', 'file')}{size})"
                     + (f"  {base}{attachment['url']}" if attachment.get("url", "").startswith("/") else ""))
    for row in message.get("components") or []:
        lines.append("  " + "  ".join(_component(c) for c in row.get("components") or []))
    return lines


def _embed(embed, names) -> list:
    lines = []
    if embed.get("author", {}).get("name"):
        lines.append(f"  | {embed['author']['name']}")
    if embed.get("title"):
        lines.append(f"  | {embed['title']}")
    lines += [f"  | {line}" for line in _text(embed.get("description"), names).splitlines()]
    for field in embed.get("fields") or []:
        value = _text(field.get("value"), names).replace("\n", "\n  |   ")
        lines.append(f"  | {field.get('name')}: {value}")
    if embed.get("image", {}).get("url"):
        lines.append(f"  | image: {embed['image']['url'].replace('attachment://', '')}")
    if embed.get("footer", {}).get("text"):
        lines.append(f"  | {embed['footer']['text']}")
    return lines


def _component(part) -> str:
    if part.get("type") == 2:
        off = " (disabled)" if part.get("disabled") else ""
        return f"[{part.get('label') or part.get('emoji', {}).get('name') or STYLES.get(part.get('style'))}{off}]"
    options = ", ".join(o.get("label", "") for o in part.get("options") or [])
    return f"[menu: {part.get('placeholder') or 'choose'}{': ' + options if options else ''}]"


def render_messages(messages, world, base="") -> str:
    names = _names(world)
    if not messages:
        return "(no answer shown: the interaction was acknowledged without a message)"
    return "\n\n".join("\n".join(render_message(m, names, base)) for m in messages)


def render_callback(callback) -> str:
    """An answer read straight from /interactions (no simulated Discord to follow it)."""
    kind, data = callback.get("type"), callback.get("data") or {}
    if kind == 5:
        return "deferred (StatusSync is thinking...): with ./run serving the sandbox, try waits for the answer"
    if kind == 9:
        return f"a modal: {data.get('title', '')}"
    if kind == 8:
        return "choices: " + ", ".join(str(c.get("name")) for c in data.get("choices") or [])
    message = {"content": data.get("content"), "embeds": data.get("embeds"), "components": data.get("components"),
               "ephemeral": bool((data.get("flags") or 0) & 64), "author": {"name": "StatusSync"}}
    return "\n".join(render_message(message, {}))
