"""Cover art per routine: a square PNG with the routine's name over a stack of vertebrae.

Podcast apps want square art of 1400 to 3000 pixels. The colour comes from the routine id, so
each routine keeps its own look; the file is made once and kept in the session store.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import os
import tempfile
import textwrap
from pathlib import Path

SIZE = 1400


def cover_file(folder: Path, key: str, name: str) -> Path:
    """The cover for routine ``key`` named ``name``, made on first use."""
    digest = hashlib.sha256(f"{key}\0{name}".encode()).hexdigest()[:16]
    path = folder / f"{digest}.png"
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, cover_png(key, name))
    return path


def cover_png(key: str, name: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    hue = int(hashlib.sha256(key.encode()).hexdigest()[:4], 16) / 0xFFFF
    background = _rgb(hue, 0.32, 0.30)
    bone = _rgb(hue, 0.18, 0.86)
    image = Image.new("RGB", (SIZE, SIZE), background)
    draw = ImageDraw.Draw(image)
    # A column of rounded vertebrae, narrowing a little towards the top.
    count, top, bottom = 9, 170, 1230
    step = (bottom - top) / count
    for index in range(count):
        width = 150 + index * 12
        y = top + index * step
        left = 1060 - width / 2
        draw.rounded_rectangle((left, y, left + width, y + step * 0.72), radius=28, fill=bone)
    title = ImageFont.load_default(size=112)
    small = ImageFont.load_default(size=64)
    lines = textwrap.wrap(name, width=12)[:5]
    y = 200.0
    for line in lines:
        draw.text((110, y), line, font=title, fill=(255, 255, 255))
        y += 138
    draw.text((110, SIZE - 200), "coach", font=small, fill=bone)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _rgb(hue: float, saturation: float, lightness: float) -> tuple[int, int, int]:
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return round(red * 255), round(green * 255), round(blue * 255)


def _write_atomic(path: Path, data: bytes) -> None:
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(name).chmod(0o644)
        Path(name).replace(path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
