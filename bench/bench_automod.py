"""Messages per second of the automod engine against a naive one-`re`-per-bad-word loop.

Run from the repo root: python bench/bench_automod.py
"""
import random
import re
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.automod import compile_rules, evaluate_batch  # noqa: E402

VOCAB = (
    "the a to and of is it you that in for on this was with are be have just not but what so can all my "
    "like do if get at about lol ok yeah game play server today tonight anyone know how why when new "
    "update patch stream watch good great thanks hello hey guys please help question answer time"
).split()


def synthetic_rules(rng):
    words = set()
    while len(words) < 1000:
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9)))
        roll = rng.random()
        if roll < 0.05:
            word += "*"
        elif roll < 0.08:
            word = "*" + word
        elif roll < 0.10:
            word = word[:2] + "*" + word[2:]
        words.add(word)
    patterns = [rf"(?i)free\s+nitro{i}" for i in range(5)] + [
        r"\b\d{4}-\d{4}-\d{4}-\d{4}\b", r"(?i)steam\s*gift", r"(a+)+$", r"(?i)click\s+here\s+to\s+claim",
        r"[A-Z]{20,}",
    ]
    return [
        {"type": "bad_words", "config": {"words": sorted(words)}},
        {"type": "regex", "config": {"patterns": patterns}},
        {"type": "links", "config": {"block": ["evil.example", "phish.test"]}},
        {"type": "invites", "config": {"allow_codes": ["ourserver"]}},
        {"type": "caps", "threshold": 70},
        {"type": "mentions", "threshold": 5},
        {"type": "spam", "threshold": 5, "config": {"seconds": 5}},
        {"type": "duplicates", "threshold": 2},
    ], sorted(words)


def synthetic_messages(rng, words, count):
    messages = []
    for i in range(count):
        text = " ".join(rng.choice(VOCAB) for _ in range(rng.randint(2, 30)))
        roll = rng.random()
        if roll < 0.03:
            text += " " + words[rng.randrange(len(words))].replace("*", "x")
        elif roll < 0.05:
            text += " https://" + rng.choice(["evil.example", "youtube.com", "github.com"]) + "/watch?v=1"
        elif roll < 0.06:
            text += " discord.gg/" + rng.choice(["ourserver", "spam123"])
        elif roll < 0.08:
            text = text.upper()
        elif roll < 0.09:
            text += " " + " ".join(f"<@{n}>" for n in range(7))
        messages.append({
            "id": str(10**17 + i), "channel_id": str(rng.randint(1, 5)), "content": text,
            "author": {"id": str(rng.randint(1, 300)), "bot": rng.random() < 0.02},
            "mentions": [], "mention_roles": [], "mention_everyone": False,
            "timestamp": f"2024-05-01T{10 + i // 36000:02d}:{i // 600 % 60:02d}:{i // 10 % 60:02d}.{i % 10}00000+00:00",
        })
    return messages


def naive_words(words):
    def to_re(word):
        core = r"\w*".join(re.escape(part) for part in word.strip("*").split("*"))
        head = r"\w*" if word.startswith("*") else r"\b"
        tail = r"\w*" if word.endswith("*") else r"\b"
        return re.compile(head + core + tail, re.IGNORECASE)

    return [to_re(word) for word in words]


def rate(func, messages, repeat=3):
    best = min(_timed(func, messages) for _ in range(repeat))
    return len(messages) / best


def _timed(func, messages):
    started = time.perf_counter()
    func(messages)
    return time.perf_counter() - started


def main():
    rng = random.Random(42)
    rules, words = synthetic_rules(rng)
    messages = synthetic_messages(rng, words, 20000)
    started = time.perf_counter()
    compiled = compile_rules(rules)
    compile_ms = (time.perf_counter() - started) * 1000
    regexes = naive_words(words)

    def naive(batch):
        return [m for m in batch if not m["author"]["bot"] and any(r.search(m["content"]) for r in regexes)]

    engine_rate = rate(lambda batch: evaluate_batch(compiled, batch), messages)
    naive_rate = rate(naive, messages[:2000], repeat=1)
    flagged = len(evaluate_batch(compiled, messages))
    print(f"guild: {len(words)} bad words, 10 regexes, links, invites, caps, mentions, spam, duplicates")
    print(f"compile_rules: {compile_ms:.0f} ms; {flagged} of {len(messages)} messages flagged")
    print(f"engine (all rules, evaluate_batch): {engine_rate:,.0f} messages/s")
    print(f"naive (one re per bad word, bad words only): {naive_rate:,.0f} messages/s")
    print(f"ratio: {engine_rate / naive_rate:.1f}x")


if __name__ == "__main__":
    main()
