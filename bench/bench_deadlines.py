"""Answer time of /warn and /ban when Discord is healthy, rate-limits (429, retry_after 1.5 s) or is slow (4 s).

Signed requests through app.test_client() against the fake Discord on loopback. What is timed is what
Discord times: from the request to the interaction response. Work that cannot finish in time continues as
deferred work (the answer is then "thinking…", finished by an edit of the original reply). Target: every
answer ≤ 2.5 s in every scenario (Discord gives up at 3 s). Prints p50/p99/max per scenario.

    .venv/bin/python bench/bench_deadlines.py [--runs 200] [--fault-runs 12]
"""
import argparse
import json
import time

from _common import percentiles, throwaway_database
from bench_moderation import MOD_ROLE, moderation_app

from tests import interactions as ix
from sandbox.discord import FakeDiscord

TARGET_S = 2.5
EVERY_ROUTE = r"/(guilds|channels|users)/.*"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--fault-runs", type=int, default=12)
    args = parser.parse_args()
    fake = FakeDiscord(application_id=ix.BOT_ID, bot_token="bench-token").start()
    try:
        with throwaway_database() as url:
            run_all(fake, url, args)
    finally:
        fake.stop()


def run_all(fake, url, args):
    app, side, resolved = moderation_app(fake, url)

    def warn(i):
        return ix.command("warn", [ix.opt("user", ix.MEMBER_ID, 6), ix.opt("reason", f"bench {i}")],
                          permissions=1 << 40, roles=[MOD_ROLE], resolved=resolved)

    def ban(i):
        return ix.command("ban", [ix.opt("user", ix.MEMBER_ID, 6), ix.opt("reason", f"bench {i}")],
                          permissions=1 << 2, roles=[MOD_ROLE], resolved=resolved)

    def rate_limited():
        for method in ("GET", "PUT", "POST", "PATCH", "DELETE"):
            fake.rate_limit(method, EVERY_ROUTE, retry_after=1.5, times=1)

    def slow():
        for method in ("GET", "PUT", "POST", "PATCH", "DELETE"):
            fake.slow(method, EVERY_ROUTE, 4.0, times=1)

    print(f"answer time (signed request → interaction response), target every answer ≤ {TARGET_S} s")
    for name, build in (("/warn", warn), ("/ban", ban)):
        for scenario, before, runs in (("normal", None, args.runs), ("429 retry_after 1.5 s", rate_limited, args.fault_runs),
                                       ("Discord 4 s slow", slow, args.fault_runs)):
            timings, kinds = measure(side, fake, build, before, runs, warmup=10 if before is None else 0)
            timings.sort()
            p50, p99 = (value / 1000 for value in percentiles(timings))
            verdict = "met" if timings[-1] <= TARGET_S else "MISSED"
            print(f"  {name:6} {scenario:22} runs {len(timings):4}  p50 {p50 * 1000:8.1f} ms  p99 {p99 * 1000:8.1f} ms"
                  f"  max {timings[-1] * 1000:8.1f} ms  ({verdict}; answers: {kinds})")
            fake.reset()
            drain(app)


def measure(side, fake, build, before, runs, warmup):
    timings, kinds = [], {}
    for i in range(runs + warmup):
        if before is not None:
            before()
        interaction = build(i)
        body = json.dumps(interaction).encode()
        started = time.perf_counter()
        response = side.post(body)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.get_data()
        side.acknowledge(interaction, response)
        kind = {4: "reply", 5: "deferred"}.get(response.get_json().get("type"), str(response.get_json().get("type")))
        if i >= warmup:
            timings.append(elapsed)
            kinds[kind] = kinds.get(kind, 0) + 1
    return timings, kinds


def drain(app):
    """Let deferred work of the scenario finish before the next one starts."""
    runner = app.extensions["statussync"].deferred
    if hasattr(runner, "wait"):
        runner.wait(timeout=120)


if __name__ == "__main__":
    main()
