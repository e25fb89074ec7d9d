"""The scan at scale, on the real PostgreSQL and the fake Discord: one rate budget shared by concurrent
workers, guilds with new messages first, shards covering every guild once, an overlapping run refused."""
import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import psycopg2
import pytest

from app import create_app, deadlines
from app.automod.store import save_rule
from app.discord.rest import DiscordClient
from app.jobs import run_job
from app.jobs.guilds import prioritised_order
from app.jobs.rate_budget import RateBudget
from app.jobs.scan import scan
from tests import interactions as ix
from tests.conftest import BOT_TOKEN
from tests.fakes.aws_lambda import FakeLambda, deliver, on_lambda

ROOT = Path(__file__).resolve().parents[1]
MEMBER = "851000000000000002"
# Snowflake-like ids whose remainders by 3 differ, so three shards each get guilds.
GUILDS = [str(830000000000000000 + n * 7919) for n in range(9)]


def channel_of(guild_id):
    return str(int(guild_id) + 1)


class Recording:
    """A scan consumer that wants every guild and remembers every message it was handed."""
    NAME = "recording"

    def __init__(self):
        self.seen, self._lock = [], threading.Lock()

    def wants_guild(self, conn, guild_id):
        return True

    def consume(self, runtime, conn, guild_id, channel_id, messages, now):
        with self._lock:
            self.seen += [m["id"] for m in messages]


@pytest.fixture
def fake_discord(own_discord):
    own_discord.forget_guilds()
    for guild_id in GUILDS:
        own_discord.add_guild(guild_id, ix.OWNER_ID)
        own_discord.add_channel(guild_id, channel_of(guild_id))
    return own_discord


@pytest.fixture
def consumer():
    return Recording()


def make_runtime(settings, consumer, **extra):
    app = create_app({**settings, "SCAN_CONSUMERS": [consumer], **extra})
    return app.extensions["statussync"]


@pytest.fixture
def runtime(settings, consumer):
    return make_runtime(settings, consumer)


def post(fake, guild_id, text="hello"):
    return fake.add_message(channel_of(guild_id), fake.next_snowflake(), MEMBER, text)["id"]


def listings(fake):
    """Guild ids in the order their channel lists were read."""
    return [r.path.split("/")[2] for r in fake.find("GET", r"/guilds/\d+/channels")]


def message_reads(fake):
    return [r.path.split("/")[2] for r in fake.find("GET", r"/channels/\d+/messages")]


# ------------------------------------------------------------------ the shared budget

def test_concurrent_workers_never_send_faster_than_the_shared_budget(runtime, fake_discord):
    rate, burst, workers, each = 20.0, 4.0, 4, 12
    sent_at = []

    def worker():
        budget = RateBudget(runtime, name="test", rate=rate, burst=burst)  # its own object, the same row
        client = budget.metered(DiscordClient(fake_discord.base_url, BOT_TOKEN, ix.BOT_ID))
        for _ in range(each):
            client.get(f"/guilds/{GUILDS[0]}/channels")

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    sent_at = sorted(r.arrived for r in fake_discord.find("GET", rf"/guilds/{GUILDS[0]}/channels"))
    assert len(sent_at) == workers * each
    # In every window, no more requests than the burst plus the refill (one more for transit jitter).
    for i in range(len(sent_at)):
        for j in range(i + 1, len(sent_at)):
            assert j - i + 1 <= burst + rate * (sent_at[j] - sent_at[i]) + 1, (i, j, sent_at[j] - sent_at[i])
    assert time.monotonic() - started >= (workers * each - burst) / rate * 0.9


def test_a_worker_with_no_token_in_its_deadline_stops_before_calling_discord(runtime, fake_discord):
    budget = RateBudget(runtime, name="slow", rate=1.0, burst=1.0)
    client = budget.metered(DiscordClient(fake_discord.base_url, BOT_TOKEN, ix.BOT_ID))
    client.get(f"/guilds/{GUILDS[0]}/channels")
    started = time.monotonic()
    with pytest.raises(deadlines.DeadlineExceeded, match="rate budget"):
        with deadlines.within(0.8):
            client.get(f"/guilds/{GUILDS[1]}/channels")
    assert time.monotonic() - started < 0.5  # it knew at once that the refill comes too late
    assert listings(fake_discord) == [GUILDS[0]]


def test_a_scan_that_gets_no_token_in_its_budget_says_so_and_does_nothing(settings, consumer, fake_discord):
    drained = make_runtime(settings, consumer, SCAN_REQUEST_BURST="1", SCAN_REQUESTS_PER_SECOND="0.01",
                           JOB_BUDGET_SECONDS="2")
    first = scan(drained)  # its one token lists the guilds; the first guild's channel list finds none left
    assert "9 guild(s) left for next run" in first and len(fake_discord.requests) == 1
    assert scan(drained) == ("scan shard 1/1: the shared Discord budget left no time to list the guilds; "
                             "nothing scanned this run")
    assert len(fake_discord.requests) == 1


# ------------------------------------------------------------------ new messages first

def test_guilds_with_new_messages_get_the_budget_before_idle_ones(settings, consumer, fake_discord):
    runtime = make_runtime(settings, consumer)
    scan(runtime)  # cursors start at now; guilds served in id order (GUILDS[0] .. GUILDS[8])
    active = [GUILDS[6], GUILDS[8]]  # served last next run: plain round-robin would come to them last
    for guild_id in active:
        post(fake_discord, guild_id)
    scan(runtime)  # finds new messages in the two active guilds only
    assert len(consumer.seen) == 2

    second = [post(fake_discord, g, "again") for g in active]
    quiet_news = post(fake_discord, GUILDS[7], "a quiet guild speaks")
    fake_discord.reset()
    # Eight requests in all: the guild list, 4 idle guilds' channel lists, 2 x (channel list + messages).
    # Round-robin would spend them on GUILDS[0..6] and never reach GUILDS[8]'s new message.
    tight = make_runtime(settings, consumer, SCAN_REQUEST_BURST="8", SCAN_REQUESTS_PER_SECOND="0.01",
                         JOB_BUDGET_SECONDS="3")
    summary = scan(tight)
    # Place in line / 4 for a guild with news: 0, 1, 6 -> 1.5, 2, 8 -> 2 (after the 2 of the same key)...
    assert listings(fake_discord) == [GUILDS[0], GUILDS[1], GUILDS[6], GUILDS[2], GUILDS[8]]
    assert message_reads(fake_discord) == [channel_of(g) for g in active]
    assert consumer.seen[2:] == second and quiet_news not in consumer.seen
    assert "8 Discord request(s)" in summary and "4 guild(s) left for next run" in summary

    fake_discord.reset()
    scan(runtime)  # the budget back: the guilds left first, the quiet guild's message read, nothing twice
    # In line: the 4 left (3, 4, 5, 7), then 0, 1, 6 (news: 6/4), 2, 8 (news: 8/4).
    assert listings(fake_discord) == [GUILDS[n] for n in (3, 4, 6, 5, 8, 7, 0, 1, 2)]
    assert consumer.seen[4:] == [quiet_news]


def test_quiet_guilds_come_round_however_busy_the_others_are():
    busy = [(f"b{n}", 3) for n in range(12)]
    quiet = [(f"q{n}", 0) for n in range(3)]
    order = prioritised_order(quiet + busy)  # the quiet ones served longest ago, then 12 with news
    # Places in line 0-2 for the quiet ones; 3-14, divided by 4 (0.75 ... 3.5), for the busy ones.
    assert order == ["q0", "b0", "q1", "b1", "b2", "b3", "b4", "q2", "b5", "b6", "b7", "b8", "b9", "b10", "b11"]


# ------------------------------------------------------------------ shards

@pytest.mark.parametrize("fanout", ["threads", "inline"])
def test_shards_cover_every_guild_exactly_once_per_round(settings, consumer, fake_discord, fanout):
    runtime = make_runtime(settings, consumer, SCAN_SHARDS="3", SCAN_FANOUT=fanout)
    for round_number in range(2):
        posted = [post(fake_discord, g, f"round {round_number}") for g in GUILDS]
        fake_discord.reset()
        summary = scan(runtime)
        assert sorted(listings(fake_discord)) == sorted(GUILDS)  # each guild once, by one shard
        assert len(fake_discord.find("GET", r"/users/@me/guilds")) == 3
        if round_number:  # the first round only starts cursors; the second reads what was posted, once
            assert sorted(consumer.seen) == sorted(posted)
        lines = summary.splitlines()
        assert [line.split(":")[0] for line in lines] == ["shard 1/3", "shard 2/3", "shard 3/3"]
        assert all("scanned 3 guild(s)" in line for line in lines)


# ------------------------------------------------------------------ overlapping runs

def lock_holders(database_url):
    conn = psycopg2.connect(database_url)
    with conn, conn.cursor() as cur:
        # advisory locks are per database; other databases' runs (other suites) must not count here
        cur.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
        found = cur.fetchone()[0]
    conn.close()
    return found


def test_a_run_overlapping_a_running_one_is_refused_and_nothing_is_done_twice(settings, consumer, fake_discord):
    first_runtime = make_runtime(settings, consumer)
    scan(first_runtime)
    posted = [post(fake_discord, g) for g in GUILDS]
    fake_discord.reset()
    fake_discord.slow("GET", r"/guilds/\d+/channels", 0.3, times=len(GUILDS))  # the first run takes ~3 s
    summaries = {}
    first = threading.Thread(target=lambda: summaries.setdefault("first", run_job(first_runtime, "scan")))
    first.start()
    while not fake_discord.find("GET", r"/guilds/\d+/channels") and first.is_alive():
        time.sleep(0.01)

    started = time.monotonic()
    second = run_job(make_runtime(settings, consumer), "scan")  # a second scheduled start, in this thread
    assert time.monotonic() - started < 1.0
    assert second == "scan: an earlier run is still going; this run did nothing"
    # ...and as cron would start it: another process.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
           **{key: settings[key] for key in ("DATABASE_URL", "DISCORD_APPLICATION_ID", "DISCORD_PUBLIC_KEY",
                                             "DISCORD_BOT_TOKEN", "DISCORD_API_BASE", "DISCORD_CDN_BASE",
                                             "SECRET_KEY")}}
    other = subprocess.run([sys.executable, "-m", "app", "job", "scan"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=60)
    assert other.returncode == 0, other.stderr[-2000:]
    assert other.stdout.strip() == "scan: an earlier run is still going; this run did nothing"
    assert first.is_alive()  # the refusals came while the first run was still going

    first.join(30)
    assert summaries["first"].startswith("scanned 9 guild(s), 9 channel(s), 9 new message(s)")
    assert sorted(listings(fake_discord)) == sorted(GUILDS)  # each guild read once in all
    assert sorted(consumer.seen) == sorted(posted)
    assert lock_holders(settings["DATABASE_URL"]) == 0  # the lock went with the first run's end
    assert run_job(first_runtime, "scan").startswith("scanned 9 guild(s)")  # the next start runs


def test_one_shard_still_running_refuses_only_its_own_second_start(settings, consumer, fake_discord):
    from app.jobs.scan import scan_shard
    runtime = make_runtime(settings, consumer)
    fake_discord.slow("GET", r"/guilds/\d+/channels", 0.4, times=3)
    results = {}
    running = threading.Thread(target=lambda: results.setdefault("shard0", scan_shard(runtime, 0, 3)))
    running.start()
    while not fake_discord.find("GET", r"/guilds/\d+/channels") and running.is_alive():
        time.sleep(0.01)
    assert scan_shard(runtime, 0, 3) == "scan shard 1/3: an earlier run is still going; this run did nothing"
    assert scan_shard(runtime, 1, 3).startswith("scanned 3 guild(s)")  # another shard is not held up
    running.join(30)
    assert results["shard0"].startswith("scanned 3 guild(s)")
    assert sorted(listings(fake_discord)) == sorted(g for g in GUILDS if int(g) % 3 in (0, 1))  # each once


def test_a_lock_held_by_a_process_that_died_is_free_at_once(settings, consumer, fake_discord):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time, psycopg2\n"
        "from app.jobs.locks import JOB_LOCK_SPACE, lock_key\n"
        "conn = psycopg2.connect(sys.argv[1]); conn.autocommit = True\n"
        "conn.cursor().execute('SELECT pg_advisory_lock(%s, %s)', (JOB_LOCK_SPACE, lock_key('scan')))\n"
        "print('held', flush=True); time.sleep(60)\n"), settings["DATABASE_URL"]],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        runtime = make_runtime(settings, consumer)
        assert run_job(runtime, "scan") == "scan: an earlier run is still going; this run did nothing"
        holder.kill()  # a Lambda timeout: the process is gone without unlocking
        holder.wait(10)
        deadline = time.monotonic() + 5
        while lock_holders(settings["DATABASE_URL"]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert run_job(runtime, "scan").startswith("scanned 9 guild(s)")
    finally:
        if holder.poll() is None:
            holder.kill()


# ------------------------------------------------------------------ shards on Lambda

@pytest.fixture
def fake_lambda(monkeypatch, settings, tmp_path):
    fake = FakeLambda()
    on_lambda(monkeypatch, settings, tmp_path, fake, SCAN_SHARDS="3")
    yield fake
    fake.stop()


def test_on_lambda_each_shard_is_an_asynchronous_invocation_and_a_retried_one_does_nothing_twice(
        fake_lambda, fake_discord, settings):
    from app import lambda_jobs
    for guild_id in GUILDS:  # automod on: the scan reads these guilds (the features' own consumers)
        runtime = make_runtime(settings, Recording())
        with runtime.transaction() as conn:
            save_rule(conn, guild_id, {"type": "bad_words", "config": {"words": ["badword"]}},
                      datetime.now(timezone.utc))
    assert lambda_jobs.scan({}, None) == "scan: 3 of 3 shard(s) started as asynchronous invocations"
    events = [i["payload"] for i in fake_lambda.invocations]
    assert [e["args"] for e in events] == [[0, 3], [1, 3], [2, 3]]
    assert fake_discord.find("GET", r"/guilds/\d+/channels") == []  # the scheduled run only hands them out
    for event in events:  # first round: cursors start
        assert deliver(event).startswith("scanned 3 guild(s)")
    assert sorted(listings(fake_discord)) == sorted(GUILDS)

    bad = [post(fake_discord, g, "you badword") for g in GUILDS]
    fake_discord.reset()
    for event in events + events[:1]:  # AWS delivers shard 1's event twice
        deliver(event)
    left = {m["id"] for g in GUILDS for m in fake_discord.channel_messages(channel_of(g))}
    assert not left & set(bad)  # every shard judged its guilds
    assert sorted(message_reads(fake_discord)) == sorted(channel_of(g) for g in GUILDS)  # the retry read nothing
    with psycopg2.connect(settings["DATABASE_URL"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM automod_deletions")
        assert cur.fetchone()[0] == len(GUILDS)
    assert lambda_jobs.scan_shard("0; DROP", 3).startswith("scan shard refused")
