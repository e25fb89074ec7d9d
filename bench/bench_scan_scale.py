"""The scan at 10,000 guilds under Discord's request budget: a simulation (simulated time, no HTTP, no database).

Run: python bench/bench_scan_scale.py [--guilds 10000] [--minutes 90] [--rate 40] [--budget 40] [--shards 4]

The model (docs/scaling.md):
- Guilds have 8 text channels; a guild's messages arrive as a Poisson process and land in its channels with
  Zipf weights (1, 1/2, ... 1/8). Three kinds of guild: 2% busy (a message every 5 s), 18% active (one every
  2 min), 80% quiet (one every 3 h): about 56 messages a second in all.
- The scan starts every --every seconds (60) and runs --budget seconds (JOB_BUDGET_SECONDS, 40); all shards
  together send --rate requests a second (the shared token bucket, SCAN_REQUESTS_PER_SECOND, 40 of Discord's 50).
  Each run first lists the bot's guilds (ceil(guilds/200) requests per shard), then serves guilds in the
  policy's order; serving one costs 1 request (its channel list) + one per 100-message page of each channel with
  new messages (at most 5 pages a channel a run, the rest next run); each page's messages count as read when its
  request is sent. A guild cut off by the run's end is not marked served (it is first next run).
- Policies: round-robin = least-recently-served first (app/jobs/guilds.py serve_order); prioritised = what the
  job does (app/jobs/guilds.py prioritised_order): a guild whose last serve found new messages has its place in
  line divided by --weight (4), i.e. is due 4x as often; news-first lanes (for comparison, not shipped): every
  guild whose last serve found news first, three of them to one of the rest.
- Coverage: at each minute's start, the channels holding unread messages; the share of them whose oldest unread
  message was read within that minute. Delay: a message's arrival to the request that read it; messages still
  unread at the end count with their age then (a lower bound). Statistics after a --warmup (20 min).
"""
import argparse
import math
import random
import sys
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.jobs.guilds import ACTIVE_WEIGHT, DEFAULT_BUDGET_S, prioritised_order  # noqa: E402
from app.jobs.rate_budget import DEFAULT_RATE  # noqa: E402
from app.jobs.scan import GUILD_PAGE, MAX_PAGES, PAGE_SIZE  # noqa: E402

CHANNELS = 8
KINDS = [("busy", 0.02, 1 / 5), ("active", 0.18, 1 / 120), ("quiet", 0.80, 1 / 10800)]  # share, messages/s
ZIPF = [1 / (k + 1) for k in range(CHANNELS)]


POLICIES = ("round-robin", "prioritised", "news-first lanes")


def lanes_order(ordered, run=3):
    """The plain reading of "news first": guilds with news, three to each one of the rest."""
    active = [g for g, found in ordered if found]
    rest = [g for g, found in ordered if not found]
    order = []
    for n in range(max(len(active) // run + 1, len(rest))):
        order += active[n * run:(n + 1) * run] + rest[n:n + 1]
    return order


class Guild:
    __slots__ = ("kind", "rate", "next_at", "unread", "found", "seq", "read_upto")

    def __init__(self, kind, rate, rng):
        self.kind, self.rate = kind, rate
        self.next_at = rng.expovariate(rate)
        self.unread = [deque() for _ in range(CHANNELS)]  # arrival times, oldest first
        self.read_upto = [-1.0] * CHANNELS  # arrival time of the newest message read, per channel
        self.found, self.seq = 0, -1  # found_new of the last serve; serve sequence (-1: never served)

    def arrive_until(self, t, rng):
        while self.next_at <= t:
            self.unread[rng.choices(range(CHANNELS), ZIPF)[0]].append(self.next_at)
            self.next_at += rng.expovariate(self.rate)


def simulate(policy, args):
    rng = random.Random(args.seed)
    guilds = []
    for kind, share, rate in KINDS:
        guilds += [Guild(kind, rate, rng) for _ in range(round(args.guilds * share))]
    rng.shuffle(guilds)
    arrival_rng = random.Random(args.seed + 1)
    delays = {kind: [] for kind, _, _ in KINDS}
    channel_delays = {}
    coverage, pending_at_start = [], {}
    warmup, end = args.warmup * 60.0, args.minutes * 60.0
    seq, requests, served_runs = 0, 0, []
    step = 1.0 / args.rate
    listing = args.shards * math.ceil(len(guilds) / GUILD_PAGE)

    def record(g, index, channel, arrived, read_at):
        if arrived >= warmup:
            delays[g.kind].append(read_at - arrived)
            channel_delays.setdefault((index, channel), []).append(read_at - arrived)

    t = 0.0
    while t < end:
        minute_start = t
        # Coverage of the minute that just ended, then the channels waiting as this one starts.
        for g in guilds:
            g.arrive_until(t, arrival_rng)
        if pending_at_start and t > warmup:
            covered = sum(1 for (i, c), oldest in pending_at_start.items() if guilds[i].read_upto[c] >= oldest)
            coverage.append(covered / len(pending_at_start))
        pending_at_start = {(i, c): g.unread[c][0] for i, g in enumerate(guilds) for c in range(CHANNELS)
                            if g.unread[c]}
        # One scheduled run: the guild list, then guilds in the policy's order until the budget is spent.
        run_end = t + args.budget
        t += listing * step
        requests += listing
        by_age = sorted(range(len(guilds)), key=lambda i: (guilds[i].seq, i))  # never served first, then oldest
        if policy == "prioritised":
            order = [int(i) for i in prioritised_order([(str(i), guilds[i].found) for i in by_age], args.weight)]
        elif policy == "news-first lanes":
            order = [int(i) for i in lanes_order([(str(i), guilds[i].found) for i in by_age])]
        else:
            order = by_age
        served = 0
        for i in order:
            if t + step > run_end:
                break
            g = guilds[i]
            g.arrive_until(t, arrival_rng)
            t += step  # its channel list
            requests += 1
            found, cut = 0, False
            for c in range(CHANNELS):
                waiting = g.unread[c]
                if not waiting:
                    continue
                found += 1
                for _ in range(MAX_PAGES):
                    if t + step > run_end:
                        cut = True
                        break
                    t += step
                    requests += 1
                    for _ in range(min(PAGE_SIZE, len(waiting))):
                        arrived = waiting.popleft()
                        g.read_upto[c] = arrived
                        record(g, i, c, arrived, t)
                    if not waiting:
                        break
                if cut:
                    break
            if cut:
                break
            g.found, g.seq = found, seq
            seq += 1
            served += 1
        served_runs.append(served)
        t = minute_start + args.every
    for i, g in enumerate(guilds):  # still unread at the end: their age so far (a lower bound)
        g.arrive_until(end, arrival_rng)
        for c in range(CHANNELS):
            for arrived in g.unread[c]:
                record(g, i, c, arrived, end)
    return {"delays": delays, "channels": channel_delays, "coverage": coverage, "served": served_runs,
            "requests_per_min": requests / args.minutes}


def pct(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def fmt(seconds):
    return f"{seconds:7.0f} s" if seconds < 600 else f"{seconds / 60:6.1f} min"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guilds", type=int, default=10_000)
    parser.add_argument("--minutes", type=int, default=90)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--every", type=float, default=60.0, help="seconds between scheduled scans")
    parser.add_argument("--budget", type=float, default=DEFAULT_BUDGET_S, help="seconds one scan may run")
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE, help="requests/s all shards share")
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--weight", type=float, default=ACTIVE_WEIGHT, help="prioritised: how much more often")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    total_rate = sum(share * rate for _, share, rate in KINDS) * args.guilds
    print(f"{args.guilds} guilds x {CHANNELS} channels; {total_rate:.1f} messages/s "
          f"({', '.join(f'{share:.0%} {kind}' for kind, share, _ in KINDS)}); a scan every {args.every:.0f} s running "
          f"{args.budget:.0f} s at {args.rate:.0f} requests/s ({args.rate * args.budget:.0f} requests a run), "
          f"{args.shards} shard(s); {args.minutes} simulated minutes, statistics after minute {args.warmup}")
    results = {policy: simulate(policy, args) for policy in POLICIES}
    rows = [("requests / minute", lambda r: f"{r['requests_per_min']:9.0f}"),
            ("guilds served / run", lambda r: f"{sum(r['served']) / len(r['served']):9.0f}"),
            ("coverage / minute", lambda r: f"{sum(r['coverage']) / len(r['coverage']):9.1%}")]
    for name, p in (("p50", 50), ("p99", 99)):
        rows.append((f"delay {name}, messages",
                     lambda r, p=p: fmt(pct([d for v in r["delays"].values() for d in v], p))))
    for name, p in (("p50", 50), ("p99", 99)):
        rows.append((f"delay {name}, channels", lambda r, p=p: fmt(pct(
            [sum(v) / len(v) for v in r["channels"].values()], p))))
    for kind, _, _ in KINDS:
        for name, p in (("p50", 50), ("p99", 99)):
            rows.append((f"  {kind} guilds {name}", lambda r, p=p, kind=kind: fmt(pct(r["delays"][kind], p))))
    print(f"{'':26}" + "".join(f"{policy:>18}" for policy in POLICIES))
    for label, cell in rows:
        print(f"{label:26}" + "".join(f"{cell(results[policy]):>18}" for policy in POLICIES))
    print("delay per channel: each channel's mean delay, p50/p99 over channels; coverage: share of channels "
          "waiting at a minute's start whose oldest unread message was read within that minute")


if __name__ == "__main__":
    main()
