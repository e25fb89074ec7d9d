"""python -m app job scan: read the new messages of every guild that wants them, judge them, hand them on.

Per guild: one channel list; per channel whose last_message_id is past its cursor, the new messages
(`after=cursor`, 100 per page, at most MAX_PAGES pages a run). Automod judges and acts, the scan
consumers (app/scanning.py) get what remains, and the cursor advances in the same transaction as
automod's records; Discord is told only after that commit (see scan_channel).

At scale (docs/scaling.md): SCAN_SHARDS > 1 splits the guilds by id modulo the shard count, each shard a
run of its own (app/jobs/fanout.py: asynchronous Lambda invocations, or threads); every Discord request of
every shard takes a token of one shared budget first (app/jobs/rate_budget.py); guilds whose last serve
found new messages are served first (app/jobs/guilds.py); a shard still running refuses a second start.
"""
import logging

from .. import db, deadlines
from ..automod import compile_rules
from ..automod import deletions
from ..automod.enforce import carry_out, judge, record
from ..automod.store import has_enabled_rules, load_rules
from ..discord.errors import DiscordError
from ..moderation.journal import resume
from ..scanning import human_messages, load_consumers
from . import job
from .fanout import fan_out
from .guilds import in_shard, serve_guilds
from .locks import job_lock
from .rate_budget import RateBudget

log = logging.getLogger(__name__)

PAGE_SIZE = 100
MAX_PAGES = 5  # per channel per run; the rest waits for the next run behind the cursor
GUILD_PAGE = 200
MESSAGE_CHANNEL_TYPES = (0, 2, 5, 13)  # text, voice (text chat), announcement, stage
MAX_SHARDS = 64
SHARD_ENTRY = "app.lambda_jobs.scan_shard"  # what each shard's asynchronous invocation runs


@job("scan")
def scan(runtime) -> str:
    shards = shard_count(runtime)
    if shards == 1:
        return scan_shard(runtime, 0, 1)
    return fan_out(runtime, "scan", shards, scan_shard, SHARD_ENTRY)


def shard_count(runtime) -> int:
    """SCAN_SHARDS (1-64); 1 when unset or not a whole number in range."""
    value = str(runtime.settings.get("SCAN_SHARDS") or "1").strip()
    if not value.isdigit() or not 1 <= int(value) <= MAX_SHARDS:
        log.warning("SCAN_SHARDS must be a whole number from 1 to %d; using 1", MAX_SHARDS)
        return 1
    return int(value)


def scan_shard(runtime, shard: int, shards: int) -> str:
    """Scan the guilds of one shard (guild id % shards == shard), unless a run of it is still going."""
    with job_lock(runtime, "scan", (shard, shards)) as held:
        if not held:
            return f"scan shard {shard + 1}/{shards}: an earlier run is still going; this run did nothing"
        budget = RateBudget.for_scan(runtime)
        metered = runtime.with_discord(budget.metered(runtime.discord))
        consumers = runtime.settings.get("SCAN_CONSUMERS")  # tests plug their own in
        consumers = load_consumers() if consumers is None else consumers
        totals = {"guilds": 0, "channels": 0, "messages": 0, "flagged": 0, "skipped": 0}

        def shard_guilds():
            return [g["id"] for g in bot_guilds(metered.discord) if in_shard(g["id"], shard, shards)]
        try:
            served = serve_guilds(metered, "scan", shard_guilds,
                                  lambda guild_id: scan_guild(metered, guild_id, consumers, totals), prioritise=True)
        except deadlines.DeadlineExceeded as stopped:  # no token in time even to list the guilds
            log.warning("scan shard %d/%d: nothing scanned this run: %s", shard + 1, shards, stopped)
            return (f"scan shard {shard + 1}/{shards}: the shared Discord budget left no time to list the guilds; "
                    f"nothing scanned this run")
    return (f"scanned {totals['guilds']} guild(s), {totals['channels']} channel(s), {totals['messages']} new "
            f"message(s); {totals['flagged']} flagged; {totals['skipped']} channel(s) skipped; "
            f"{budget.taken} Discord request(s)" + served.note())


def bot_guilds(discord):
    after = "0"
    while True:
        page = discord.get("/users/@me/guilds", params={"limit": GUILD_PAGE, "after": after}) or []
        yield from page
        if len(page) < GUILD_PAGE:
            return
        after = max((g["id"] for g in page), key=int)


def scan_guild(runtime, guild_id, consumers, totals) -> int:
    """Scan one guild; how many of its channels had new messages (read now, or left for the next run)."""
    with runtime.transaction() as conn:
        automod = has_enabled_rules(conn, guild_id)
        wanting = [c for c in consumers if c.wants_guild(conn, guild_id)]
        compiled = compile_rules(load_rules(conn, guild_id)) if automod else None
        cursors = {str(r["channel_id"]): r["last_message_id"]
                   for r in db.all_rows(conn, "automod.cursors", {"guild_id": int(guild_id)})}
    if not automod and not wanting:
        return 0
    totals["guilds"] += 1
    try:
        channels = runtime.discord.get(f"/guilds/{guild_id}/channels") or []
    except DiscordError as error:
        log.warning("guild %s: channel list unavailable, skipped this run: %s", guild_id, error)
        return 0
    if automod:  # what a stopped run decided and never carried out: deletions, punishments never tried
        with runtime.connection() as conn:
            deletions.resume(runtime.discord, conn, guild_id, runtime.clock())
            resume(runtime.discord, conn, guild_id, runtime.clock())
    roles_cache, found_new = {}, 0
    for channel in channels:
        last = channel.get("last_message_id")
        if channel.get("type") not in MESSAGE_CHANNEL_TYPES:
            continue
        cursor = cursors.get(str(channel["id"]))
        if cursor is None:
            # An empty channel starts at 0: everything posted in it later is new and must be judged.
            start_cursor(runtime, guild_id, channel["id"], last or 0)
        elif not last:
            continue
        elif int(last) > cursor:
            totals["channels"] += 1
            found_new += 1
            scan_channel(runtime, guild_id, channel["id"], cursor, int(last), compiled, wanting, roles_cache, totals)
    if automod:  # this run's deletions (and any a stopped run left unreported) in one compact mod-log message
        with runtime.connection() as conn:
            deletions.report(runtime.discord, conn, guild_id, runtime.clock())
    for consumer in wanting:  # optional hook: work that must follow the commit (e.g. level-up roles)
        if hasattr(consumer, "after_commit"):
            consumer.after_commit(runtime, str(guild_id))
    return found_new


def start_cursor(runtime, guild_id, channel_id, last_message_id):
    """A channel seen for the first time is judged from now on, not from its history."""
    with runtime.transaction() as conn:
        db.run(conn, "automod.start_cursor", {"guild_id": int(guild_id), "channel_id": int(channel_id),
                                              "last_message_id": int(last_message_id), "now": runtime.clock()})


def fetch_new_messages(discord, channel_id, cursor):
    """Messages after `cursor`, oldest first, and whether every message up to now was read."""
    messages, after = [], cursor
    for _ in range(MAX_PAGES):
        page = discord.get(f"/channels/{channel_id}/messages", params={"after": str(after), "limit": PAGE_SIZE}) or []
        messages += page
        if len(page) < PAGE_SIZE:
            return sorted(messages, key=lambda m: int(m["id"])), True
        after = max(int(m["id"]) for m in page)
    return sorted(messages, key=lambda m: int(m["id"])), False


def scan_channel(runtime, guild_id, channel_id, cursor, last_seen, compiled, consumers, roles_cache, totals):
    """Judge (pure) → one short transaction: consumers' writes, the cursor, every record of the verdict
    (cases, journal rows, outbox rows) → commit → act on Discord with no transaction open, each journaled
    punishment exactly once. A crash after the commit never repeats a DM or a timeout on the rerun."""
    try:
        messages, complete = fetch_new_messages(runtime.discord, channel_id, cursor)
    except DiscordError as error:
        totals["skipped"] += 1
        why = {403: "I can't read it", 404: "it was deleted"}.get(error.status, "Discord didn't answer properly")
        log.warning("guild %s channel %s skipped (%s); its cursor stays at %s: %s", guild_id, channel_id, why, cursor, error)
        return
    newest = max([int(m["id"]) for m in messages], default=cursor)
    if complete:  # everything up to the listed last message was read (it may have been deleted since)
        newest = max(newest, last_seen)
    now = runtime.clock()
    verdict = judge(compiled, messages, member_roles(runtime.discord, guild_id, roles_cache)) if compiled is not None and messages else None
    ours, plan = record_batch(runtime, guild_id, channel_id, cursor, newest, messages, verdict, consumers, now)
    if not ours:
        return
    totals["messages"] += len(messages)
    if plan is not None:
        with runtime.connection() as conn:
            counts = carry_out(runtime.discord, conn, plan, now)
        totals["flagged"] += counts["flagged"]


def record_batch(runtime, guild_id, channel_id, cursor, newest, messages, verdict, consumers, now):
    """The batch's one transaction: (False, None) when another run judged it first, else (True, the
    enforce Plan to carry out or None). Nothing in it waits on Discord: the case counter is held a moment."""
    guild_name = _guild_name(runtime.discord, guild_id) if verdict and verdict.warns else None
    doomed = set(verdict.doomed) if verdict else set()
    with runtime.transaction() as conn:
        moved = db.run(conn, "automod.advance_cursor", {"guild_id": int(guild_id), "channel_id": int(channel_id),
                                                        "last_message_id": newest, "expected": cursor, "now": now})
        if not moved:  # another run judged this batch first
            return False, None
        kept = [m for m in human_messages(messages) if m["id"] not in doomed]
        for consumer in consumers:
            consumer.consume(runtime, conn, str(guild_id), str(channel_id), kept, now)
        if not verdict:
            return True, None
        return True, record(conn, guild_id, str(channel_id), verdict, now, bot_id=runtime.discord.application_id,
                            guild_name=guild_name)


def _guild_name(discord, guild_id):
    """Only the wording of an escalation DM needs it; fetched before the transaction, never inside."""
    try:
        return (discord.cached_get(f"/guilds/{guild_id}") or {}).get("name")
    except DiscordError as error:
        log.info("guild %s: name unavailable for escalation DMs: %s", guild_id, error)
        return None


def member_roles(discord, guild_id, cache):
    """roles_of(user_id) for exempt-role checks: one member fetch per author per run."""
    def roles_of(user_id):
        if user_id not in cache:
            try:
                cache[user_id] = (discord.get(f"/guilds/{guild_id}/members/{user_id}") or {}).get("roles") or []
            except DiscordError as error:
                log.info("guild %s: roles of %s unknown (%s); judged without exemptions", guild_id, user_id, error)
                cache[user_id] = []
        return cache[user_id]
    return roles_of
