"""Render-time and PNG-size benchmark of the image cards (targets: p50 <= 40 ms, PNG <= 150 KB).

Run from the repository root: python bench/bench_cards.py [--runs N]
"""
import argparse
import io
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from app.social.cards import IMGSAY_STYLES, render_imgsay, render_rank_card, render_rep_card  # noqa: E402

LONG_TEXT = ("Reminder: the community game night starts Friday at 8 pm. Bring snacks, "
             "be kind, and don't forget to vote for next week's game in #announcements!")


def sample_avatar() -> bytes:
    """A 128x128 photo-like PNG, the size the CDN is asked for."""
    from PIL import Image

    red = Image.radial_gradient("L").resize((128, 128))
    green = Image.effect_noise((128, 128), 40)
    blue = Image.linear_gradient("L").resize((128, 128))
    buffer = io.BytesIO()
    Image.merge("RGB", (red, green, blue)).save(buffer, "PNG")
    return buffer.getvalue()


def measure(render, runs: int) -> tuple[float, float, int]:
    render()  # the first call loads fonts; a warm process is what members hit
    timings, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        size = len(render())
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, int(len(timings) * 0.99))], size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=60)
    runs = parser.parse_args().runs
    avatar = sample_avatar()
    cases = {
        "rank card": lambda: render_rank_card(
            name="Ada Lovelace", avatar=avatar, level=12, xp_into_level=1234, xp_for_next_level=1420,
            rank=3, total_xp=13456, weekly_xp=340, weekly_rank=2),
        "rank card, no avatar, Arabic": lambda: render_rank_card(
            name="محمد عبد الله", avatar=None, level=3, xp_into_level=40, xp_for_next_level=295,
            rank=120, total_xp=515, weekly_xp=0),
        "rep card": lambda: render_rep_card(
            name="Дмитрий Иванов", avatar=avatar, rep=42, rank=5, given=12,
            recent=[("Alice", "thanks for fixing the bot!"), ("Bob", None)]),
    }
    for style in IMGSAY_STYLES:
        cases[f"imgsay {style}"] = lambda style=style: render_imgsay(LONG_TEXT, style)
    print(f"{'image':32} {'p50 ms':>8} {'p99 ms':>8} {'PNG KB':>8}   ({runs} runs each)")
    for label, render in cases.items():
        p50, p99, size = measure(render, runs)
        print(f"{label:32} {p50:8.1f} {p99:8.1f} {size / 1024:8.1f}")


if __name__ == "__main__":
    main()
