"""/ask's service: whether a guild lets a member ask here, and the streamed answer shown as it grows.

`stream_to(settings, prompt, system_prompt, show, monotonic)` calls `show(text)` with the answer so far at
most about once a second (the first piece at once) and returns the whole answer; the caller edits the
reply in `show`. A ProviderError carries what the member is told.
"""
import time

from ..errors import UserError
from . import provider, text

EDIT_INTERVAL_S = 1.0
DEFAULT_SYSTEM_PROMPT = ("You are a helpful assistant in a Discord server. Answer concisely; use Markdown "
                         "that Discord renders.")
NOT_CONFIGURED = "AI answers are not configured for this bot (its operator has not set AI_API_BASE)."


MAX_SYSTEM_PROMPT = 1000


def validate_settings(values: dict) -> None:
    if len(values.get("system_prompt") or "") > MAX_SYSTEM_PROMPT:
        raise UserError(f"system_prompt must be at most {MAX_SYSTEM_PROMPT} characters.")
    channels = values.get("allowed_channel_ids") or []
    if len(channels) > 50 or not all(str(c).isdigit() for c in channels):
        raise UserError("allowed_channel_ids must be a list of at most 50 channel ids.")


def check_allowed(section: dict, channel_id) -> None:
    if not section.get("enabled", True):
        raise UserError("AI answers are turned off in this server (`/config` or the dashboard, section ai).")
    allowed = [str(c) for c in section.get("allowed_channel_ids") or []]
    if allowed and str(channel_id) not in allowed:
        channels = ", ".join(f"<#{c}>" for c in allowed[:10])
        raise UserError(f"`/ask` works only in {channels} here.")


def messages_for(prompt: str, system_prompt) -> list:
    return [{"role": "system", "content": (system_prompt or "").strip() or DEFAULT_SYSTEM_PROMPT},
            {"role": "user", "content": prompt}]


def shown(answer: str, suffix: str = "") -> str:
    """What the reply shows while it streams: the answer so far, neutralised, within one message."""
    body = text.neutralise(answer)
    room = text.LIMIT - len(suffix)
    if len(body) > room:
        body = body[: room - 1] + "…"
    return body + suffix


def stream_to(settings: dict, prompt: str, system_prompt, show, monotonic=time.monotonic, usage=None) -> str:
    answer, last_shown = "", None
    try:
        for piece in provider.stream_answer(settings, messages_for(prompt, system_prompt), usage):
            answer += piece
            if last_shown is None or monotonic() - last_shown >= EDIT_INTERVAL_S:
                show(shown(answer, " ▌"))
                last_shown = monotonic()
    except provider.ProviderError as exc:
        exc.partial = answer
        raise
    return answer
