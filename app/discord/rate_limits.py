"""Discord's rate limits as the REST client tracks them (developers/topics/rate-limits in Discord's docs).

A per-route limit is scoped by Discord's bucket hash (`X-RateLimit-Bucket`, the same for one route in every
guild) *and* the route's top-level resource, the "major parameter": guild id, channel id, or webhook id +
token. Until Discord names a route's bucket, the route itself (method + path, major parameter kept) is
the bucket. A slot is taken when a request is sent, so parallel threads cannot all pass at remaining=1;
on a bucket not known yet, one request goes first and its answer tells the others the limit.
A global 429 pauses every route of the bot except interaction responses, which Discord exempts.

Nothing here sleeps or holds the lock while waiting: `reserve` says how long to wait, the caller waits.
"""
import hashlib
import logging
import math
import re
import threading
from collections import deque

log = logging.getLogger("app.discord.rest")

_MAJOR = re.compile(r"^/(channels|guilds)/(\d+)|^/(?:webhooks|(interactions))/(\d+)(?:/([^/?]+))?")
_ID = re.compile(r"/\d{5,}(?=/|$)")
_SAME_WINDOW = 0.005  # X-RateLimit-Reset values this close name the same window
PROBE_POLL = 0.01  # how often a request behind a bucket's first (probing) request looks again
_PRUNE_ABOVE = 2048  # buckets kept; interaction tokens make a new webhook bucket per interaction
INVALID_WINDOW, INVALID_WARN_EVERY = 600.0, 1000  # Discord bans an IP at 10,000 invalid requests / 10 min


def _token_digest(token: str) -> str:
    """Bucket keys never hold an interaction token (it lets anyone answer as the bot for 15 minutes)."""
    return "~" + hashlib.sha256(token.encode()).hexdigest()[:12]


def route(method: str, path: str) -> tuple[str, str]:
    """(template, major): the route with its ids folded, and the top-level resource it is limited per."""
    path = path.split("?", 1)[0]
    match = _MAJOR.match(path)
    if match is None:
        return f"{method} {_ID.sub('/:id', path)}", ""
    rest = _ID.sub("/:id", path[match.end():])
    if match.group(1):
        return f"{method} /{match.group(1)}/:major{rest}", f"{match.group(1)}/{match.group(2)}"
    # An interaction's callback is limited per interaction, like its webhook; neither key holds the token.
    kind, resource_id, token = match.group(3) or "webhooks", match.group(4), match.group(5)
    if token is None:
        return f"{method} /{kind}/:major{rest}", f"{kind}/{resource_id}"
    return f"{method} /{kind}/:major/:token{rest}", f"{kind}/{resource_id}/{_token_digest(token)}"


def route_key(method: str, path: str) -> str:
    """The route as it is limited before Discord names its bucket: ids folded, the major one kept (no token)."""
    template, major = route(method, path)
    if not major:
        return template
    kept = major.split("/~")[0].split("/")[1]
    return template.replace(":major", kept, 1)


class _Bucket:
    __slots__ = ("limit", "remaining", "reset_at", "window", "period", "blocked_until", "answered")

    def __init__(self):
        self.limit = self.remaining = None  # None: not known yet, so nothing to hold a request back
        self.reset_at = 0.0  # monotonic time the current window ends
        self.blocked_until = 0.0  # a 429's retry_after: nothing goes before it, whatever the quota says
        self.answered = False  # an answer came (with or without X-RateLimit-* headers)
        self.window = None  # Discord's X-RateLimit-Reset for the window `remaining` counts
        self.period = 1.0  # the longest Reset-After seen: how long a window we start ourselves may last


def _number(headers, name):
    """A header's number; None when it is missing or not a finite number (never trusted blindly)."""
    try:
        value = float(headers.get(name))
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and value >= 0 else None


class RateLimits:
    def __init__(self, monotonic):
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._hashes: dict = {}  # template -> Discord's bucket hash
        self._buckets: dict = {}  # (hash or template, major) -> _Bucket
        self._global_until = 0.0
        self._probing: set = set()  # (template, major) of buckets not known yet with a request out
        self._invalid: deque = deque(maxlen=10_000)

    def _bucket(self, template, major):
        key = (self._hashes.get(template, template), major)
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= _PRUNE_ABOVE:
                self._prune()
            bucket = self._buckets[key] = _Bucket()
        return bucket

    def _prune(self):
        now = self._monotonic()
        for key in [k for k, b in self._buckets.items() if max(b.reset_at, b.blocked_until) <= now]:
            del self._buckets[key]

    def reserve(self, template: str, major: str, exempt_global: bool = False) -> tuple[float, bool]:
        """(0.0, probe) when a slot was taken for a request sent now, else (seconds to wait, False).

        probe: the bucket is not known yet and this request will tell its limit; call `done` after it.
        """
        with self._lock:
            now = self._monotonic()
            if not exempt_global and self._global_until > now:
                return self._global_until - now, False
            bucket = self._bucket(template, major)
            if bucket.blocked_until > now:
                return bucket.blocked_until - now, False
            if bucket.remaining is not None and bucket.remaining <= 0:
                if bucket.reset_at > now:
                    return bucket.reset_at - now, False
                # A new window Discord hasn't described yet: its first answer will say when it ends.
                bucket.remaining, bucket.window = bucket.limit, None
                bucket.reset_at = now + bucket.period
            if bucket.remaining is not None:
                bucket.remaining -= 1
                return 0.0, False
            if bucket.answered:
                return 0.0, False  # Discord sends no limits for this route
            if (template, major) in self._probing:
                return PROBE_POLL, False  # the first answer will tell the limit; don't all go before it
            self._probing.add((template, major))
            return 0.0, True

    def done(self, template: str, major: str) -> None:
        """The probing request `reserve` let through has its answer (learned already) or has failed."""
        with self._lock:
            self._probing.discard((template, major))

    def learn(self, template: str, major: str, headers) -> None:
        """Take in the X-RateLimit-* headers of an answer."""
        remaining, reset_after = _number(headers, "X-RateLimit-Remaining"), _number(headers, "X-RateLimit-Reset-After")
        with self._lock:
            name = headers.get("X-RateLimit-Bucket")
            if name:
                self._hashes[template] = name
            bucket = self._bucket(template, major)
            bucket.answered = True
            if remaining is None or reset_after is None:
                return
            now, reset_after = self._monotonic(), min(reset_after, 86_400.0)
            limit, window = _number(headers, "X-RateLimit-Limit"), _number(headers, "X-RateLimit-Reset")
            if limit is not None:
                bucket.limit = int(limit)
            bucket.period = min(max(bucket.period, reset_after), 60.0)
            newer = bucket.window is None or window is None or window > bucket.window + _SAME_WINDOW
            if bucket.window is not None and window is not None and window < bucket.window - _SAME_WINDOW:
                return  # a late answer from a window that is over
            if bucket.remaining is None or (newer and bucket.window is not None):
                bucket.remaining = int(remaining)
            else:  # answers of one window arrive out of order; the lowest count is the latest
                bucket.remaining = min(bucket.remaining, int(remaining))
            bucket.window = window if window is not None else bucket.window
            bucket.reset_at = now + reset_after

    def limited(self, template: str, major: str, retry_after: float, is_global: bool, scope: str) -> None:
        """A 429: hold the bucket (or, for a global one, every route) for retry_after."""
        with self._lock:
            now = self._monotonic()
            until = now + retry_after
            if is_global:
                self._global_until = max(self._global_until, until)
            else:
                # The 429's own headers have told the quota; retry_after says when to try again. For scope
                # "shared" (the resource is limited for every app) the quota may be left, the wait still holds.
                bucket = self._bucket(template, major)
                bucket.blocked_until = max(bucket.blocked_until, until)
        if scope != "shared":  # Discord doesn't count shared 429s against the invalid-request limit
            self.note_invalid()

    def note_invalid(self) -> None:
        """A 401, 403 or (not shared) 429: Discord bans the IP for a while at 10,000 of them in 10 minutes."""
        with self._lock:
            now = self._monotonic()
            self._invalid.append(now)
            while self._invalid and self._invalid[0] < now - INVALID_WINDOW:
                self._invalid.popleft()
            count = len(self._invalid)
        if count % INVALID_WARN_EVERY == 0:
            log.warning("%d invalid Discord requests (401/403/429) in the last 10 minutes; Discord bans the "
                        "IP at 10,000", count)

    def invalid_requests(self) -> int:
        with self._lock:
            now = self._monotonic()
            return sum(1 for at in self._invalid if at >= now - INVALID_WINDOW)
