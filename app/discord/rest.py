"""The one Discord REST client: rate-limit buckets, bounded 429 retries, audit-log reasons, uploads.

Features call this module; they never call `requests` themselves.
"""
import json
import logging
import re
import threading
import time
from urllib.parse import quote

from .errors import NO_TOKEN, DiscordError, explain  # noqa: F401  (re-exported for callers)
from .messages import NO_MENTIONS

log = logging.getLogger(__name__)

USER_AGENT = "DiscordBot (https://github.com/statussync/statussync, 1.0)"
REASON_LIMIT = 512
# Ids that are part of Discord's rate-limit route key ("major parameters").
_MAJOR = re.compile(r"^/(channels|guilds|webhooks)/(\d+)")
_ID = re.compile(r"/\d{5,}")
_WEBHOOK_TOKEN = re.compile(r"^(/webhooks/\d+/)[^/?]+")


def _loggable(text: str) -> str:
    """A path or route key with the webhook (interaction) token masked: it lets anyone answer as the bot."""
    prefix, _, path = text.rpartition(" ")
    return (prefix + " " if prefix else "") + _WEBHOOK_TOKEN.sub(r"\1:token", path)


def route_key(method: str, path: str) -> str:
    """Requests sharing a key share a rate-limit bucket until Discord names the bucket."""
    major = _MAJOR.match(path)
    generic = _ID.sub("/:id", path)
    if major:
        generic = f"/{major.group(1)}/{major.group(2)}" + _ID.sub("/:id", path[major.end():])
    return f"{method} {generic}"


class _Bucket:
    __slots__ = ("remaining", "reset_at")

    def __init__(self):
        self.remaining, self.reset_at = 1, 0.0


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
        self._buckets: dict = {}
        self._recent: dict = {}
        self._bucket_names: dict = {}
        self._lock = threading.Lock()

    def __repr__(self):
        return f"<DiscordClient {self.api_base}>"  # never the token

    # ------------------------------------------------------------ core

    def request(self, method: str, path: str, *, json_body=None, params=None, reason=None, files=None,
                auth=True, headers=None):
        """Parsed JSON of Discord's answer (None for 204); raises DiscordError."""
        key = route_key(method, path)
        send_headers = dict(headers or {})
        if auth:
            if not self._token:
                raise DiscordError(401, 0, NO_TOKEN)
            send_headers["Authorization"] = f"Bot {self._token}"
        if reason:
            send_headers["X-Audit-Log-Reason"] = quote(str(reason)[:REASON_LIMIT], safe="")
        waited = 0.0
        for attempt in range(self.max_retries + 1):
            waited += self._wait_for_bucket(key)
            try:
                response = self._send(method, path, json_body, params, files, send_headers)
            except self._requests.RequestException as exc:
                if attempt < self.max_retries and method == "GET":
                    self._sleep(0.2 * (attempt + 1))
                    continue
                raise DiscordError(0, 0, type(exc).__name__) from None
            self._update_bucket(key, response)
            if response.status_code == 429:
                retry_after = self._retry_after(response)
                if attempt < self.max_retries and waited + retry_after <= self.max_wait:
                    log.warning("429 on %s, retrying after %.2fs", _loggable(key), retry_after)
                    self._sleep(retry_after)
                    waited += retry_after
                    continue
                raise DiscordError(429, 0, "rate limited", retry_after)
            if response.status_code >= 500 and attempt < self.max_retries and method in ("GET", "PUT", "DELETE"):
                self._sleep(0.25 * (attempt + 1))
                continue
            return self._parse(response)
        raise DiscordError(0, 0, "gave up after retries")

    def _send(self, method, path, json_body, params, files, headers):
        url = self.api_base + path
        if files:
            multipart = {"payload_json": (None, json.dumps(json_body or {}), "application/json")}
            for index, file in enumerate(files):
                multipart[f"files[{index}]"] = (file.filename, file.data, file.content_type)
            return self._session.request(method, url, params=params, files=multipart, headers=headers,
                                         timeout=self.timeout)
        return self._session.request(method, url, params=params, json=json_body, headers=headers,
                                     timeout=self.timeout)

    @staticmethod
    def _parse(response):
        if response.status_code == 204 or not response.content:
            if response.ok:
                return None
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.ok:
            return data
        data = data if isinstance(data, dict) else {}
        raise DiscordError(response.status_code, int(data.get("code") or 0), str(data.get("message") or ""))

    @staticmethod
    def _retry_after(response) -> float:
        try:
            return max(0.0, float(response.json().get("retry_after")))
        except (ValueError, TypeError, AttributeError):
            try:
                return max(0.0, float(response.headers.get("Retry-After", 1)))
            except ValueError:
                return 1.0

    def _bucket(self, key):
        name = self._bucket_names.get(key, key)
        bucket = self._buckets.get(name)
        if bucket is None:
            bucket = self._buckets[name] = _Bucket()
        return bucket

    def _wait_for_bucket(self, key) -> float:
        with self._lock:
            bucket = self._bucket(key)
            now = self._monotonic()
            wait = bucket.reset_at - now if bucket.remaining <= 0 else 0.0
        if wait > 0:
            if wait > self.max_wait:
                raise DiscordError(429, 0, "rate limited", wait)
            self._sleep(wait)
            return wait
        return 0.0

    def _update_bucket(self, key, response):
        headers = response.headers
        remaining, reset_after = headers.get("X-RateLimit-Remaining"), headers.get("X-RateLimit-Reset-After")
        if remaining is None or reset_after is None:
            return
        with self._lock:
            if headers.get("X-RateLimit-Bucket"):
                self._bucket_names[key] = headers["X-RateLimit-Bucket"]
            bucket = self._bucket(key)
            try:
                bucket.remaining = int(remaining)
                bucket.reset_at = self._monotonic() + float(reset_after)
            except ValueError:
                pass

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
