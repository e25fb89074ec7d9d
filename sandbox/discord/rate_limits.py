"""Discord's rate limits as the fake applies them.

Each route (method + path with ids folded) has a bucket hash, the same in every guild, as Discord's
X-RateLimit-Bucket is; its count is kept per (bucket, major parameter): guild, channel, webhook id + token.
A request past its window's limit gets a 429 (scope user) and is not acted on. A global 429 (scripted)
makes every bot request a global 429 until its retry_after has passed; interaction responses are exempt.
"""
import hashlib
import re
import threading
import time

_MAJOR = re.compile(r"^/(?:channels|guilds)/[^/]+|^/webhooks/[^/]+(?:/[^/]+)?")
_ID = re.compile(r"/\d+(?=/|$)")
_WEBHOOK = re.compile(r"^/webhooks/[^/]+/[^/]+")
DEFAULT_LIMIT, DEFAULT_WINDOW = 50, 1.0  # generous: the suite's own bursts never meet it


def _whole_seconds(seconds):
    return str(max(1, int(seconds + 0.999)))  # Discord's Retry-After header is whole seconds; the body has the rest


def bucket_hash(method, path):
    template = _ID.sub("/{id}", _WEBHOOK.sub("/webhooks/{id}/{token}", path))
    return hashlib.sha1(f"{method} {template}".encode()).hexdigest()[:16]


def major_of(path):
    match = _MAJOR.match(path)
    return match.group(0) if match else ""


def exempt_from_global(path):
    return path.startswith("/interactions/") or bool(_WEBHOOK.match(path))


class FakeRateLimits:
    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self._limits = []  # [method, regex, limit, window_s]
            self._windows = {}  # (bucket, major) -> [ends_at (monotonic), count, limit, ends_at (epoch)]
            self._global_until = 0.0
            self.enforced = []  # (method, path, "user" | "global") of every 429 the fake's own limits answered

    def set_limit(self, method, path_regex, limit, per):
        with self._lock:
            self._limits.insert(0, [method.upper(), path_regex, int(limit), float(per)])

    def _limit_of(self, method, path):
        for entry in self._limits:
            if entry[0] == method and re.fullmatch(entry[1], path):
                return entry[2], entry[3]
        return DEFAULT_LIMIT, DEFAULT_WINDOW

    def admit(self, method, path):
        """(429 answer or None, X-RateLimit-* headers): None when the request may be acted on (it is counted)."""
        now = time.monotonic()
        with self._lock:
            if now < self._global_until and not exempt_from_global(path):
                retry_after = round(self._global_until - now, 3)
                self.enforced.append((method, path, "global"))
                return (429, {"message": "You are being rate limited.", "retry_after": retry_after, "global": True},
                        {"Retry-After": _whole_seconds(retry_after), "X-RateLimit-Global": "true",
                         "X-RateLimit-Scope": "global"}), {}
            window = self._window(method, path, now)
            if window[1] >= window[2]:
                retry_after = round(window[0] - now, 3)
                self.enforced.append((method, path, "user"))
                headers = {**self._headers(method, path, window, now), "Retry-After": _whole_seconds(retry_after),
                           "X-RateLimit-Scope": "user"}
                return (429, {"message": "You are being rate limited.", "retry_after": retry_after,
                              "global": False}, headers), headers
            window[1] += 1
            return None, self._headers(method, path, window, now)

    def _window(self, method, path, now):
        key = (bucket_hash(method, path), major_of(path))
        window = self._windows.get(key)
        if window is None or window[0] <= now:
            limit, per = self._limit_of(method, path)
            window = self._windows[key] = [now + per, 0, limit, time.time() + per]
        return window

    @staticmethod
    def _headers(method, path, window, now):
        """The X-RateLimit-* headers Discord sends with every answer of a limited route."""
        ends_at, count, limit, reset_epoch = window
        return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(max(0, limit - count)),
                "X-RateLimit-Reset": f"{reset_epoch:.3f}", "X-RateLimit-Reset-After": f"{ends_at - now:.3f}",
                "X-RateLimit-Bucket": bucket_hash(method, path)}

    def start_global(self, retry_after):
        with self._lock:
            self._global_until = max(self._global_until, time.monotonic() + retry_after)
