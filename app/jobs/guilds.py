"""A job's walk over the bot's guilds, inside a time budget, resuming where the last run stopped.

    left = serve_guilds(runtime, "scan", guild_ids, lambda guild_id: scan_guild(...)).left

Guilds are served oldest-served first (never-served ones before all others; table job_guilds), under one
`deadlines.within(budget)` that the REST client and the database read. No new guild is started when less
is left than the slowest guild of this run took (or a small reserve), and a guild whose step raised
DeadlineExceeded is not marked: it is first in line next run. Each finished guild is marked served at once,
so a run killed half-way (a Lambda timeout) loses nothing already done.

With `prioritise=True` (the scan), serve_one returns how many channels with new messages it found (or left
unread), and a guild where that was > 0 is due ACTIVE_WEIGHT times as often as a quiet one
(prioritised_order); quiet guilds still come round in turn, never starved (bench/bench_scan_scale.py).
"""
import logging
import time
from dataclasses import dataclass, field

from .. import db, deadlines

log = logging.getLogger(__name__)

DEFAULT_BUDGET_S = 40.0  # well inside the 60 s Lambda timeout of zappa_settings.json
ACTIVE_WEIGHT = 4  # a guild whose last serve found new messages is due this many times as often
RESERVE_SHARE = 0.05  # of the budget, kept back before starting another guild
MARK_S = 5.0  # the mark of a served guild gets its own time, even when the budget is spent


@dataclass
class Round:
    served: list = field(default_factory=list)
    left: int = 0  # guilds not reached this run: first next run

    def note(self) -> str:
        """What a job's summary adds: nothing, or how many guilds wait for the next run."""
        return f"; {self.left} guild(s) left for next run" if self.left else ""


def budget_of(runtime) -> float:
    """Seconds a job's run may take: the JOB_BUDGET_SECONDS setting, DEFAULT_BUDGET_S when unset or bad."""
    value = runtime.settings.get("JOB_BUDGET_SECONDS")
    try:
        budget = float(value) if value not in (None, "") else DEFAULT_BUDGET_S
    except (TypeError, ValueError):
        budget = 0.0
    if not 0 < budget < 900:
        log.warning("JOB_BUDGET_SECONDS must be a number of seconds (0-900); using %s", DEFAULT_BUDGET_S)
        return DEFAULT_BUDGET_S
    return budget


def serve_order(runtime, job: str, guild_ids, prioritise: bool = False) -> list:
    ids = list(dict.fromkeys(str(g) for g in guild_ids if str(g).isdigit()))
    if not ids:
        return []
    with runtime.connection() as conn:
        rows = db.all_rows(conn, "jobs.serve_order", {"job": job, "guild_ids": [int(g) for g in ids]})
        conn.rollback()
    ordered = [(str(row["guild_id"]), row["found_new"]) for row in rows]
    return prioritised_order(ordered) if prioritise else [guild_id for guild_id, _ in ordered]


def prioritised_order(ordered, weight: float = ACTIVE_WEIGHT) -> list:
    """[(guild_id, found_new)] in least-recently-served order -> guild ids, those whose last serve found new
    messages moved ahead: a guild's place in line (0 = served longest ago) is divided by `weight` when it had
    news. Plain "news first" lanes starve the quiet guilds and re-read busy ones a few messages a page: the
    bench measured channels' median delay 26 min against round-robin's 6.5 (docs/scaling.md)."""
    keyed = sorted((rank / weight if found else rank, rank, guild_id)
                   for rank, (guild_id, found) in enumerate(ordered))
    return [guild_id for _, _, guild_id in keyed]


def in_shard(guild_id, shard: int, shards: int) -> bool:
    """Which shard serves a guild: its id modulo the shard count (each guild in exactly one shard)."""
    return int(guild_id) % shards == shard


def mark_served(runtime, job: str, guild_id, found_new: int = 0) -> None:
    with deadlines.within(deadlines.Deadline.after(MARK_S)):
        with runtime.transaction() as conn:
            db.run(conn, "jobs.mark_served", {"job": job, "guild_id": int(guild_id), "now": runtime.clock(),
                                              "found_new": int(found_new or 0)})


def serve_guilds(runtime, job: str, guild_ids, serve_one, budget=None, prioritise: bool = False) -> Round:
    """Call serve_one(guild_id) for the guilds (a list, or a function listing them, called inside the
    budget) in serve order until the budget is nearly spent; other errors propagate (the guild unmarked)."""
    budget = budget_of(runtime) if budget is None else float(budget)
    done = Round()
    with deadlines.within(budget) as deadline:
        order = serve_order(runtime, job, guild_ids() if callable(guild_ids) else guild_ids, prioritise)
        slowest = 0.0
        for guild_id in order:
            if deadline.remaining() <= max(slowest, budget * RESERVE_SHARE):
                break
            started = time.monotonic()
            try:
                found_new = serve_one(guild_id)
            except deadlines.DeadlineExceeded as stopped:
                log.info("%s job: guild %s stopped by the time budget (%s); first next run", job, guild_id, stopped)
                break
            slowest = max(slowest, time.monotonic() - started)
            mark_served(runtime, job, guild_id, found_new if prioritise else 0)
            done.served.append(guild_id)
    done.left = len(order) - len(done.served)
    if done.left:
        log.info("%s job: %d guild(s) served, %d left for next run (budget %.1fs)", job, len(done.served),
                 done.left, budget)
    return done
