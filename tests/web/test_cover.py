"""Cover art: a square PNG podcast apps accept, one look per routine, made once."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from coach.web.cover import SIZE, cover_file, cover_png


def test_a_square_png_of_the_size_podcast_apps_want() -> None:
    image = Image.open(io.BytesIO(cover_png("healthy-back", "Healthy back")))
    assert image.format == "PNG"
    assert image.size == (SIZE, SIZE)
    assert 1400 <= SIZE <= 3000


def test_each_routine_has_its_own_colour() -> None:
    def corner(key: str) -> tuple[int, ...]:
        return Image.open(io.BytesIO(cover_png(key, "Name"))).convert("RGB").getpixel((5, 5))

    assert corner("healthy-back") == corner("healthy-back")
    assert corner("healthy-back") != corner("middle-back")


def test_made_once_then_kept(tmp_path: Path) -> None:
    first = cover_file(tmp_path, "healthy-back", "Healthy back")
    stamp = first.stat().st_mtime_ns
    assert cover_file(tmp_path, "healthy-back", "Healthy back") == first
    assert first.stat().st_mtime_ns == stamp
    assert cover_file(tmp_path, "healthy-back", "Renamed") != first
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_a_long_name_still_fits() -> None:
    name = "A very long routine name with many words to wrap across several lines of the cover"
    image = Image.open(io.BytesIO(cover_png("long", name)))
    assert image.size == (SIZE, SIZE)
