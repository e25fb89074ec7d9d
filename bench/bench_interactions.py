"""Interaction latency and cold start, next to a bare Flask + PyNaCl handler measured the same way.

    python bench/bench_interactions.py [--iterations N]

Prints p50/p99 (ms, in-process through the WSGI test client) of a signed PING and of `/config view`
(one database read) through the app, the same for the bare handler, and the cold start (new process →
first PING answered) of each. Targets: PING p50 ≤ 1.2× bare; /config view p50 ≤ 1.5 ms;
cold start ≤ 1.25× bare.
"""
import argparse
import json
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=3000)
    args = parser.parse_args()

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


if __name__ == "__main__":
    main()
