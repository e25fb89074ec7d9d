"""Load at stepped rates: signed interactions of a realistic mix against the app in its own process.

    python bench/load/run.py [--servers waitress,gunicorn:2] [--rates 25,50,100,150,200,300]
                             [--seconds 6] [--p99-ms 100]

Each server (`python -m app serve`, i.e. waitress with 8 threads; `gunicorn:N`, gunicorn.conf.py with N
workers, what docs/deployment.md recommends outside Lambda) gets a fresh database on the shared
PostgreSQL and the fake Discord in a third process. Every step posts rate × seconds requests on an
open-loop timetable (bench/load/generator.py) and prints throughput, p50/p99 and errors; then the
highest rate sustained with zero errors and p99 under --p99-ms. The generator, the server, PostgreSQL
and the fake Discord share the machine's cores: the figures are for all of it on one box.
"""
import argparse
import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench._common import throwaway_database  # noqa: E402
from bench.load import generator, mix  # noqa: E402
from bench.load.services import FakeDiscordProcess, app_server  # noqa: E402


def prepare(base, key, url):
    """The guild as a live server has it: a mod-log channel, and the custom command the mix calls."""
    from app import db, guild_settings
    from tests import interactions as ix
    with db.transaction(url) as conn:
        guild_settings.update(conn, ix.GUILD_ID, "modlog", {"channel_id": mix.MODLOG}, datetime.now(timezone.utc))
    add = ix.command("cc", [ix.sub("add", ix.opt("name", mix.CUSTOM), ix.opt("response", "Answer about {{ args.topic }}"),
                                   ix.opt("options", "topic:string:Which topic"))])
    body = json.dumps(add).encode()
    answer = generator.run_step(base, [("cc add", body, mix.signed_headers(key, body))], 10,
                                check=lambda kind, status, text: status == 200 and b"faq" in text)
    if answer.ok != 1:
        raise SystemExit(f"could not add the custom command: {answer.errors}")


def acknowledger(fake_base):
    """What Discord does on reading a deferred answer: the interaction is acknowledged, so the deferred work
    may edit @original (the fake learns it through its own callback route, as from any other client)."""
    import threading

    import requests
    local = threading.local()

    def answered(body, status, answer):
        if status != 200 or json.loads(answer).get("type") != 5:
            return
        interaction = json.loads(body)
        if not hasattr(local, "session"):
            local.session = requests.Session()
        session = local.session
        session.post(f"{fake_base}/interactions/{interaction['id']}/{interaction['token']}/callback",
                     data=answer, headers={"Content-Type": "application/json"}, timeout=5)
    return answered


def measure(server, rates, seconds, p99_ms, clients):
    from nacl.signing import SigningKey

    from tests import interactions as ix
    key = SigningKey.generate()
    fake = FakeDiscordProcess()
    try:
        with throwaway_database() as url:
            settings = {"DATABASE_URL": url, "DISCORD_APPLICATION_ID": ix.BOT_ID, "DISCORD_BOT_TOKEN": "bench-token",
                        "DISCORD_PUBLIC_KEY": key.verify_key.encode().hex(), "DISCORD_API_BASE": fake.base_url,
                        "DISCORD_CDN_BASE": fake.cdn_url, "SECRET_KEY": "bench-secret"}
            with app_server(server, settings) as (base, _pid):
                prepare(base, key, url)
                warm = [(kind, *mix.signed(key, kind, n)) for n, kind in enumerate(mix.schedule(100))]
                ack = acknowledger(fake.base_url)
                generator.run_step(base, warm, 50, clients=clients, check=mix.answered, answered=ack)
                time.sleep(1)
                print(f"\n{server}: mix {mix.WEIGHTS}")
                print(generator.TABLE_HEADER + " | Discord calls/s")
                best, misses, sent = None, 0, 0
                for rate in rates:
                    fake.requests_since_last()
                    kinds = mix.schedule(int(rate * seconds))
                    planned = [(kind, *mix.signed(key, kind, n)) for n, kind in enumerate(kinds)]
                    result = generator.run_step(base, planned, rate, clients=clients, max_seconds=seconds + 1,
                                                check=mix.answered, answered=ack)
                    sent += result.sent
                    time.sleep(1.0)  # deferred cards and outbox posts of this step finish before the next
                    calls = fake.requests_since_last() / (result.wall + 1.0)
                    print(generator.table_line(result) + f" | {calls:.0f}", flush=True)
                    for reason, sample in result.samples.items():
                        print(f"          {reason}: {sample}")
                    if result.sustained(p99_ms):
                        best, misses = rate, 0
                    elif result.throughput < 0.9 * rate:  # saturated, not just a slow tail: higher rates won't do
                        misses += 1
                        if misses == 2:
                            break
                print(f"{server}: highest rate sustained with 0 errors and p99 < {p99_ms:g} ms: "
                      f"{best if best is not None else 'none of the rates tried'}/s")
    finally:
        fake.stop()
    return best, sent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", default="waitress,gunicorn:2")
    parser.add_argument("--rates", default="25,50,100,150,200,300,400")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--p99-ms", type=float, default=100.0)
    parser.add_argument("--clients", type=int, default=48)
    parser.add_argument("--reliability-report", action="store_true",
                        help="also write each server's result as a Load row of docs/reliability.md's table")
    args = parser.parse_args()
    (Path(__file__).resolve().parents[2] / ".test-output").mkdir(exist_ok=True)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} before the run")
    rows = []
    for server in args.servers.split(","):
        best, sent = measure(server.strip(), [float(r) for r in args.rates.split(",")], args.seconds, args.p99_ms,
                             args.clients)
        label = "python -m app serve (waitress, 8 threads)" if server == "waitress" else \
            f"gunicorn, {server.partition(':')[2] or 2} workers (gunicorn.conf.py)"
        load = os.getloadavg()[1]  # the cores are shared: what else ran says how far to trust the figure
        held = (f"highest rate with 0 errors and p99 < {args.p99_ms:g} ms: {best:g}/s" if best is not None else
                "no rate tried was sustained") + f" (5-min load average {load:.1f} on {os.cpu_count()} cores)"
        rows.append(("Load", f"realistic mix at stepped rates, {label}, 2-core box (bench/load/run.py)", sent,
                     "interactions", held, best is not None))
    if args.reliability_report:
        from tests.reliability import write_report
        write_report(rows)


if __name__ == "__main__":
    main()
