"""The one client of the AI provider: any OpenAI-compatible chat-completions API, streamed (SSE).

`stream_answer(settings, messages)` yields the answer's text pieces as they arrive; every way the provider
can fail becomes a ProviderError whose message a member can read. The key never reaches a log line.
"""
import json
import logging
import time

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 20.0    # the longest silence between two pieces of a streamed answer
TOTAL_TIMEOUT_S = 45.0   # the whole answer: a deferred run on Lambda has 60 s (zappa_settings.json)
MAX_TOKENS = 1500


class ProviderError(Exception):
    """The provider did not give a whole answer; str() is what the member is told."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind  # timeout | auth | rate_limited | unavailable | malformed | dropped | refused
        self.partial = ""  # the answer received before it failed (set by answers.stream_to)


def configured(settings: dict) -> bool:
    return bool(settings.get("AI_API_BASE"))


def _timeouts(settings):
    read = float(settings.get("AI_TIMEOUT_S") or READ_TIMEOUT_S)
    return min(CONNECT_TIMEOUT_S, read), read


def _status_error(status: int) -> ProviderError:
    if status in (401, 403):
        return ProviderError("auth", "The AI provider refused this bot's API key. A server admin or the bot's "
                                     "operator needs to check AI_API_KEY.")
    if status == 429:
        return ProviderError("rate_limited", "The AI provider is rate limiting this bot right now. "
                                             "Try again in a minute.")
    if status >= 500:
        return ProviderError("unavailable", f"The AI provider had an error ({status}). Try again shortly.")
    return ProviderError("refused", f"The AI provider refused the request ({status}).")


def _piece(data: str):
    """The text of one SSE `data:` payload (a chat.completion.chunk), '' when it carries none."""
    try:
        chunk = json.loads(data)
        choices = chunk.get("choices") or []
        if not choices:
            return "", chunk.get("usage")
        delta = choices[0].get("delta") or choices[0].get("message") or {}
        text = delta.get("content") or ""
        if not isinstance(text, str):
            raise TypeError("content is not text")
        return text, chunk.get("usage")
    except (ValueError, AttributeError, TypeError, IndexError):
        raise ProviderError("malformed", "The AI provider sent an answer this bot could not read. "
                                         "Try again; if it keeps happening, tell the bot's operator.") from None


def stream_answer(settings: dict, messages: list, usage: dict | None = None):
    """Yield the answer's text as it streams; `usage` (a dict) gets the provider's token counts if sent."""
    import requests

    base = settings["AI_API_BASE"].rstrip("/")
    headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
    if settings.get("AI_API_KEY"):
        headers["Authorization"] = f"Bearer {settings['AI_API_KEY']}"
    body = {"model": settings.get("AI_MODEL") or "gpt-4o-mini", "messages": messages, "stream": True,
            "max_tokens": MAX_TOKENS}
    give_up = time.monotonic() + TOTAL_TIMEOUT_S
    try:
        response = requests.post(f"{base}/chat/completions", json=body, headers=headers, stream=True,
                                 timeout=_timeouts(settings))
    except requests.Timeout:
        raise ProviderError("timeout", "The AI provider did not answer in time. Try again shortly.") from None
    except requests.RequestException as exc:
        log.warning("AI provider unreachable: %s", type(exc).__name__)
        raise ProviderError("unavailable", "The AI provider could not be reached. Try again shortly.") from None
    with response:
        if response.status_code != 200:
            raise _status_error(response.status_code)
        done = False
        try:
            for line in response.iter_lines(decode_unicode=False):
                if time.monotonic() > give_up:
                    raise ProviderError("timeout", "The AI provider took too long; the answer was cut short.")
                line = line.decode("utf-8", "replace").strip()
                if not line.startswith("data:"):
                    continue  # blank separators, `event:` and `:` comment lines
                data = line[5:].strip()
                if data == "[DONE]":
                    done = True
                    break
                text, counted = _piece(data)
                if counted and usage is not None:
                    usage.update(counted)
                if text:
                    yield text
        except requests.Timeout:
            raise ProviderError("timeout", "The AI provider stopped answering mid-way. Try again.") from None
        except requests.RequestException as exc:
            if "timed out" in str(exc).lower():  # requests reports a read timeout mid-stream as a ConnectionError
                raise ProviderError("timeout", "The AI provider stopped answering mid-way. Try again.") from None
            raise ProviderError("dropped", "The connection to the AI provider broke mid-answer. Try again.") from None
        if not done:
            raise ProviderError("dropped", "The AI provider's answer stopped before its end. Try again.")
