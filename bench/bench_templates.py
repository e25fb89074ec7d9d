"""Custom command template render time: p50/p99 of a typical and a worst-case template, and how long a
runaway template runs before its budget stops it.

Run from the repo root: python bench/bench_templates.py [--runs N]
Each render is what a custom command pays for its template: parse check and compile (cached per process,
so a warm run skips them; the first render shows the cold cost), budgeted render, output size check.
"""
import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.custom import service, templates  # noqa: E402

TYPICAL = "Hey {{ args.member.mention }}! {{ user.name }} gives you {{ args.count }} {{ choice('🍪', '🍩', '🧁') }}."
# The heaviest template that still passes: nested loops near the step budget and output near 2,000 characters.
WORST = ("{% for i in range(40) %}{% for j in range(40) %}{% if (i * j) % 7 == 0 %}{{ j }}{% endif %}"
         "{% endfor %}{% endfor %}{{ args.member.name|upper }} {{ random(1, 6) }}")
RUNAWAY = "{% for i in range(9000) %}{% for j in range(9000) %}{% endfor %}{% endfor %}"


def context():
    member = {"id": "850000000000000005", "name": "alice", "mention": "<@850000000000000005>"}
    return service.template_context(invoker={"id": "1", "name": "bob", "mention": "<@1>"}, guild_id="2",
                                    channel={"id": "3", "name": "general", "mention": "<#3>"},
                                    args={"member": member, "count": 3},
                                    now=datetime(2024, 5, 1, tzinfo=timezone.utc), rng=random.Random(1))


def measure(source, runs):
    times, ctx = [], context()
    for _ in range(runs):
        start = time.perf_counter()
        try:
            templates.render(source, ctx)
        except templates.TemplateError:
            pass
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args(argv)
    for label, source in (("typical", TYPICAL), ("worst case", WORST)):
        start = time.perf_counter()
        templates.check_source.__wrapped__(source)
        print(f"{label:18} compile (cold) {(time.perf_counter() - start) * 1000:.3f} ms")
    print(f"worst-case output: {len(templates.render(WORST, context()))} characters")
    for label, source, runs in (("typical", TYPICAL, args.runs), ("worst case", WORST, args.runs // 10),
                                ("runaway (refused)", RUNAWAY, 50)):
        p50, p99 = measure(source, runs)
        print(f"{label:18} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   ({runs} renders)")


if __name__ == "__main__":
    main()
