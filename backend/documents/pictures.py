"""The follow-up charts as pictures for a Word document: the same bars as the pages draw
in SVG, painted as a PNG (Word shows no SVG of its own)."""

from __future__ import annotations

import unicodedata
from functools import cache
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from backend.followup.figures import Chart

ROW = 28
LABEL_WIDTH = 220
BAR_WIDTH = 320
END_WIDTH = 160
SCALE = 2  # drawn at twice the size, so it stays sharp when printed
INK = (27, 39, 51)
COLOURS: dict[str, tuple[int, int, int]] = {
    "median": (11, 79, 138),
    "open": (11, 79, 138),
    "done": (11, 79, 138),
    "slowest": (157, 183, 213),
    "late": (176, 30, 30),
    "pending": (232, 199, 90),
}


# The fonts the documents use where the machine has them (the Word templates use Carlito);
# Pillow's own font otherwise, which knows no accents: then the text is written without.
FONTS = (
    Path("/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
)


@cache
def font() -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """The font to paint with, and whether it knows accented letters."""
    for path in FONTS:
        if path.exists():
            return ImageFont.truetype(str(path), 14 * SCALE), True
    return ImageFont.load_default(size=13 * SCALE), False


def plain(text: str) -> str:
    """The text without accents and with plain dashes, for a font that lacks them."""
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return (
        "".join(c for c in decomposed if not unicodedata.combining(c))
        .encode("ascii", "replace")
        .decode("ascii")
    )


def chart_png(chart: Chart) -> bytes:
    """Paint the chart's bars, each with its label before it and its figures after it."""
    width = (LABEL_WIDTH + BAR_WIDTH + END_WIDTH) * SCALE
    height = (ROW * max(len(chart.bars), 1) + 8) * SCALE
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    face, accents = font()

    def shown(text: str) -> str:
        return text if accents else plain(text)

    top = max((sum(p.value for p in bar.parts) for bar in chart.bars), default=0) or 1
    for index, bar in enumerate(chart.bars):
        y = (4 + index * ROW) * SCALE
        middle = y + ROW * SCALE // 2
        draw.text(
            ((LABEL_WIDTH - 8) * SCALE, middle), shown(bar.label), fill=INK, font=face, anchor="rm"
        )
        x = float(LABEL_WIDTH * SCALE)
        for part in bar.parts:
            length = BAR_WIDTH * SCALE * part.value / top
            if length > 0:
                draw.rectangle(
                    (x, y + 4 * SCALE, x + length, y + (ROW - 6) * SCALE),
                    fill=COLOURS.get(part.css, INK),
                )
            x += length
        draw.text((x + 6 * SCALE, middle), shown(bar.text), fill=INK, font=face, anchor="lm")
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
