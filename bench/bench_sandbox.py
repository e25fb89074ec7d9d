"""The local sandbox as a newcomer uses it, over real HTTP on loopback (waitress, as `./run` serves it):
a command sent from the page's API (the simulated Discord builds, signs and posts it, the answer is taken as
Discord takes it), a channel view refresh (what the page polls every second), and a deferred /rank from the
click to its card on the simulated CDN. Also the cost the sandbox adds to start-up (simulator, demo guild,
command registration). Prints p50 and p99.

    python bench/bench_sandbox.py [--runs 100]

Uses DATABASE_URL / TEST_DATABASE_URL (or postgresql://postgres@127.0.0.1:5432/postgres) to create and drop
its own throwaway database; the local key pair goes to a temporary STATUSSYNC_DATA_DIR.
"""
import argparse
import os
import tempfile
import time

from _common import percentiles, throwaway_database

MODERATOR, BOB, GENERAL = "720000000000000042", "720000000000000044", "720000000000000032"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100)
    runs = parser.parse_args().runs
    for key in ("DISCORD_APPLICATION_ID", "DISCORD_PUBLIC_KEY", "DISCORD_BOT_TOKEN"):
        os.environ.pop(key, None)
    os.environ["STATUSSYNC_DATA_DIR"] = tempfile.mkdtemp(prefix="sandbox-bench-")
    import requests

    from app import create_app
    from tests.browser import live_server
    with throwaway_database() as url:
        started = time.perf_counter()
        app = create_app({"DATABASE_URL": url})
        startup = time.perf_counter() - started
        simulator = app.extensions["statussync"].settings["SANDBOX"]
        session = requests.Session()
        with live_server(app, threads=8) as base:
            def command(name, who=MODERATOR, **options):
                return session.post(f"{base}/sandbox/api/commands", timeout=10, json={
                    "as": who, "channel_id": GENERAL, "name": name, "options": options}).json()

            for _ in range(10):
                command("warn", user=BOB, reason="warm-up")
            warns, views, cards = [], [], []
            for number in range(runs):
                begin = time.perf_counter()
                assert command("warn", user=BOB, reason=f"bench {number}")["type"] == 4
                warns.append(time.perf_counter() - begin)
                begin = time.perf_counter()
                session.get(f"{base}/sandbox/api/channels/{GENERAL}/messages", params={"as": MODERATOR}, timeout=10).json()
                views.append(time.perf_counter() - begin)
            for _ in range(max(5, runs // 10)):
                begin = time.perf_counter()
                token = command("rank", who=BOB)["token"]
                while True:
                    messages = session.get(f"{base}/sandbox/api/interactions/{token}", timeout=10).json()["messages"]
                    if messages and messages[0]["attachments"]:
                        break
                    time.sleep(0.01)
                cards.append(time.perf_counter() - begin)
        simulator.stop()
    print(f"create_app in local mode, sandbox included (simulator, demo guild, {len(simulator.fake.commands())} "
          f"commands registered, first imports): {startup * 1000:.0f} ms")
    for label, samples in (("/warn from the sandbox API (build, sign, POST /interactions, mod-log post)", warns),
                           ("channel view refresh (the page's 1 s poll)", views),
                           ("/rank from the click to its card on the simulated CDN (10 ms polling)", cards)):
        p50, p99 = percentiles(samples)
        print(f"{label}: p50 {p50:.1f} ms, p99 {p99:.1f} ms ({len(samples)} runs)")


if __name__ == "__main__":
    main()
