"""The app against its own PostgreSQL frozen (SIGSTOP), restarted and stopped: answers stay inside Discord's 3 s.

A private server (tests/pg_instance.py), never the shared one; the real app, signed interactions, the
fake Discord, and for concurrency a real waitress server. Every answer is timed against the bound a
user or operator would check: 3 s for an interaction, 1 s for /health.
"""
import json
import logging
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timezone

import psycopg2
import pytest
import requests

from app import create_app, db, db_pool, deadlines
from tests import interactions as ix
from tests import spec
from tests.pg_instance import PgInstance, wait_until

INTERACTION_BOUND_S, HEALTH_BOUND_S, PING_BOUND_S = 3.0, 1.0, 0.5
BAN = 1 << 2
NOW = datetime(2024, 5, 1, tzinfo=timezone.utc)
MOD_ROLE, BOT_ROLE, OTHER_MEMBER = "700000000000000005", "700000000000000020", "850000000000000055"


@pytest.fixture(scope="session")
def private_pg():
    instance = PgInstance.create()
    try:
        instance.database_url = instance.create_database("statussync_faults")
        db.migrate(instance.database_url, log=lambda line: None)
        yield instance
    finally:
        db.close_pools()
        instance.destroy()


def _heal(instance) -> None:
    instance.thaw()
    if not instance.running():
        instance.start()


@pytest.fixture
def pg(private_pg):
    """The private server, thawed and running before and after each test (a failed test leaves no fault)."""
    _heal(private_pg)
    yield private_pg
    _heal(private_pg)


@pytest.fixture
def fault_app(settings, pg):
    return create_app({**settings, "DATABASE_URL": pg.database_url})


@pytest.fixture
def side(fault_app, signing_key):
    return ix.DiscordSide(fault_app.test_client(), signing_key)


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def config_view(side):
    return side.command("config", [ix.sub("view")], permissions=ix.MANAGE_GUILD)


def is_unavailable(payload) -> bool:
    return payload["type"] == 4 and payload["data"]["flags"] == 64 and \
        "temporarily unavailable" in payload["data"]["content"]


def is_config_view(payload) -> bool:
    fields = {f["name"] for e in payload["data"].get("embeds") or [] for f in e.get("fields") or []}
    return payload["type"] == 4 and "Mod log" in fields


def health(app):
    response, elapsed = timed(lambda: app.test_client().get("/health"))
    return response.status_code, response.get_json(), elapsed


# ------------------------------------------------------------------ a real server, for concurrency

@contextmanager
def served(app, threads: int):
    from waitress import create_server, wasyncore
    server = create_server(app, host="127.0.0.1", port=0, threads=threads, ident="statussync-test")
    stopping = threading.Event()

    def serve():  # waitress's own loop, in short turns, so it has stopped before the sockets close
        while not stopping.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, count=1)

    runner = threading.Thread(target=serve, daemon=True)
    runner.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        runner.join(5)
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        wasyncore.close_all(server._map)


def post_signed(base, signing_key, interaction):
    body = json.dumps(interaction).encode()
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "X-Signature-Timestamp": timestamp,
               "X-Signature-Ed25519": signing_key.sign(timestamp.encode() + body).signature.hex()}
    started = time.monotonic()
    response = requests.post(f"{base}/interactions", data=body, headers=headers, timeout=10)
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    payload = response.json()
    spec.validate_interaction_response(payload)
    return payload, elapsed


def get_health(base):
    started = time.monotonic()
    response = requests.get(f"{base}/health", timeout=10)
    return response.status_code, time.monotonic() - started


def config_view_interaction():
    return ix.command("config", [ix.sub("view")], permissions=ix.MANAGE_GUILD)


# ------------------------------------------------------------------ frozen (hung) database

def test_a_frozen_database_gets_ephemeral_unavailable_in_time_and_the_next_command_works_after_thaw(
        pg, side, fault_app):
    assert is_config_view(config_view(side))  # the pool now holds a connection to the server we freeze
    pg.freeze()
    try:
        payload, elapsed = timed(lambda: config_view(side))
        assert is_unavailable(payload) and elapsed <= INTERACTION_BOUND_S, (payload, elapsed)
        pong, elapsed = timed(lambda: side.send({"id": ix.snowflake(), "type": 1, "token": "t", "version": 1}))
        assert pong == {"type": 1} and elapsed <= PING_BOUND_S
        status, body, elapsed = health(fault_app)
        assert status == 503 and body["database"] == "unreachable" and elapsed <= HEALTH_BOUND_S, elapsed
        again, elapsed = timed(lambda: config_view(side))  # pool emptied: a fresh connect, bounded too
        assert is_unavailable(again) and elapsed <= INTERACTION_BOUND_S, elapsed
    finally:
        pg.thaw()
    assert is_config_view(config_view(side))
    status, _, _ = health(fault_app)
    assert status == 200


def test_concurrent_requests_on_a_frozen_database_do_not_queue_behind_each_other(pg, fault_app, signing_key):
    with served(fault_app, threads=6) as base:
        assert is_config_view(post_signed(base, signing_key, config_view_interaction())[0])
        pg.freeze()
        try:
            started = time.monotonic()
            with ThreadPoolExecutor(max_workers=6) as pool:
                views = [pool.submit(post_signed, base, signing_key, config_view_interaction()) for _ in range(4)]
                time.sleep(0.2)  # the four are now waiting on the database
                ping = pool.submit(post_signed, base, signing_key,
                                   {"id": ix.snowflake(), "type": 1, "token": "t", "version": 1})
                checked = pool.submit(get_health, base)
                answers = [view.result() for view in views]
                pong, ping_elapsed = ping.result()
                health_status, health_elapsed = checked.result()
            wall = time.monotonic() - started
        finally:
            pg.thaw()
        assert pong == {"type": 1} and ping_elapsed <= PING_BOUND_S, ping_elapsed
        assert health_status == 503 and health_elapsed <= HEALTH_BOUND_S, health_elapsed
        for payload, elapsed in answers:
            assert is_unavailable(payload) and elapsed <= INTERACTION_BOUND_S, (payload, elapsed)
        # each waits at most its own bound (2.4 s statement, 1.5 s connect); four in a queue would take 6 s+
        assert wall <= INTERACTION_BOUND_S, wall
        assert is_config_view(post_signed(base, signing_key, config_view_interaction())[0])


def _ban(side, fake, user_id):
    user = fake.add_user(user_id)
    member = {k: v for k, v in fake.member(ix.GUILD_ID, user_id).items() if k != "user"}
    return side.command("ban", [ix.opt("user", user_id, 6)], permissions=BAN, roles=[MOD_ROLE],
                        resolved={"users": {user_id: user}, "members": {user_id: member}})


def test_a_frozen_database_never_lets_a_ban_act_on_discord(pg, side, fake_discord):
    fake_discord.add_guild(ix.GUILD_ID, ix.OWNER_ID, roles=[{"id": MOD_ROLE, "name": "mod", "position": 5},
                                                           {"id": BOT_ROLE, "name": "bot", "position": 20}])
    fake_discord.add_member(ix.GUILD_ID, ix.BOT_ID, roles=[BOT_ROLE], bot=True)
    fake_discord.add_member(ix.GUILD_ID, ix.MOD_ID, roles=[MOD_ROLE])
    for user_id in (ix.MEMBER_ID, OTHER_MEMBER):
        fake_discord.add_member(ix.GUILD_ID, user_id)
    assert is_config_view(config_view(side))
    pg.freeze()
    try:
        payload, elapsed = timed(lambda: _ban(side, fake_discord, ix.MEMBER_ID))
    finally:
        pg.thaw()
    assert is_unavailable(payload) and elapsed <= INTERACTION_BOUND_S, (payload, elapsed)
    assert ix.MEMBER_ID not in fake_discord.guild_bans(ix.GUILD_ID)  # not banned without a case
    _ban(side, fake_discord, OTHER_MEMBER)  # the same ban with the database answering does ban
    assert OTHER_MEMBER in fake_discord.guild_bans(ix.GUILD_ID)


# ------------------------------------------------------------------ the database layer's own bounds

def test_under_a_deadline_a_frozen_server_holds_a_call_no_longer_than_the_time_left(pg):
    url = pg.database_url
    with db.connection(url) as conn:  # a hot pooled connection: handed out without a ping
        db.one(conn, "interactions.claim", {"interaction_id": 1, "guild_id": None, "now": NOW})
        conn.rollback()
    pg.freeze()
    try:
        started = time.monotonic()
        with pytest.raises(db.DatabaseUnavailable), deadlines.within(0.4), db.connection(url) as conn:
            db.one(conn, "interactions.claim", {"interaction_id": 2, "guild_id": None, "now": NOW})
        assert time.monotonic() - started <= 0.6
        assert conn.closed  # never handed out again
        started = time.monotonic()
        with pytest.raises(db.DatabaseUnavailable), deadlines.within(0.3):
            db.acquire(url)  # connecting is bounded by the deadline too
        assert time.monotonic() - started <= 0.5
    finally:
        pg.thaw()


def test_with_no_time_left_nothing_is_sent_and_the_connection_stays_good(pg):
    url = pg.database_url
    conn = db.acquire(url)
    try:
        with deadlines.within(0.01):
            time.sleep(0.02)
            with pytest.raises(deadlines.DeadlineExceeded):
                db.acquire(url)
            with pytest.raises(deadlines.DeadlineExceeded):
                db.one(conn, "interactions.claim", {"interaction_id": 3, "guild_id": None, "now": NOW})
        assert db.one(conn, "interactions.claim", {"interaction_id": 4, "guild_id": None, "now": NOW})
        with deadlines.within(0.01):
            time.sleep(0.02)
            with pytest.raises(deadlines.DeadlineExceeded):
                conn.commit()
    finally:
        db.release(url, conn)
    with db.connection(url) as check:  # the refused commit committed nothing
        assert db.one(check, "interactions.claim", {"interaction_id": 4, "guild_id": None, "now": NOW})
        check.rollback()


# ------------------------------------------------------------------ dropped pooled connections

def _pooled_backends(instance) -> list:
    """Server pids of the app's connections (application_name 'statussync'), seen from a separate session."""
    conn = psycopg2.connect(instance.database_url, connect_timeout=3)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pid FROM pg_stat_activity WHERE application_name = 'statussync' "
                        "AND pid <> pg_backend_pid()")
            return [row[0] for row in cur.fetchall()]
    finally:
        conn.close()


def _fill_pool(app, signing_key, count: int) -> None:
    """`count` concurrent commands, so the pool keeps `count` connections."""
    with served(app, threads=count) as base, ThreadPoolExecutor(max_workers=count) as pool:
        answers = list(pool.map(lambda _: post_signed(base, signing_key, config_view_interaction()),
                                range(count)))
    assert all(is_config_view(payload) for payload, _ in answers)


def test_a_slow_query_cut_by_its_deadline_keeps_the_other_pooled_connections(pg, fault_app, signing_key):
    _fill_pool(fault_app, signing_key, 3)
    pooled = set(_pooled_backends(pg))
    started = time.monotonic()
    with pytest.raises(db.DatabaseUnavailable), deadlines.within(0.2), db.connection(pg.database_url) as conn:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_sleep(1)")
    assert time.monotonic() - started <= 0.4
    time.sleep(1.2)  # the cut one's backend finishes its sleep and sees the closed socket
    assert len(pooled & set(_pooled_backends(pg))) == len(pooled) - 1  # only that one was closed


def test_after_a_restart_the_very_next_commands_answer_normally(pg, side, fault_app, signing_key):
    _fill_pool(fault_app, signing_key, 4)
    assert len(_pooled_backends(pg)) >= 2  # the pool really holds connections the restart will drop
    pg.restart()
    for _ in range(5):  # more than the pool held: not one "unavailable"
        payload, elapsed = timed(lambda: config_view(side))
        assert is_config_view(payload) and elapsed <= INTERACTION_BOUND_S, payload
    status, body, elapsed = health(fault_app)
    assert status == 200 and body["database"] == "ok" and elapsed <= HEALTH_BOUND_S


def test_health_is_200_right_after_a_restart(pg, fault_app, side):
    assert is_config_view(config_view(side))
    pg.restart()
    status, body, elapsed = health(fault_app)
    assert status == 200 and body["migrations"] == "current" and elapsed <= HEALTH_BOUND_S


def test_pooled_connections_that_silently_stopped_answering_cost_the_next_command_nothing(pg, side, fault_app,
                                                                                         signing_key):
    """Like a Lambda idle for hours or a failover without a reset: the sockets look fine, nothing answers."""
    _fill_pool(fault_app, signing_key, 3)
    silent = _pooled_backends(pg)
    assert silent
    for pid in silent:
        os.kill(pid, signal.SIGSTOP)
    try:
        time.sleep(db_pool.IDLE_CHECK_S + 0.2)  # idle past the pool's check interval (a hot one is not pinged)
        payload, elapsed = timed(lambda: config_view(side))
        assert is_config_view(payload) and elapsed <= 1.0, (payload, elapsed)
        payload, elapsed = timed(lambda: config_view(side))
        assert is_config_view(payload) and elapsed <= 1.0, (payload, elapsed)
    finally:
        for pid in silent:
            os.kill(pid, signal.SIGCONT)
    # the first dead one made the app close every idle one: once they run again, each reads its goodbye
    assert wait_until(lambda: not set(silent) & set(_pooled_backends(pg)), timeout=5), _pooled_backends(pg)


# ------------------------------------------------------------------ stopped database

def test_a_stopped_database_gets_ephemeral_unavailable_without_5xx_or_traceback(pg, side, fault_app, caplog):
    assert is_config_view(config_view(side))
    pg.stop()
    caplog.set_level(logging.DEBUG)
    for _ in range(3):
        payload, elapsed = timed(lambda: config_view(side))
        assert is_unavailable(payload) and elapsed <= INTERACTION_BOUND_S, (payload, elapsed)
    status, body, elapsed = health(fault_app)
    assert status == 503 and body["database"] == "unreachable" and elapsed <= HEALTH_BOUND_S
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    pg.start()
    assert is_config_view(config_view(side))
