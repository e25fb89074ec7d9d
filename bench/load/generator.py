"""Open-loop load: requests leave on a fixed timetable (rate r: request i at start + i/r), whatever the
answers do, so a slow server is seen as latency rather than hidden by a client that waits for it.

Latency is counted from the moment a request was due, not from when a client got round to sending it
(no coordinated omission): a generator or server that falls behind shows it in p99. Bounded in count
and in time: a step sends at most `count` requests and stops sending at `max_seconds`.
"""
import http.client
import statistics
import threading
import time
from urllib.parse import urlsplit

TIMEOUT_S = 5.0


class StepResult:
    def __init__(self, rate, planned):
        self.rate, self.planned = rate, planned
        self.sent = self.ok = 0
        self.errors = {}  # reason -> count
        self.samples = {}  # reason -> the first answer that had it (to see what went wrong)
        self.latencies = []  # seconds, of every answered request (ok or not)
        self.by_kind = {}  # kind -> [seconds]
        self.wall = 0.0

    @property
    def failed(self) -> int:
        return sum(self.errors.values())

    @property
    def throughput(self) -> float:
        return self.ok / self.wall if self.wall else 0.0

    def percentile(self, q: float, kind=None) -> float:
        ordered = sorted(self.latencies if kind is None else self.by_kind.get(kind, []))
        if not ordered:
            return float("nan")
        if q == 50:
            return statistics.median(ordered) * 1000
        return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))] * 1000

    def sustained(self, p99_ms: float) -> bool:
        return self.failed == 0 and self.sent == self.planned and self.percentile(99) < p99_ms


def run_step(base_url: str, requests: list, rate: float, *, clients: int = 32, max_seconds: float = 60.0,
             check=lambda kind, status, body: status == 200, answered=None) -> StepResult:
    """POST `requests` [(kind, body, headers)] to base_url + /interactions at `rate` a second;
    `answered(body, status, answer)` is called with each answer (Discord's side reading it), off the clock."""
    parts = urlsplit(base_url)
    result = StepResult(rate, len(requests))
    lock, cursor = threading.Lock(), iter(range(len(requests)))
    start = time.perf_counter() + 0.05
    stop_at = start + max_seconds

    def error(reason, sample=b""):
        with lock:
            result.errors[reason] = result.errors.get(reason, 0) + 1
            result.samples.setdefault(reason, sample[:300].decode("utf-8", "replace"))

    def client():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT_S)
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                break
            due = start + index / rate
            if due >= stop_at:
                break
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            kind, body, headers = requests[index]
            with lock:
                result.sent += 1
            try:
                conn.request("POST", parts.path.rstrip("/") + "/interactions", body=body, headers=headers)
                response = conn.getresponse()
                answer = response.read()
                elapsed = time.perf_counter() - due
            except (OSError, http.client.HTTPException) as exc:
                error(f"{kind}: {type(exc).__name__}")
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT_S)
                continue
            with lock:
                result.latencies.append(elapsed)
                result.by_kind.setdefault(kind, []).append(elapsed)
            if check(kind, response.status, answer):
                with lock:
                    result.ok += 1
            else:
                error(f"{kind}: HTTP {response.status}" if response.status != 200 else f"{kind}: wrong answer",
                      answer)
            if answered is not None:
                answered(body, response.status, answer)
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max_seconds + TIMEOUT_S + 5)
    result.wall = time.perf_counter() - start
    return result


def table_line(result: StepResult) -> str:
    errors = ", ".join(f"{reason} ×{n}" for reason, n in sorted(result.errors.items())) or "0"
    slowest = max(result.by_kind, key=lambda kind: result.percentile(99, kind), default="-")
    return (f"{result.rate:>8.0f}{result.sent:>7d}{result.throughput:>10.1f}{result.percentile(50):>9.1f}"
            f"{result.percentile(99):>9.1f}  {slowest:>11} {result.percentile(99, slowest):>7.1f}   {errors}")


TABLE_HEADER = f"{'rate/s':>8}{'sent':>7}{'ok/s':>10}{'p50 ms':>9}{'p99 ms':>9}  {'slowest p99':>19}   errors"
