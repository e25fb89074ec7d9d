"""The one Discord REST client: rate limits, deadlines, bounded retries, audit-log reasons, uploads.

Features call this module; they never call `requests` themselves.

Time: under a deadline (`app.deadlines.within`), every wait (rate-limit bucket, global pause, 429
retry_after, retry backoff) and every request's timeout fits in what is left of it. Without one (jobs),
a request waits at most `max_wait` seconds in all and each attempt times out after `timeout`.

What a caller gets when it does not work out:
- `DeadlineExceeded` (app.deadlines): a wait or retry would pass the deadline; raised BEFORE sending,
  and only when nothing of the request was done (earlier attempts were 429s). Hand the work to deferred.
- `DiscordError(429, retry_after=...)`: rate limited longer than `max_wait` allows (no deadline set),
  or still rate limited after `max_retries`. Nothing was done.
- `DiscordTimeout` (status 0, maybe_done True): sent, but no answer in time or the connection dropped
  after sending. Discord may have acted.
- `DiscordUnreachable` (status 0, maybe_done False): never sent (refused, connect timeout, DNS).
- `DiscordError(status, code, message)`: Discord's refusal; `maybe_done` True only for a 5xx to a write.
"""
import json
import logging
import re
import time
from urllib.parse import quote

from .. import deadlines
from ..deadlines import DeadlineExceeded  # noqa: F401  (re-exported for callers)
from . import answers
from .errors import NO_TOKEN, DiscordError, DiscordTimeout, DiscordUnreachable, explain  # noqa: F401
from .messages import NO_MENTIONS
from .rate_limits import RateLimits, route, route_key  # noqa: F401  (route_key re-exported)

log = logging.getLogger(__name__)

USER_AGENT = "DiscordBot (https://github.com/statussync/statussync, 1.0)"
REASON_LIMIT = 512
SEND_MIN = 0.05  # never start a request with less time than this left: its answer could not come back
CONNECT_MAX = 1.0  # under a deadline, connecting may take this much of it: the caller keeps time to defer
RECORD_RESERVE = 0.3  # of a deadline, kept after any Discord call for writing down what it did


def _time_left():
    """Seconds of the current deadline Discord calls may use (the reserve is for recording), or None."""
    left = deadlines.remaining()
    return None if left is None else left - RECORD_RESERVE
_WEBHOOK_TOKEN = re.compile(r"(/(?:webhooks|interactions)/\d+/)[^/?\s]+")
_IDEMPOTENT = ("GET", "PUT", "DELETE")  # retried after a 5xx


def _loggable(text: str) -> str:
    """A path or route key with the webhook (interaction) token masked: it lets anyone answer as the bot."""
    return _WEBHOOK_TOKEN.sub(r"\1:token", text)


LIMIT_CODES = {30034}  # 429s that are daily caps (application command creates), not rate-limit buckets


class DiscordClient:
    def __init__(self, api_base: str, bot_token: str | None, application_id: str | None = None, *,
                 timeout=5.0, max_retries=3, max_wait=10.0, sleep=time.sleep, monotonic=time.monotonic):
        self.api_base = api_base.rstrip("/")
        self.application_id = application_id
        self._token = bot_token
        self.timeout, self.max_retries, self.max_wait = timeout, max_retries, max_wait
        self._sleep, self._monotonic = sleep, monotonic
        import requests  # lazily: a cold start answering PING never needs it
        self._requests = requests
        self._session = requests.Session()
        # Don't consult proxy variables and .netrc on every request (~0.4 ms each); Discord is reached directly.
        self._session.trust_env = False
        self._session.headers["User-Agent"] = USER_AGENT
        self.limits = RateLimits(monotonic)
        self._recent: dict = {}

    def __repr__(self):
        return f"<DiscordClient {self.api_base}>"  # never the token

    # ------------------------------------------------------------ core

    def request(self, method: str, path: str, *, json_body=None, params=None, reason=None, files=None,
                auth=True, headers=None):
        """Parsed JSON of Discord's answer (None for 204); raises DiscordError or DeadlineExceeded."""
        template, major = route(method, path)
        where = _loggable(f"{method} {path}")
        # Discord doesn't hold interaction responses to the bot's global limit.
        exempt = path.startswith("/interactions/") or (
            not auth and bool(self.application_id) and path.startswith(f"/webhooks/{self.application_id}/"))
        send_headers = dict(headers or {})
        if auth:
            if not self._token:
                raise DiscordError(401, 0, NO_TOKEN)
            send_headers["Authorization"] = f"Bot {self._token}"
        if reason:
            send_headers["X-Audit-Log-Reason"] = quote(str(reason)[:REASON_LIMIT], safe="")
        waited, risky = 0.0, None  # risky: the last attempt's error when Discord may have acted on it
        for attempt in range(self.max_retries + 1):
            waited, probe = self._take_slot(template, major, exempt, waited, where, risky)
            response, error = self._attempt(template, major, probe, where, risky,
                                            (method, path, json_body, params, files, send_headers))
            if error is not None:
                backoff = 0.2 * (attempt + 1)
                if method == "GET" and attempt < self.max_retries and self._fits(backoff, waited):
                    log.info("%s on %s, retrying in %.2fs", error.message, where, backoff)
                    self._sleep(backoff)
                    waited += backoff
                    continue
                raise error
            if response.status_code == 429:
                retry_after, is_global, scope = answers.rate_limit_of(response)
                refusal = answers.error_of(method, response)
                if refusal.code in LIMIT_CODES:  # a daily cap, not a bucket: waiting seconds won't lift it
                    refusal.retry_after = retry_after
                    raise refusal
                self.limits.limited(template, major, retry_after, is_global, scope)
                log.warning("429 on %s (%s), retry after %.2fs", where, "global" if is_global else scope,
                            retry_after)
                if attempt < self.max_retries:
                    continue  # the next _take_slot waits for it, or says why it can't
                raise risky or DiscordError(429, 0, "rate limited", retry_after)
            if response.status_code in (401, 403):
                self.limits.note_invalid()
            if response.status_code >= 500 and method in _IDEMPOTENT and attempt < self.max_retries:
                error = answers.error_of(method, response)
                backoff = 0.25 * (attempt + 1)
                if self._fits(backoff, waited):
                    log.info("%s on %s, retrying in %.2fs", response.status_code, where, backoff)
                    self._sleep(backoff)
                    waited += backoff
                    risky = error if error.maybe_done else risky
                    continue
                raise error
            return answers.parse(method, response)
        raise DiscordError(0, 0, "gave up after retries")

    def _fits(self, wait: float, waited: float) -> bool:
        """Whether waiting `wait` more still leaves time to send (within the deadline, or max_wait without)."""
        left = _time_left()
        if left is not None and wait + SEND_MIN >= left:
            return False
        return waited + wait <= self.max_wait

    def _take_slot(self, template, major, exempt, waited, where, risky) -> tuple[float, bool]:
        """Wait (outside any lock) until the route's bucket and the global limit let a request go.

        (seconds waited in all, probe). When an earlier attempt may have acted (`risky`), giving up
        raises that attempt's error: DeadlineExceeded or a 429 would claim nothing was done.
        """
        while True:
            left = _time_left()
            if left is not None and left < SEND_MIN:
                raise risky or DeadlineExceeded(f"no time left to send {where} ({max(left, 0):.3f}s)")
            wait, probe = self.limits.reserve(template, major, exempt)
            if wait <= 0:
                return waited, probe
            if left is not None and wait + SEND_MIN >= left:
                raise risky or DeadlineExceeded(
                    f"rate limited on {where}: {wait:.2f}s to wait, {max(left, 0):.2f}s left")
            if waited + wait > self.max_wait:
                raise risky or DiscordError(429, 0, "rate limited", wait)
            self._sleep(wait)
            waited += wait

    def _attempt(self, template, major, probe, where, risky, request):
        """(response, None), or (None, DiscordTimeout | DiscordUnreachable) when no answer came."""
        try:
            timeout = self._send_timeout(where, risky)
            try:
                response = self._send(*request, timeout)
            except self._requests.RequestException as exc:
                return None, answers.transport_error(self._requests, exc, timeout)
            self.limits.learn(template, major, response.headers)
            return response, None
        finally:
            if probe:
                self.limits.done(template, major)

    def _send_timeout(self, where, risky) -> tuple[float, float]:
        """(connect, read) timeouts: the client's own, cut to the deadline."""
        left = _time_left()
        if left is None:
            return self.timeout, self.timeout
        if left < SEND_MIN:  # the slot was taken a moment ago, with time left then
            raise risky or DeadlineExceeded(f"no time left to send {where} ({max(left, 0):.3f}s)")
        return min(self.timeout, left, CONNECT_MAX), min(self.timeout, left)

    def _send(self, method, path, json_body, params, files, headers, timeout):
        url = self.api_base + path
        if files:
            multipart = {"payload_json": (None, json.dumps(json_body or {}), "application/json")}
            for index, file in enumerate(files):
                multipart[f"files[{index}]"] = (file.filename, file.data, file.content_type)
            return self._session.request(method, url, params=params, files=multipart, headers=headers,
                                         timeout=timeout)
        return self._session.request(method, url, params=params, json=json_body, headers=headers,
                                     timeout=timeout)

    # ------------------------------------------------------------ shorthands

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def cached_get(self, path: str, ttl: float = 10.0):
        """GET of something that rarely changes (a guild's roles, the bot's member), reused for `ttl` s.

        Moderators act in bursts; Discord itself still enforces hierarchy on every action.
        """
        now = self._monotonic()
        hit = self._recent.get(path)
        if hit is not None and hit[0] > now:
            return hit[1]
        data = self.get(path)
        if len(self._recent) >= 1024:
            self._recent.clear()
        self._recent[path] = (now + ttl, data)
        return data

    def post(self, path, body=None, **kw):
        return self.request("POST", path, json_body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, json_body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, json_body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # ------------------------------------------------------------ messages

    def send_message(self, channel_id, content=None, *, embeds=None, components=None, files=None,
                     allowed_mentions=None):
        body = {"allowed_mentions": allowed_mentions or NO_MENTIONS}
        if content:
            body["content"] = content[:2000]
        if embeds:
            body["embeds"] = embeds[:10]
        if components:
            body["components"] = components
        if files:
            body["attachments"] = [{"id": str(i), "filename": f.filename} for i, f in enumerate(files)]
        return self.post(f"/channels/{channel_id}/messages", body, files=files)

    def edit_original(self, token: str, body: dict, files=None):
        """Edit the interaction's first reply (the deferred "thinking…" message)."""
        return self.request("PATCH", f"/webhooks/{self.application_id}/{token}/messages/@original",
                            json_body=body, files=files, auth=False)

    def follow_up(self, token: str, body: dict, files=None):
        return self.request("POST", f"/webhooks/{self.application_id}/{token}", json_body=body,
                            files=files, auth=False, params={"wait": "true"})
