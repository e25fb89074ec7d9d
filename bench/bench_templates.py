"""Custom command template render time: p50/p99 of a typical and a worst-case template, and how long a
runaway template runs before its budget stops it; an embed answer near Discord's 6,000 characters; and the
autocomplete of a 200-suggestion option, matching alone and as a signed interaction through the whole app.

Run from the repo root: python bench/bench_templates.py [--runs N] [--no-http]
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

from app.custom import definitions, service, templates  # noqa: E402

TYPICAL = "Hey {{ args.member.mention }}! {{ user.name }} gives you {{ args.count }} {{ choice('🍪', '🍩', '🧁') }}."
# The heaviest template that still passes: nested loops near the step budget and output near 2,000 characters.
WORST = ("{% for i in range(40) %}{% for j in range(40) %}{% if (i * j) % 7 == 0 %}{{ j }}{% endif %}"
         "{% endfor %}{% endfor %}{{ args.member.name|upper }} {{ random(1, 6) }}")
RUNAWAY = "{% for i in range(9000) %}{% for j in range(9000) %}{% endfor %}{% endfor %}"
# 25 templated fields and a long description: about 5,900 characters, just inside one embed's 6,000.
EMBED = {"title": "{{ args.member.name }}'s stats", "description": "{% for i in range(30) %}{{ i }} · "
         "{{ user.name }} · {% endfor %}" * 7, "footer": "asked <t:{{ timestamp }}:R>",
         "fields": [{"name": f"Stat {n}", "value": "{% for i in range(11) %}" + f"{n}" * 8 + "{% endfor %}",
                     "inline": True} for n in range(25)], "color": 0x5865F2}
SUGGESTIONS = definitions.parse_options("item:string:Pick one {" + "|".join(
    f"{kind} {n}" for n in range(50) for kind in ("sword", "shield", "potion", "scroll")) + "}")[0]


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


def measure_embed(runs):
    times, ctx = [], context()
    content, shown = service.render_answer("", EMBED, ctx)
    size = sum(len(shown[0].get(k, "")) for k in ("title", "description")) + len(shown[0]["footer"]["text"]) + \
        sum(len(f["name"]) + len(f["value"]) for f in shown[0]["fields"])
    for _ in range(runs):
        start = time.perf_counter()
        service.render_answer("", EMBED, ctx)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return size, statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def measure_suggest(runs):
    times = []
    for n in range(runs):
        typed = ("sw", "potion 4", "", "zzz", "1")[n % 5]
        start = time.perf_counter()
        definitions.suggest(SUGGESTIONS, typed)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def measure_autocomplete_http(runs):
    """Signed autocomplete interactions through the app (verify, dispatch, one query, match) on a real database."""
    import json

    from nacl.signing import SigningKey

    from _common import percentiles, signed_headers, throwaway_database
    from app import create_app
    from sandbox.discord.server import FakeDiscord
    from tests import interactions as ix
    key = SigningKey.generate()
    with throwaway_database() as url, FakeDiscord(application_id=ix.BOT_ID, bot_token="bench") as fake:
        app = create_app({"DATABASE_URL": url, "DISCORD_APPLICATION_ID": ix.BOT_ID, "DISCORD_BOT_TOKEN": "bench",
                          "DISCORD_PUBLIC_KEY": key.verify_key.encode().hex(), "DISCORD_API_BASE": fake.base_url,
                          "DISCORD_CDN_BASE": fake.cdn_url, "SECRET_KEY": "bench"})
        client = app.test_client()
        spec = "item:string:Pick one {" + "|".join(s["name"] for s in SUGGESTIONS["suggestions"]) + "}"
        add = json.dumps(ix.command("cc", [ix.sub("add", ix.opt("name", "loot"), ix.opt("response", "{{ args.item }}"),
                                                  ix.opt("options", spec))])).encode()
        assert "Added" in client.post("/interactions", data=add, headers=signed_headers(key, add)).get_data(True)
        samples = []
        for n in range(runs + 50):
            typed = ("sw", "potion 4", "", "zzz", "1")[n % 5]
            body = json.dumps(ix.command("loot", [{"name": "item", "type": 3, "value": typed, "focused": True}],
                                         interaction_type=4)).encode()
            headers = signed_headers(key, body)
            start = time.perf_counter()
            answer = client.post("/interactions", data=body, headers=headers).get_json()
            if n >= 50:  # the first ones warm the pool and the imports
                samples.append(time.perf_counter() - start)
            assert answer["type"] == 8, answer
    return percentiles(samples)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--no-http", action="store_true", help="skip the signed autocomplete (needs PostgreSQL)")
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
    size, p50, p99 = measure_embed(args.runs // 10)
    print(f"{'embed, 25 fields':18} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   ({args.runs // 10} renders, "
          f"{size:,} characters)")
    p50, p99 = measure_suggest(args.runs)
    print(f"{'suggest (200)':18} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   ({args.runs} matches)")
    if not args.no_http:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        p50, p99 = measure_autocomplete_http(min(args.runs, 500))
        print(f"{'autocomplete HTTP':18} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   "
              f"({min(args.runs, 500)} signed type-4 interactions, answer type 8)")


if __name__ == "__main__":
    main()
