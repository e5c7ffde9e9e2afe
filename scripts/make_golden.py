"""Regenerate the golden cue sheets in tests/golden/ (one per built-in routine).

They are compiled with the voice-free speech estimate, so they do not depend on the installed
voice. Run it after an intended change to the compiler or the library, then read the diff.
"""

from __future__ import annotations

import sys
from pathlib import Path

from coach.definitions.catalog import load_catalog
from coach.definitions.model import Level
from coach.options import Guidance, Options
from coach.script.compiler import compile_session
from coach.script.formats import to_json, to_text

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden"

# Besides the defaults, one shaped session, so pace, reps and level stay covered too, and the
# two other guidance levels of one routine, so what brief and full say is read in review.
SHAPED = ("healthy-back", Options(pace=0.75, reps=3, level=Level.ADVANCED))
GUIDED = [("short-daily", Guidance.BRIEF), ("low-back-daily", Guidance.FULL)]


def render() -> dict[str, str]:
    catalog, _ = load_catalog()
    out = {}
    for routine in catalog.routines.values():
        timeline = compile_session(routine, catalog.exercises, Options())
        out[f"{routine.id}.txt"] = to_text(timeline)
    name, options = SHAPED
    shaped = compile_session(catalog.routine(name), catalog.exercises, options)
    out[f"{name}-slow-3-advanced.json"] = to_json(shaped)
    for ident, guidance in GUIDED:
        guided = compile_session(
            catalog.routine(ident), catalog.exercises, Options(guidance=guidance)
        )
        out[f"{ident}-{guidance}.txt"] = to_text(guided)
    return out


def main() -> int:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, text in render().items():
        (GOLDEN / name).write_text(text, encoding="utf-8")
        print(f"wrote tests/golden/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
