"""Interaction latency and cold start, next to a bare Flask + PyNaCl handler measured the same way, and what a
warm interaction is billed on Lambda at 256 MB with the cost per million interactions that follows.

    python bench/bench_interactions.py [--iterations N] [--billed-only] [--billed-runs N]

Prints p50/p99 (ms, in-process through the WSGI test client) of a signed PING and of `/config view`
(one database read) through the app, the same for the bare handler, and the cold start (new process →
first PING answered) of each. Targets: PING p50 ≤ 1.2× bare; /config view p50 ≤ 1.5 ms;
cold start ≤ 1.25× bare. (The cold start of the Lambda handler as shipped, from the zip, next to the
bare handler: bench/bench_lambda.py --cold-start.)

Billed duration: a warm process (after 50 requests of warm-up) answers `/config view` and `/warn` (case row,
mod-log post and DM to a fake Discord on loopback, run in its own process so its CPU is not counted);
time.process_time() over the requests is the app's CPU per request (every thread of the process: request
thread, helper pool). Lambda gives CPU in proportion to memory, one vCPU at 1,769 MB, so at 256 MB a
CPU-bound millisecond here takes 1769/256 = 6.9 ms there (assuming one core here is as fast as Lambda's
vCPU); the wall time not spent on CPU here (waits on PostgreSQL and the fake Discord over loopback) is
added unscaled, and the sum rounded up to Lambda's 1 ms step. Discord's real round trips are longer than
loopback's: the line "+ Discord RTT" adds --discord-rtt-ms per Discord call the request made.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time

from _common import ROOT, measure, signed_headers, throwaway_database

BARE_HANDLER = '''
import json, time
from flask import Flask, request, jsonify
from nacl.signing import VerifyKey
from nacl.exceptions import BadSignatureError

def create_bare(public_key_hex):
    app = Flask("bare")
    key = VerifyKey(bytes.fromhex(public_key_hex))
    @app.post("/interactions")
    def interactions():
        body = request.get_data()
        try:
            key.verify(request.headers["X-Signature-Timestamp"].encode() + body,
                       bytes.fromhex(request.headers["X-Signature-Ed25519"]))
        except (BadSignatureError, KeyError, ValueError):
            return jsonify(error="invalid request signature"), 401
        if json.loads(body)["type"] == 1:
            return jsonify(type=1)
        return jsonify(type=4, data={"content": "hi"})
    return app
'''

COLD_START = '''
import sys, time, json
started = time.perf_counter()
sys.path.insert(0, {root!r})
from nacl.signing import SigningKey
{setup}
client = app.test_client()
body = b'{{"type": 1}}'
timestamp = str(int(time.time()))
key = SigningKey(bytes.fromhex({seed!r}))
response = client.post("/interactions", data=body, headers={{"X-Signature-Timestamp": timestamp,
    "X-Signature-Ed25519": key.sign(timestamp.encode() + body).signature.hex(), "Content-Type": "application/json"}})
assert response.get_json() == {{"type": 1}}, response.get_data()
print(time.perf_counter() - started)
'''


def cold_starts(setups: list, seed: str, runs: int = 15) -> list:
    """Median ms from process start to the first PING answered, per setup; runs interleaved against drift."""
    times = [[] for _ in setups]
    for _ in range(runs):
        for index, setup in enumerate(setups):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", COLD_START.format(root=str(ROOT), setup=setup, seed=seed)],
                           check=True, capture_output=True, cwd=ROOT)
            times[index].append(time.perf_counter() - started)
    return [statistics.median(t) * 1000 for t in times]

# List prices, x86, us-east-1, as published by AWS (assumed as of 2026-12-01; free tier left out).
LAMBDA_PER_REQUEST = 0.20 / 1e6
LAMBDA_PER_GB_S = 0.0000166667
FRONT_DOORS = [("Lambda function URL", 0.0), ("API Gateway HTTP API", 1.00 / 1e6), ("API Gateway REST API", 3.50 / 1e6)]
MEMORY_MB = 256
VCPU_AT_MB = 1769  # Lambda: one full vCPU at 1,769 MB, CPU in proportion below it

FAKE_DISCORD = r'''
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/bench"]
from bench_moderation import fake_guild
from tests import interactions as ix
from sandbox.discord import FakeDiscord
fake = FakeDiscord(application_id=ix.BOT_ID, bot_token="bench-token").start()
member = fake_guild(fake)
print(json.dumps({"base_url": fake.base_url, "cdn_url": fake.cdn_url, "member": member}), flush=True)
import collections, re
for line in sys.stdin:
    routes = collections.Counter(f"{r.method} {re.sub(r'[0-9]{15,}', '{id}', r.path)}" for r in fake.requests)
    print(json.dumps({"requests": len(fake.requests), "routes": routes}), flush=True)
fake.stop()
'''


def billed_ms(cpu_ms: float, wall_ms: float) -> int:
    """Lambda's billed duration at MEMORY_MB for a request that took cpu_ms of CPU and wall_ms here."""
    return math.ceil(cpu_ms * VCPU_AT_MB / MEMORY_MB + max(0.0, wall_ms - cpu_ms))


def cost_per_million(billed: float, front_door: float) -> float:
    return 1e6 * (LAMBDA_PER_REQUEST + front_door + LAMBDA_PER_GB_S * MEMORY_MB / 1024 * billed / 1000)


def measure_billed(url: str, runs: int, rtt_ms: float) -> None:
    from datetime import datetime, timezone

    from nacl.signing import SigningKey

    from app import create_app, db, guild_settings
    from bench_moderation import MOD_ROLE, MODLOG
    from tests import interactions as ix

    fake = subprocess.Popen([sys.executable, "-c", FAKE_DISCORD, str(ROOT)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        started = json.loads(fake.stdout.readline())

        def discord_requests(routes=False):
            fake.stdin.write("count\n")
            fake.stdin.flush()
            answer = json.loads(fake.stdout.readline())
            return answer["routes"] if routes else answer["requests"]

        key = SigningKey.generate()
        app = create_app({"DATABASE_URL": url, "DISCORD_APPLICATION_ID": ix.BOT_ID, "DISCORD_BOT_TOKEN": "bench-token",
                          "DISCORD_PUBLIC_KEY": key.verify_key.encode().hex(), "DISCORD_API_BASE": started["base_url"],
                          "DISCORD_CDN_BASE": started["cdn_url"], "SECRET_KEY": "bench"})
        with db.transaction(url) as conn:
            guild_settings.update(conn, ix.GUILD_ID, "modlog", {"channel_id": MODLOG}, datetime.now(timezone.utc))
        client = app.test_client()
        member = started["member"]
        resolved = {"users": {ix.MEMBER_ID: member["user"]},
                    "members": {ix.MEMBER_ID: {k: v for k, v in member.items() if k != "user"}}}
        kinds = {
            "/config view": (lambda i: ix.command("config", [ix.sub("view")], permissions=ix.MANAGE_GUILD),
                             lambda answer: answer["data"]["embeds"]),
            "/warn": (lambda i: ix.command("warn", [ix.opt("user", ix.MEMBER_ID, 6), ix.opt("reason", f"bench {i}")],
                                           permissions=1 << 40, roles=[MOD_ROLE], resolved=resolved),
                      lambda answer: "Warned" in json.dumps(answer)),
        }
        rows = []
        for label, (make, answered) in kinds.items():
            signed = []
            for i in range(runs + 50):
                body = json.dumps(make(i)).encode()
                signed.append((body, signed_headers(key, body)))
            for body, headers in signed[:50]:  # warm: imports, pool, prepared queries
                client.post("/interactions", data=body, headers=headers)
            calls_before = discord_requests()
            cpu, wall = [], []
            cpu_started, wall_started = time.process_time(), time.perf_counter()
            for body, headers in signed[50:]:
                c, w = time.process_time(), time.perf_counter()
                response = client.post("/interactions", data=body, headers=headers)
                cpu.append((time.process_time() - c) * 1000)
                wall.append((time.perf_counter() - w) * 1000)
                assert response.status_code == 200 and answered(response.get_json()), response.get_data()
            cpu_mean = (time.process_time() - cpu_started) * 1000 / runs
            wall_mean = (time.perf_counter() - wall_started) * 1000 / runs
            calls = (discord_requests() - calls_before) / runs
            batches = [statistics.fmean(cpu[i:i + 30]) for i in range(0, len(cpu) - 29, 30)]
            rows.append((label, cpu_mean, min(batches, default=cpu_mean), wall_mean, calls))
    finally:
        routes = discord_requests(routes=True)
        fake.stdin.close()
        fake.wait(timeout=10)

    load = os.getloadavg()[0]
    print(f"\nbilled duration of a warm interaction at {MEMORY_MB} MB (×{VCPU_AT_MB / MEMORY_MB:.1f} CPU), "
          f"{runs} requests each; load average {load:.2f} on {os.cpu_count()} CPUs (other processes' load "
          f"inflates CPU time: 'best 30' is the quietest 30 requests in a row, 'billed' uses the mean)")
    print(f"{'request':<14}{'CPU mean':>10}{'best 30':>9}{'wall here':>11}{'Discord calls':>15}"
          f"{'billed':>9}{f'+ Discord RTT {rtt_ms:.0f} ms':>24}")
    billed_rows = []
    for label, cpu_mean, cpu_best, wall_mean, calls in rows:
        billed = billed_ms(cpu_mean, wall_mean)
        with_rtt = math.ceil(billed + calls * rtt_ms)
        billed_rows.append((label, billed, with_rtt))
        print(f"{label:<14}{cpu_mean:>8.2f}ms{cpu_best:>7.2f}ms{wall_mean:>9.2f}ms{calls:>15.1f}{billed:>7d}ms"
              f"{with_rtt:>22d}ms")
    print("Discord calls in all, by route: " + ", ".join(f"{route} ×{n}" for route, n in sorted(routes.items())))
    print(f"\ncost per million interactions (USD; Lambda ${LAMBDA_PER_REQUEST * 1e6:.2f}/M requests + "
          f"${LAMBDA_PER_GB_S:.10f}/GB-s x86; HTTP API $1.00/M, REST API $3.50/M; prices assumed as of 2026-12-01):")
    header = "".join(f"{(label + ' ' + kind).strip():>20}" for label, _, _ in billed_rows for kind in ("", "+RTT"))
    print(f"{'front door':<22}{header}")
    for name, per_request in FRONT_DOORS:
        cells = "".join(f"{cost_per_million(b, per_request):>20.2f}" for _, billed, rtt in billed_rows
                        for b in (billed, rtt))
        print(f"{name:<22}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=3000)
    parser.add_argument("--billed-only", action="store_true", help="only the billed duration and cost")
    parser.add_argument("--billed-runs", type=int, default=300)
    parser.add_argument("--discord-rtt-ms", type=float, default=50.0,
                        help="assumed wall time of one real Discord API call from Lambda")
    args = parser.parse_args()
    if args.billed_only:
        with throwaway_database() as url:
            measure_billed(url, args.billed_runs, args.discord_rtt_ms)
        return

    from nacl.signing import SigningKey

    from app import create_app
    namespace = {}
    exec(BARE_HANDLER, namespace)

    signing_key = SigningKey.generate()
    public_key = signing_key.verify_key.encode().hex()
    ping = json.dumps({"type": 1}).encode()

    with throwaway_database() as url:
        app = create_app({"DATABASE_URL": url, "DISCORD_APPLICATION_ID": "100000000000000001",
                          "DISCORD_PUBLIC_KEY": public_key, "DISCORD_BOT_TOKEN": "bench-token",
                          "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10", "SECRET_KEY": "bench"})
        client = app.test_client()
        bare = namespace["create_bare"](public_key).test_client()

        def post(target, body):
            response = target.post("/interactions", data=body, headers=signed_headers(signing_key, body))
            assert response.status_code == 200, response.get_data()
            return response

        app_ping = measure(lambda: post(client, ping), args.iterations)
        bare_ping = measure(lambda: post(bare, ping), args.iterations)

        sys.path.insert(0, str(ROOT))
        from tests.interactions import command, sub
        counter = iter(range(10 ** 9))

        def config_view():
            interaction = command("config", [sub("view")], permissions=1 << 5)
            interaction["id"] = str(int(interaction["id"]) + next(counter))
            response = post(client, json.dumps(interaction).encode())
            assert response.get_json()["data"]["embeds"], response.get_data()

        app_view = measure(config_view, args.iterations)

    seed = signing_key.encode().hex()
    app_setup = (f"from app import create_app\napp = create_app({{'DATABASE_URL': 'postgresql://x@127.0.0.1:9/x', "
                 f"'DISCORD_APPLICATION_ID': '1', 'DISCORD_PUBLIC_KEY': {public_key!r}, "
                 f"'DISCORD_BOT_TOKEN': 't', 'SECRET_KEY': 's'}})")
    bare_setup = BARE_HANDLER + f"\napp = create_bare({public_key!r})"
    app_cold, bare_cold = cold_starts([app_setup, bare_setup], seed)
    heavy = subprocess.run([sys.executable, "-c", app_setup.replace("\n", ";") + ";import sys;print(sorted("
                            "m for m in ('stripe','PIL','authlib','boto3','re2','psycopg2','requests') if m in sys.modules))"],
                           capture_output=True, text=True, cwd=ROOT).stdout.strip()

    print(f"{'measure':<34}{'app p50':>10}{'app p99':>10}{'bare p50':>10}{'bare p99':>10}{'ratio':>8}")
    print(f"{'signed PING (ms)':<34}{app_ping[0]:>10.3f}{app_ping[1]:>10.3f}{bare_ping[0]:>10.3f}"
          f"{bare_ping[1]:>10.3f}{app_ping[0] / bare_ping[0]:>8.2f}   target ratio <= 1.20")
    print(f"{'/config view, 1 DB read (ms)':<34}{app_view[0]:>10.3f}{app_view[1]:>10.3f}{'':>10}{'':>10}{'':>8}"
          f"   target p50 <= 1.5 ms")
    print(f"{'cold start to first PING (ms)':<34}{app_cold:>10.1f}{'':>10}{bare_cold:>10.1f}{'':>10}"
          f"{app_cold / bare_cold:>8.2f}   target ratio <= 1.25")
    print(f"heavy modules imported on the PING path: {heavy}")
    with throwaway_database() as url:
        measure_billed(url, args.billed_runs, args.discord_rtt_ms)


if __name__ == "__main__":
    main()
