"""What Discord's answer, or its absence, means: the parsed body, a refusal, a 429's terms, a lost request.

Kept apart from rest.py, which decides what to do about them (wait, retry, raise).
"""
from .errors import DiscordError, DiscordTimeout, DiscordUnreachable


def parse(method: str, response):
    """Parsed JSON of a success (None for 204 or an empty body); raises the refusal otherwise."""
    if response.ok:
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return None
    raise error_of(method, response)


def _json_object(response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def error_of(method: str, response) -> DiscordError:
    """Discord's refusal. A 5xx to a write may have been acted on before it failed: maybe_done."""
    data = _json_object(response)
    code = data.get("code")
    status = response.status_code
    return DiscordError(status, code if isinstance(code, int) else 0, str(data.get("message") or ""),
                        maybe_done=status >= 500 and method != "GET")


def rate_limit_of(response) -> tuple[float, bool, str]:
    """(retry_after seconds, global?, scope) of a 429: the body's retry_after, else the Retry-After header."""
    body, headers = _json_object(response), response.headers
    try:
        retry_after = float(body["retry_after"])
    except (KeyError, TypeError, ValueError):
        try:
            retry_after = float(headers.get("Retry-After", 1))
        except ValueError:
            retry_after = 1.0
    retry_after = min(max(0.0, retry_after), 86_400.0) if retry_after == retry_after else 1.0  # NaN: 1 s
    scope = str(headers.get("X-RateLimit-Scope") or "user").lower()
    is_global = (body.get("global") is True or scope == "global"
                 or str(headers.get("X-RateLimit-Global", "")).lower() == "true")
    return retry_after, is_global, scope


def transport_error(requests, exc, timeout: tuple[float, float]) -> DiscordError:
    """DiscordUnreachable when the request never left; DiscordTimeout when Discord may have it."""
    if isinstance(exc, (requests.ConnectTimeout, requests.exceptions.SSLError)):
        return DiscordUnreachable(type(exc).__name__)
    if isinstance(exc, requests.ReadTimeout):
        return DiscordTimeout(f"no answer within {timeout[1]:.2f}s")
    if isinstance(exc, requests.ConnectionError):
        from urllib3.exceptions import NewConnectionError
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        if isinstance(reason, NewConnectionError):  # refused, unreachable, name lookup failed
            return DiscordUnreachable(type(reason).__name__)
        return DiscordTimeout(f"connection lost after sending ({type(exc).__name__})")
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
        return DiscordTimeout(f"answer cut off ({type(exc).__name__})")
    return DiscordUnreachable(type(exc).__name__)  # refused before leaving (bad URL, bad header)
