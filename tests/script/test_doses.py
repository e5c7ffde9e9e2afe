"""Every built-in session gives the articles' doses: reps and holds within each article's range.

The table below is written from the five source articles (/work/shared/seeds), not from the
library files, and the doses are read from the compiled sessions, so a library or compiler
change that leaves an article's range fails here.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import pytest

from coach.definitions.catalog import load_catalog
from coach.definitions.model import Level
from coach.options import PACES, Guidance, Options
from coach.script.compiler import compile_session
from coach.script.timeline import SectionKind, Timeline

CATALOG, _ = load_catalog()


@dataclass(frozen=True)
class Dose:
    reps: tuple[int, int | None]  # per side where sides apply; None: the article gives no top
    hold: tuple[float, float, str] | None = None  # low, high, "seconds" or "breaths"


ARTICLES = {
    # "Video Series: Exercises to Keep a Healthy Back"
    "pelvic-tilt": Dose((10, 10), (5, 5, "seconds")),
    "knee-to-chest": Dose((3, 5), (10, 10, "seconds")),
    "double-knee-to-chest": Dose((3, 5), (10, 10, "seconds")),
    "lower-trunk-rotation": Dose((1, 10), (3, 5, "seconds")),  # "up to 10 times on both sides"
    "hamstring-stretch": Dose((3, 3), (10, 20, "seconds")),
    "bridge": Dose((10, 10), (3, 5, "seconds")),
    # the daily low-back routine
    "bottom-to-heels": Dose((8, 10), (1, 1, "breaths")),
    "knee-rolls": Dose((8, 10), (1, 1, "breaths")),  # rolls in all, alternating sides
    "back-extensions": Dose((8, 10), (5, 10, "seconds")),
    "deep-abdominal": Dose((5, 5), (5, 10, "breaths")),
    "pelvic-tilts-rocking": Dose((10, 15)),
    # stomach rolls (posture series, part 7); the spine stretch gives no number
    "stomach-rolls": Dose((10, 10)),
    "spine-stretch": Dose((1, None)),
}


def compiled(routine: str, level: Level, pace: str = "normal") -> Timeline:
    options = Options(pace=PACES[pace], level=level, guidance=Guidance.STANDARD)
    return compile_session(CATALOG.routines[routine], CATALOG.exercises, options)


def doses(timeline: Timeline) -> dict[str, tuple[int, set[tuple[float, str]]]]:
    reps: dict[str, int] = {}
    holds: dict[str, set[tuple[float, str]]] = {}
    for section in timeline.sections(SectionKind.REP):
        assert section.exercise is not None
        reps[section.exercise] = reps.get(section.exercise, 0) + 1
    for section in timeline.sections(SectionKind.HOLD):
        assert section.exercise is not None
        found = re.fullmatch(r"Hold for (\d+) (second|breath)s?", section.title)
        assert found, section.title
        amount, unit = float(found.group(1)), found.group(2) + "s"
        if unit == "seconds":
            assert section.end_ms - section.start_ms == amount * 1000
        holds.setdefault(section.exercise, set()).add((amount, unit))
    return {ident: (count, holds.get(ident, set())) for ident, count in reps.items()}


@pytest.mark.parametrize(
    ("routine", "level", "pace"),
    list(itertools.product(sorted(CATALOG.routines), list(Level), ["slow", "normal", "fast"])),
)
def test_every_routine_stays_within_each_articles_range(routine, level, pace):
    for ident, (reps, holds) in doses(compiled(routine, level, pace)).items():
        dose = ARTICLES[ident]
        low, high = dose.reps
        assert low <= reps and (high is None or reps <= high), (ident, reps, dose)
        if dose.hold is None:
            assert not holds, ident
            continue
        hold_low, hold_high, unit = dose.hold
        assert holds and all(hold_low <= a <= hold_high and u == unit for a, u in holds), (
            ident,
            holds,
        )


@pytest.mark.parametrize("routine", sorted(CATALOG.routines))
def test_beginner_gives_at_least_each_articles_minimum_and_levels_rise(routine):
    by_level = [doses(compiled(routine, level)) for level in Level]
    for ident, (reps, _holds) in by_level[0].items():
        assert reps >= ARTICLES[ident].reps[0], (ident, reps)
        counts = [found[ident][0] for found in by_level]
        assert counts == sorted(counts), (ident, counts)


def test_up_to_ten_rotations_and_knee_rolls_map_to_levels():
    rolls = [doses(compiled("low-back-daily", level))["knee-rolls"][0] for level in Level]
    assert rolls == [8, 9, 10]
    turns = [doses(compiled("healthy-back", level))["lower-trunk-rotation"][0] for level in Level]
    assert turns[0] < turns[1] < turns[2] == 10


def test_the_seated_warm_up_keeps_its_articles_range():
    warm_up = [doses(compiled("seated-spine", level))["pelvic-tilts-rocking"][0] for level in Level]
    assert warm_up == [10, 12, 15]
