"""Draw the installable-app icons (assets/icons/*.png) from the favicon's design.

The favicon (assets/favicon.svg) is a rounded indigo square with five white level bars. This
script redraws it with Pillow at the sizes browsers ask for, plus a maskable variant (full-bleed
background, artwork inside the 80 % safe circle so any mask shape keeps it whole) and one small
icon per manifest shortcut. The PNGs are committed; run this again only after changing the design:

    .venv/bin/python scripts/make_pwa_icons.py
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "assets" / "icons"
ACCENT = (62, 99, 221, 255)  # #3e63dd, the favicon's and the theme's accent
WHITE = (255, 255, 255, 255)
SUPERSAMPLE = 4  # draw large, then downscale: smooth edges without an SVG renderer

# The favicon's bars on its 32-unit grid: (x, y_top, y_bottom), stroke 2.2 with round caps.
BARS = ((8, 13, 19), (12, 10, 22), (16, 7, 25), (20, 11, 21), (24, 14, 18))
STROKE = 2.2

Painter = Callable[[ImageDraw.ImageDraw, float, float, float], None]


def _bars(draw: ImageDraw.ImageDraw, origin: float, unit: float, _size: float) -> None:
    """The favicon's five bars, on a 32-unit grid starting at `origin` with `unit` px each."""
    half = STROKE * unit / 2
    for x, top, bottom in BARS:
        cx = origin + x * unit
        draw.rounded_rectangle(
            (cx - half, origin + top * unit - half, cx + half, origin + bottom * unit + half),
            radius=half,
            fill=WHITE,
        )


def _canvas(size: int, *, rounded: bool) -> tuple[Image.Image, ImageDraw.ImageDraw, float]:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 7 / 32, fill=ACCENT)
    else:
        draw.rectangle((0, 0, big, big), fill=ACCENT)
    return image, draw, float(big)


def _save(image: Image.Image, size: int, name: str) -> None:
    image.resize((size, size), Image.Resampling.LANCZOS).save(OUT / name, optimize=True)
    print(f"wrote {OUT / name}")


def app_icon(size: int, name: str) -> None:
    """The favicon at `size` px: rounded square, bars filling the 32-unit grid."""
    image, draw, big = _canvas(size, rounded=True)
    _bars(draw, 0.0, big / 32, big)
    _save(image, size, name)


def maskable_icon(size: int, name: str) -> None:
    """Full-bleed square; the bars scaled to 60 % so they sit inside the 80 % safe circle."""
    image, draw, big = _canvas(size, rounded=False)
    scale = 0.6
    _bars(draw, big * (1 - scale) / 2, big * scale / 32, big)
    _save(image, size, name)


def _dashboard(draw: ImageDraw.ImageDraw, lo: float, hi: float, w: float) -> None:
    span, gap, width = hi - lo, w * 0.9, int(w)
    mid = (lo + hi) / 2
    tall, short = lo + span * 0.6, lo + span * 0.4
    for box in (
        (lo, lo, mid - gap, tall - gap),
        (lo, tall + gap, mid - gap, hi),
        (mid + gap, lo, hi, short - gap),
        (mid + gap, short + gap, hi, hi),
    ):
        draw.rounded_rectangle(box, radius=w, outline=WHITE, width=width)


def _inventory(draw: ImageDraw.ImageDraw, lo: float, hi: float, w: float) -> None:
    span = hi - lo
    top = lo + span * 0.3
    draw.rounded_rectangle((lo, top, hi, hi), radius=w, outline=WHITE, width=int(w))
    draw.line(
        (lo, top, lo + span * 0.15, lo, hi - span * 0.15, lo, hi, top), fill=WHITE, width=int(w)
    )
    mid = (lo + hi) / 2
    draw.line((mid, lo, mid, top + span * 0.2), fill=WHITE, width=int(w))


def _calendar(draw: ImageDraw.ImageDraw, lo: float, hi: float, w: float) -> None:
    span = hi - lo
    top = lo + span * 0.12
    draw.rounded_rectangle((lo, top, hi, hi), radius=w * 1.5, outline=WHITE, width=int(w))
    draw.line((lo, top + span * 0.25, hi, top + span * 0.25), fill=WHITE, width=int(w))
    for x in (lo + span * 0.3, hi - span * 0.3):
        draw.line((x, lo, x, top + span * 0.12), fill=WHITE, width=int(w))
    dot = w * 0.9
    for row in (0.55, 0.78):
        for col in (0.28, 0.5, 0.72):
            cx, cy = lo + span * col, lo + span * row
            draw.ellipse((cx - dot, cy - dot, cx + dot, cy + dot), fill=WHITE)


def _prep(draw: ImageDraw.ImageDraw, lo: float, hi: float, w: float) -> None:
    span = hi - lo
    corner = span * 0.22
    for x, dx in ((lo, 1), (hi, -1)):
        for y, dy in ((lo, 1), (hi, -1)):
            draw.line((x + dx * corner, y, x, y, x, y + dy * corner), fill=WHITE, width=int(w))
    widths = (1.0, 0.5, 1.0, 1.5, 0.5, 1.0)
    x = lo + span * 0.22
    step = span * 0.56 / len(widths)
    for bar in widths:
        draw.rectangle((x, lo + span * 0.25, x + w * bar * 0.55, hi - span * 0.25), fill=WHITE)
        x += step


SHORTCUTS: dict[str, Painter] = {
    "dashboard": _dashboard,
    "inventory": _inventory,
    "calendar": _calendar,
    "prep": _prep,
}


def shortcut_icon(name: str, painter: Painter, size: int = 96) -> None:
    image, draw, big = _canvas(size, rounded=True)
    margin = big * 0.24
    painter(draw, margin, big - margin, big * 0.055)
    _save(image, size, f"shortcut-{name}.png")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    app_icon(192, "icon-192.png")
    app_icon(512, "icon-512.png")
    app_icon(180, "apple-touch-icon.png")
    maskable_icon(512, "icon-maskable-512.png")
    for name, painter in SHORTCUTS.items():
        shortcut_icon(name, painter)


if __name__ == "__main__":
    main()
