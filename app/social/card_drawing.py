"""Pillow building blocks shared by the rank, rep and imgsay images.

Only ever imported from inside render functions: importing it imports Pillow.
"""
import functools
import hashlib
import io

from PIL import Image, ImageDraw

from app.social import text_layout

SUPERSAMPLE = 4  # shapes are drawn this much larger, then shrunk, for smooth edges
# Pleasant, white-text-legible colours for initials avatars, picked by a hash of the name.
INITIALS_COLOURS = ("#5865F2", "#EB459E", "#3BA55C", "#FAA61A", "#ED4245", "#1ABC9C", "#9B59B6", "#E67E22")


def parse_colour(value, default: str) -> tuple[int, int, int]:
    """A colour from Discord's int form (0xRRGGBB), '#rrggbb', or an (r, g, b) tuple."""
    from PIL import ImageColor

    if value is None:
        value = default
    if isinstance(value, int):
        return (value >> 16) & 255, (value >> 8) & 255, value & 255
    if isinstance(value, (tuple, list)) and len(value) >= 3:
        return tuple(int(part) & 255 for part in value[:3])
    try:
        return ImageColor.getrgb(str(value))[:3]
    except ValueError:
        return ImageColor.getrgb(default)[:3]


def vertical_gradient(size: tuple[int, int], top, bottom) -> Image.Image:
    width, height = size
    ramp = Image.linear_gradient("L").resize((width, height))
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), ramp)


def add_glow(image: Image.Image, centre: tuple[int, int], radius: int, colour, strength: float) -> None:
    """Lights `image` with a soft radial wash of `colour` around `centre`, in place."""
    # Pillow's radial gradient is 181 at the middle of each side (255 only in the corners).
    falloff = Image.radial_gradient("L").resize((2 * radius, 2 * radius), Image.BILINEAR)
    mask = falloff.point(lambda value: int(255 * strength * max(0.0, 1 - value / 181) ** 2))
    image.paste(Image.new("RGB", mask.size, colour), (centre[0] - radius, centre[1] - radius), mask)


@functools.lru_cache(maxsize=16)
def smooth_disc(diameter: int) -> Image.Image:
    """An anti-aliased circular 'L' mask. Shared from a cache: never draw on it."""
    big = Image.new("L", (diameter * SUPERSAMPLE,) * 2, 0)
    ImageDraw.Draw(big).ellipse((0, 0, diameter * SUPERSAMPLE - 1, diameter * SUPERSAMPLE - 1), fill=255)
    return big.resize((diameter, diameter), Image.LANCZOS)


@functools.lru_cache(maxsize=16)
def smooth_rounded_rect(size: tuple[int, int], radius: int) -> Image.Image:
    """An anti-aliased rounded-rectangle 'L' mask. Shared from a cache: never draw on it."""
    width, height = size
    big = Image.new("L", (width * SUPERSAMPLE, height * SUPERSAMPLE), 0)
    ImageDraw.Draw(big).rounded_rectangle((0, 0, width * SUPERSAMPLE - 1, height * SUPERSAMPLE - 1),
                                          radius=radius * SUPERSAMPLE, fill=255)
    return big.resize(size, Image.LANCZOS)


def paste_rounded_rect(canvas: Image.Image, box: tuple[int, int, int, int], radius: int, fill) -> None:
    left, top, right, bottom = box
    size = (max(1, right - left), max(1, bottom - top))
    radius = min(radius, size[0] // 2, size[1] // 2)
    canvas.paste(Image.new("RGB", size, fill), (left, top), smooth_rounded_rect(size, radius))


def decode_avatar(avatar: bytes | None, diameter: int) -> Image.Image | None:
    """The avatar as an RGB square of `diameter`, or None when missing or undecodable."""
    from PIL import ImageOps

    if not avatar:
        return None
    try:
        with Image.open(io.BytesIO(avatar)) as image:
            if image.width * image.height > 4096 * 4096:
                return None
            image.seek(0)  # animated avatars: the first frame
            rgba = image.convert("RGBA")
    except Exception:  # Pillow raises many types for corrupt data; the caller draws initials
        return None
    # Transparent avatars sit on a dark disc rather than on black.
    backdrop = Image.new("RGBA", rgba.size, (47, 49, 54, 255))
    backdrop.alpha_composite(rgba)
    return ImageOps.fit(backdrop.convert("RGB"), (diameter, diameter), Image.LANCZOS)


def initials_for(name: str) -> str:
    words = [word for word in name.split() if word and word[0].isalnum()]
    if not words:
        return ""
    if any(text_layout._bidi_class(word[0]) == "R" for word in words[:2]):
        return words[0][0]  # two right-to-left initials would need their own ordering rules
    return "".join(word[0] for word in words[:2]).upper()


def initials_avatar(name: str, diameter: int) -> Image.Image:
    """A coloured disc with the name's initials, or a person silhouette when it has none."""
    digest = hashlib.sha1(name.encode("utf-8")).digest()
    colour = INITIALS_COLOURS[digest[0] % len(INITIALS_COLOURS)]
    tile = Image.new("RGB", (diameter, diameter), colour)
    draw = ImageDraw.Draw(tile)
    initials = initials_for(name)
    if initials:
        font = text_layout.load_font("bold", int(diameter * (0.42 if len(initials) == 1 else 0.36)))
        draw.text((diameter / 2, diameter / 2), text_layout.for_drawing(initials),
                  font=font, fill="white", anchor="mm")
    else:
        head = diameter * 0.17
        centre = diameter / 2
        draw.ellipse((centre - head, diameter * 0.22, centre + head, diameter * 0.22 + 2 * head), fill="white")
        draw.ellipse((centre - diameter * 0.32, diameter * 0.62, centre + diameter * 0.32, diameter * 1.2),
                     fill="white")
    return tile


def paste_avatar(canvas: Image.Image, centre: tuple[int, int], diameter: int, avatar: bytes | None,
                 name: str, ring_colour, gap_colour) -> None:
    """A circle-cropped avatar (or initials) with an accent ring, centred at `centre`."""
    cx, cy = centre
    ring, gap = diameter + 16, diameter + 8
    for size, fill in ((ring, ring_colour), (gap, gap_colour)):
        canvas.paste(Image.new("RGB", (size, size), fill), (cx - size // 2, cy - size // 2), smooth_disc(size))
    picture = decode_avatar(avatar, diameter) or initials_avatar(name, diameter)
    canvas.paste(picture, (cx - diameter // 2, cy - diameter // 2), smooth_disc(diameter))


def encode_png(image: Image.Image, compress_level: int = 6) -> bytes:
    # Not palette-quantised: that bands the gradients, and smooth rows already compress well.
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=compress_level)
    return buffer.getvalue()
