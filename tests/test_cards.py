"""Rank, rep and imgsay images as members receive them, and avatars fetched from the CDN."""
import http.server
import io
import threading
import time

import pytest
from PIL import Image

from app.discord.cdn import avatar_url, default_avatar_index, fetch_avatar
from app.social import text_layout
from app.social.cards import (CARD_SIZE, IMGSAY_MAX_CHARS, IMGSAY_STYLES, ImgsayError, card_name,
                              render_imgsay, render_rank_card, render_rep_card)
from app.social.imgsay import IMGSAY_MARGIN, IMGSAY_SIZE, fit_text

MAX_PNG_BYTES = 150 * 1024
AVATAR_CENTRE = (140, 141)


def png_bytes(colour=(220, 30, 30), size=(128, 128)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def open_png(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def rank_card(**overrides) -> bytes:
    figures = dict(name="Ada Lovelace", avatar=None, level=12, xp_into_level=1234, xp_for_next_level=1420,
                   rank=3, total_xp=13456, weekly_xp=340, weekly_rank=2)
    figures.update(overrides)
    return render_rank_card(**figures)


def bright_pixels(image: Image.Image, box) -> int:
    """Near-white pixels in `box`: the name is drawn in white on a dark card."""
    return sum(image.convert("L").crop(box).histogram()[201:])


NAME_BOX = (262, 105, 640, 160)


# --- rank and rep cards ----------------------------------------------------------------------

def test_rank_card_is_a_png_of_the_card_size_and_small_enough_to_upload():
    data = rank_card(avatar=png_bytes())
    image = open_png(data)
    assert image.format == "PNG" and image.size == CARD_SIZE
    assert len(data) <= MAX_PNG_BYTES


def test_rank_card_shows_the_avatar_circle_cropped():
    image = open_png(rank_card(avatar=png_bytes((220, 30, 30)))).convert("RGBA")
    assert image.getpixel(AVATAR_CENTRE)[:3] == (220, 30, 30)
    assert image.getpixel((0, 0))[3] == 0  # rounded corners are transparent


def test_rank_card_without_avatar_draws_initials_instead():
    image = open_png(rank_card(avatar=None)).convert("RGB")
    assert image.size == CARD_SIZE
    # The initials "AL" are white on a coloured disc.
    assert bright_pixels(image, (90, 90, 190, 190)) > 200


def test_garbage_avatar_bytes_fall_back_to_the_initials_avatar():
    assert rank_card(avatar=b"<html>not an image</html>") == rank_card(avatar=None)
    assert rank_card(avatar=png_bytes()[:40]) == rank_card(avatar=None)  # truncated download


def test_progress_bar_fills_in_proportion_to_xp():
    empty = open_png(rank_card(accent=0x00FF00, xp_into_level=0, xp_for_next_level=100)).convert("RGB")
    half = open_png(rank_card(accent=0x00FF00, xp_into_level=50, xp_for_next_level=100)).convert("RGB")
    bar_y, quarter, three_quarters = 186, 262 + 632 // 4, 262 + 632 * 3 // 4
    assert half.getpixel((quarter, bar_y)) == (0, 255, 0)
    assert half.getpixel((three_quarters, bar_y)) != (0, 255, 0)
    assert empty.getpixel((quarter, bar_y)) != (0, 255, 0)


def test_a_200_character_name_is_cut_with_an_ellipsis_to_fit():
    font = text_layout.load_font("bold", 40)
    shown = text_layout.truncate_to_width("W" * 200, font, 400)
    assert shown.endswith("…") and font.getlength(shown) <= 400
    # On the card the name stops before the "1,234 / 1,420 XP" figures on the same line.
    long_name = open_png(rank_card(name="W" * 200)).convert("L").crop((668, 100, 894, 160))
    short_name = open_png(rank_card(name="W")).convert("L").crop((668, 100, 894, 160))
    assert long_name.tobytes() == short_name.tobytes()
    assert sum(long_name.histogram()[201:]) > 100  # the figures themselves are there


def test_control_characters_and_bidi_overrides_are_removed_from_names():
    assert card_name("Ad\x00a\u202e Love\x1b\nlace") == "Ada Love lace"
    image = open_png(rank_card(name="\x07\u202eAda\x00"))
    assert image.size == CARD_SIZE


def test_an_arabic_name_is_drawn():
    assert card_name("محمد عبد الله") == "محمد عبد الله"
    image = open_png(rank_card(name="محمد عبد الله")).convert("RGB")
    assert bright_pixels(image, NAME_BOX) > 300


def test_emoji_are_dropped_and_unsupported_scripts_become_one_marker():
    assert card_name("🔥 Ada 🔥") == "Ada"
    assert card_name("山田 太郎 Taro") == "⋯ Taro"
    image = open_png(rank_card(name="🔥 Ada 👨‍👩‍👧")).convert("RGB")
    assert bright_pixels(image, NAME_BOX) > 100


def test_an_all_emoji_name_reads_member_with_a_silhouette_avatar():
    assert card_name("🔥🔥") == ""
    image = open_png(rank_card(name="🔥🔥")).convert("RGB")
    assert bright_pixels(image, NAME_BOX) > 100  # "Member"
    assert image.getpixel((140, 100)) == (255, 255, 255)  # the silhouette's head


def test_huge_figures_still_render():
    data = rank_card(level=9999, xp_into_level=10**9, xp_for_next_level=10**9 + 7, rank=1_000_000,
                     total_xp=10**12, weekly_xp=10**9, weekly_rank=123_456)
    assert open_png(data).size == CARD_SIZE


def test_rep_card_renders_in_the_same_size_with_recent_rep():
    data = render_rep_card(name="Дмитрий Иванов", avatar=png_bytes((30, 120, 220)), rep=42, rank=5, given=12,
                           recent=[("Alice", "thanks for fixing the bot!"), ("Bob", None)])
    image = open_png(data).convert("RGB")
    assert image.size == CARD_SIZE and len(data) <= MAX_PNG_BYTES
    assert image.getpixel(AVATAR_CENTRE) == (30, 120, 220)
    assert bright_pixels(image, (262, 170, 894, 252)) > 200  # the recent rep lines


def test_rep_card_without_avatar_rank_or_history_renders():
    data = render_rep_card(name="x" * 300, avatar=b"\x89PNG garbage", rep=0, rank=None)
    assert open_png(data).size == CARD_SIZE


# --- no-raqm fallback ------------------------------------------------------------------------

@pytest.mark.parametrize("logical, visual", [
    ("Hello", "Hello"),
    ("שלום עולם", "םלוע םולש"),
    ("عمر 123", "123 رمع"),           # digits keep their order inside right-to-left text
    ("Hi שלום עולם!", "Hi םלוע םולש!"),
])
def test_right_to_left_runs_are_reordered_when_pillow_cannot_shape(logical, visual):
    assert text_layout.visual_order(logical) == visual


# --- imgsay ----------------------------------------------------------------------------------

LONG_SENTENCE = ("Reminder: the community game night starts Friday at 8 pm. Bring snacks, be kind, and "
                 "don't forget to vote for next week's game in #announcements!")


def border(image: Image.Image, width: int) -> list[bytes]:
    w, h = image.size
    boxes = [(0, 0, w, width), (0, h - width, w, h), (0, 0, width, h), (w - width, 0, w, h)]
    return [image.crop(box).tobytes() for box in boxes]


@pytest.mark.parametrize("style", list(IMGSAY_STYLES))
@pytest.mark.parametrize("text", [LONG_SENTENCE, "Supercalifragilistic" * 12, "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl"])
def test_imgsay_keeps_the_text_inside_the_image(style, text):
    data = render_imgsay(text, style)
    image = open_png(data).convert("RGB")
    assert image.size == IMGSAY_SIZE and len(data) <= MAX_PNG_BYTES
    # The margins look exactly like those of a one-character image: nothing spilled into them.
    dot = open_png(render_imgsay(".", style)).convert("RGB")
    assert border(image, 24) == border(dot, 24)
    assert image.tobytes() != dot.tobytes()


def test_imgsay_sets_short_text_larger_than_long_text():
    short_font, _, _ = fit_text("gg", "bold", (688, 288))
    long_font, long_lines, _ = fit_text(LONG_SENTENCE, "bold", (688, 288))
    assert short_font.size > long_font.size >= 20
    assert all(long_font.getlength(line) <= 688 for line in long_lines)


def test_imgsay_breaks_a_word_too_long_for_one_line():
    font, lines, _ = fit_text("x" * 300, "bold", (IMGSAY_SIZE[0] - 2 * IMGSAY_MARGIN, 288))
    assert len(lines) > 1 and "".join(lines) == "x" * 300


def test_imgsay_rejects_text_over_the_limit_and_names_the_limit():
    with pytest.raises(ImgsayError) as error:
        render_imgsay("a" * (IMGSAY_MAX_CHARS + 1))
    assert str(IMGSAY_MAX_CHARS) in error.value.message
    assert render_imgsay("a" * IMGSAY_MAX_CHARS)


@pytest.mark.parametrize("text", ["", "   \n\t ", "\x00\x01\u202e", "🔥🎉👍"])
def test_imgsay_rejects_text_with_nothing_to_draw(text):
    with pytest.raises(ImgsayError) as error:
        render_imgsay(text)
    assert error.value.message


def test_imgsay_names_the_styles_when_one_is_unknown():
    with pytest.raises(ImgsayError) as error:
        render_imgsay("hello", "comic-sans")
    assert all(style in error.value.message for style in IMGSAY_STYLES)


def test_quote_style_draws_hebrew_and_arabic_with_the_sans_fallback():
    image = open_png(render_imgsay("שלום עולם — مرحبا بالعالم", "quote")).convert("RGB")
    plain = open_png(render_imgsay(".", "quote")).convert("RGB")
    def dark_pixels(picture):
        return sum(picture.convert("L").histogram()[:100])

    assert dark_pixels(image) > dark_pixels(plain) + 2000


# --- avatars from the CDN ----------------------------------------------------------------------

AVATAR_PNG = png_bytes((10, 200, 90))


class FakeCdnHandler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.server.paths.append(self.path)
        behaviour = self.routes.get(self.path.split("?")[0], "missing")
        if behaviour == "slow":
            time.sleep(3)
        if behaviour == "trickle":
            self.send_response(200)
            self.send_header("Content-Length", str(len(AVATAR_PNG)))
            self.end_headers()
            for start in range(0, len(AVATAR_PNG), 40):
                self.wfile.write(AVATAR_PNG[start:start + 40])
                self.wfile.flush()
                time.sleep(0.3)
            return
        status, body = {
            "png": (200, AVATAR_PNG), "slow": (200, AVATAR_PNG), "garbage": (200, b"\x89PNG not really"),
            "huge": (200, b"\0" * (3 * 1024 * 1024)), "error": (500, b"oops"), "missing": (404, b""),
        }[behaviour]
        try:
            self.send_response(status)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def log_message(self, *args):
        pass


@pytest.fixture
def cdn():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeCdnHandler)
    server.daemon_threads = True
    server.paths = []
    FakeCdnHandler.routes = {
        "/avatars/80351110224678912/goodhash.png": "png",
        "/avatars/80351110224678912/slowhash.png": "slow",
        "/avatars/80351110224678912/tricklehash.png": "trickle",
        "/avatars/80351110224678912/garbagehash.png": "garbage",
        "/avatars/80351110224678912/hugehash.png": "huge",
        "/avatars/80351110224678912/brokenhash.png": "error",
        f"/embed/avatars/{(80351110224678912 >> 22) % 6}.png": "png",
    }
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetch_avatar_returns_the_png(cdn):
    server, base = cdn
    assert fetch_avatar(base, "80351110224678912", "goodhash") == AVATAR_PNG
    assert server.paths == ["/avatars/80351110224678912/goodhash.png?size=128"]


def test_fetch_avatar_uses_the_default_avatar_when_the_user_has_none(cdn):
    server, base = cdn
    assert fetch_avatar(base, "80351110224678912", None) == AVATAR_PNG
    assert server.paths == [f"/embed/avatars/{(80351110224678912 >> 22) % 6}.png"]


@pytest.mark.parametrize("avatar_hash", ["missinghash", "garbagehash", "hugehash", "brokenhash"])
def test_fetch_avatar_returns_none_for_404_garbage_oversize_and_errors(cdn, avatar_hash):
    _, base = cdn
    assert fetch_avatar(base, "80351110224678912", avatar_hash) is None


@pytest.mark.parametrize("avatar_hash", ["slowhash", "tricklehash"])
def test_fetch_avatar_gives_up_within_its_timeout(cdn, avatar_hash):
    _, base = cdn
    started = time.monotonic()
    assert fetch_avatar(base, "80351110224678912", avatar_hash, timeout=0.5) is None
    assert time.monotonic() - started < 0.8


def test_fetch_avatar_returns_none_when_nothing_listens():
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeCdnHandler) as closed:
        port = closed.server_address[1]
    assert fetch_avatar(f"http://127.0.0.1:{port}", "80351110224678912", "goodhash") is None


def test_malformed_ids_are_never_requested(cdn):
    server, base = cdn
    assert fetch_avatar(base, "../../etc", "goodhash") is None
    assert fetch_avatar(base, "80351110224678912", "../goodhash") is None
    assert server.paths == []


def test_avatar_urls_follow_discords_cdn_layout():
    base = "https://cdn.discordapp.com"
    assert avatar_url(base, "123", "a_abc", size=100) == f"{base}/avatars/123/a_abc.png?size=128"
    assert avatar_url(base + "/", "80351110224678912", None) == \
        f"{base}/embed/avatars/{(80351110224678912 >> 22) % 6}.png"
    assert default_avatar_index("80351110224678912", discriminator="1337") == 1337 % 5


def test_fetch_avatar_works_against_the_shared_fake_discord(discord_server):
    discord_server.set_avatar("80351110224678912", "fakehash", png_bytes((1, 2, 3)))
    fetched = fetch_avatar(discord_server.cdn_url, "80351110224678912", "fakehash")
    assert Image.open(io.BytesIO(fetched)).getpixel((0, 0)) == (1, 2, 3)
    discord_server.set_avatar("80351110224678912", "junkhash", garbage=True)
    assert fetch_avatar(discord_server.cdn_url, "80351110224678912", "junkhash") is None
