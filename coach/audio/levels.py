"""The session-levels cache: a session's loudness analysis, kept under a hash of its exact audio.

Measuring a long session takes seconds; exporting or playing the same session again should not.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from pathlib import Path

from coach.audio.mixer import Levels, Mix
from coach.audio.wav import write_atomic


def cached_levels(mix: Mix, folder: Path) -> Levels:
    """The mix's levels from ``folder/levels``, or measured now and kept there."""
    path = folder / "levels" / f"{mix.signature()}.json"
    with contextlib.suppress(OSError, ValueError, TypeError):
        return Levels(**json.loads(path.read_text(encoding="utf-8")))
    levels = mix.measure()
    with contextlib.suppress(OSError):  # a read-only cache only costs time
        write_atomic(path, json.dumps(dataclasses.asdict(levels)).encode())
    return levels
