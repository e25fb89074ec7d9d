"""One Discord request budget shared by every scan worker of every Lambda: a token bucket row in PostgreSQL.

    budget = RateBudget.for_scan(runtime)
    discord = budget.metered(runtime.discord)   # takes a token before each request it sends

Discord lets a bot send about 50 requests a second in all, however many processes send them. Each worker
takes a token (one short UPDATE, sql/queries/rate_budget.sql) before a Discord call; when none is left it
waits for the refill, but never past its deadline: DeadlineExceeded is raised BEFORE the call, so nothing
of it was done and the guild is first next run. The bucket's clock is the database's, the one all share.
"""
import logging
import time

from .. import db, deadlines
from ..discord.rest import DiscordClient

log = logging.getLogger(__name__)

NAME = "discord"
DEFAULT_RATE = 40.0  # requests/s for jobs: Discord's ~50/s less room for interactions' follow-ups and the outbox
POLL_MAX_S = 0.25  # a waiting worker looks again at least this often (another may have taken the refill)
NO_DEADLINE_WAIT_S = 30.0  # without a deadline, how long a worker waits for a token before giving up
SEND_RESERVE_S = 0.5  # of the deadline, kept for the request the token is for


class RateBudget:
    def __init__(self, runtime, name: str = NAME, rate: float = DEFAULT_RATE, burst: float | None = None,
                 sleep=time.sleep):
        self.runtime, self.name = runtime, name
        self.rate = float(rate)
        self.burst = float(burst) if burst else self.rate  # a second's worth
        self._sleep = sleep
        self.taken = 0
        self._ensure()

    def _ensure(self):
        with self.runtime.transaction() as conn:
            db.run(conn, "rate_budget.ensure_budget", {"name": self.name, "capacity": self.burst, "rate": self.rate})

    @classmethod
    def for_scan(cls, runtime):
        """The jobs' budget at SCAN_REQUESTS_PER_SECOND (default 40) and SCAN_REQUEST_BURST (default: a second's)."""
        return cls(runtime, rate=_positive(runtime.settings.get("SCAN_REQUESTS_PER_SECOND"), DEFAULT_RATE),
                   burst=_positive(runtime.settings.get("SCAN_REQUEST_BURST"), None))

    def try_take(self, n: int = 1) -> tuple[bool, float]:
        """(taken, seconds until n tokens would be there): one short transaction, no waiting."""
        with self.runtime.transaction() as conn:
            row = db.one(conn, "rate_budget.take_tokens", {"name": self.name, "n": float(n)})
        if row is None:  # the row was deleted under us: make it again, and take nothing this time
            self._ensure()
            return False, 1.0 / self.rate
        return bool(row["taken"]), float(row["wait_s"])

    def take(self, n: int = 1, what: str = "a Discord request") -> None:
        """Take n tokens, waiting for the refill within the current deadline; DeadlineExceeded when it won't come."""
        waited = 0.0
        while True:
            taken, wait = self.try_take(n)
            if taken:
                self.taken += n
                return
            left = deadlines.remaining()
            if left is not None and wait + SEND_RESERVE_S > left:
                raise deadlines.DeadlineExceeded(
                    f"rate budget {self.name!r}: {wait:.2f}s until a token for {what}, {max(left, 0):.2f}s left")
            if left is None and waited + wait > NO_DEADLINE_WAIT_S:
                raise deadlines.DeadlineExceeded(f"rate budget {self.name!r}: no token for {what} in {waited:.0f}s")
            pause = min(max(wait, 0.001), POLL_MAX_S)
            self._sleep(pause)
            waited += pause

    def metered(self, client):
        return MeteredDiscord(client, self)


class MeteredDiscord:
    """The REST client with a token taken before each request it sends (its own per-route limits still apply).

    The shorthands (get, post, cached_get, send_message...) are DiscordClient's own, bound to this object, so
    they all come through `request`; everything else (application_id, limits) is the wrapped client's."""

    def __init__(self, client, budget: RateBudget):
        self._client, self._budget = client, budget

    def request(self, method, path, **kw):
        self._budget.take(1, f"{method} {path.split('?', 1)[0]}")
        return self._client.request(method, path, **kw)

    def __getattr__(self, name):
        own = DiscordClient.__dict__.get(name)
        if callable(own) and not name.startswith("_"):
            return own.__get__(self)
        return getattr(self._client, name)

    def __repr__(self):
        return f"<MeteredDiscord {self._budget.name} {self._client!r}>"


def _positive(value, default):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if 0 < number < 10_000 else default
