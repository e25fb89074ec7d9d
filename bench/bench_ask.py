"""/ask end to end: signed request → deferred answer → streamed edits of @original, with the fake AI server
streaming 50 tokens/s and a fake Discord on loopback. Prints the time to the first edit (when the member sees
the first words) and to the last edit (the whole answer), p50 and max over the runs, and the edits per answer.

    python bench/bench_ask.py [--runs 5] [--tokens 150]

Measured (this machine, PostgreSQL on loopback): 150 tokens (3.0 s of streaming): first edit p50 14 ms
(max 93), last edit p50 3,081 ms (max 3,152), 4-5 edits; 600 tokens (12 s): first 15 ms, last 12,279 ms,
14 edits. The first edit follows the provider's first token; the last one comes ~80 ms after its last.

Uses DATABASE_URL / TEST_DATABASE_URL (or postgresql://postgres@127.0.0.1:5432/postgres) to create and drop
its own throwaway database.
"""
import argparse
import statistics
import time

from _common import throwaway_database
from nacl.signing import SigningKey

from app import create_app
from tests import interactions as ix
from tests.fakes.ai import FakeAI
from sandbox.discord import FakeDiscord

TOKENS_PER_S = 50


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=150)
    args = parser.parse_args()
    fake, ai = FakeDiscord(application_id=ix.BOT_ID, bot_token="bench-token").start(), FakeAI().start()
    try:
        with throwaway_database() as url:
            measure_ask(fake, ai, url, args.runs, args.tokens)
    finally:
        fake.stop()
        ai.stop()


def measure_ask(fake, ai, url, runs, tokens):
    key = SigningKey.generate()
    app = create_app({"DATABASE_URL": url, "DISCORD_APPLICATION_ID": ix.BOT_ID, "DISCORD_BOT_TOKEN": "bench-token",
                      "DISCORD_PUBLIC_KEY": key.verify_key.encode().hex(), "DISCORD_API_BASE": fake.base_url,
                      "DISCORD_CDN_BASE": fake.cdn_url, "SECRET_KEY": "bench", "AI_API_BASE": ai.base_url,
                      "AI_API_KEY": ai.api_key, "AI_MODEL": "bench-model"})
    runtime = app.extensions["statussync"]
    side = ix.DiscordSide(app.test_client(), key, fake)
    first, last, counts = [], [], []
    for run in range(runs):
        ai.answer([f"tok{i} " for i in range(tokens)], interval_s=1 / TOKENS_PER_S)
        interaction = ix.command("ask", [ix.opt("prompt", "Explain snowflake ids")], permissions=0,
                                 user_id=str(870000000000000100 + run))
        started = time.monotonic()
        answer = side.send(interaction)
        assert answer["type"] == 5, answer
        assert runtime.deferred.wait(60)
        edits = fake.find("PATCH", rf"/webhooks/{ix.BOT_ID}/{interaction['token']}/messages/@original")
        first.append(edits[0].arrived - started)
        last.append(edits[-1].arrived - started)
        counts.append(len(edits))
    stream_s = tokens / TOKENS_PER_S
    print(f"/ask, {tokens} tokens at {TOKENS_PER_S} tokens/s ({stream_s:.1f} s of streaming), {runs} runs")
    print(f"  time to first edit: p50 {statistics.median(first) * 1000:7.0f} ms   max {max(first) * 1000:7.0f} ms")
    print(f"  time to last edit:  p50 {statistics.median(last) * 1000:7.0f} ms   max {max(last) * 1000:7.0f} ms")
    print(f"  edits per answer:   p50 {statistics.median(counts):7.0f}      max {max(counts):7d}"
          f"   (at most ~1 a second plus the final one)")


if __name__ == "__main__":
    main()
