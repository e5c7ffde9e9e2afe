"""The built-in library keeps the seed articles' facts: reps, holds, breath, sides and order."""

import pytest

from coach.definitions.catalog import load_catalog
from coach.definitions.model import Breath, Kind, Range, Sides, Unit

CATALOG, _ = load_catalog()


def ex(ident):
    return CATALOG.exercises[ident]


def hold_of(ident):
    (hold,) = ex(ident).holds
    return hold.length


@pytest.mark.parametrize(
    ("ident", "reps", "sides"),
    [
        ("stomach-rolls", Range(10, 10), Sides.NONE),
        ("pelvic-tilt", Range(10, 10), Sides.NONE),
        ("knee-to-chest", Range(3, 5), Sides.ALTERNATE),
        ("double-knee-to-chest", Range(3, 5), Sides.NONE),
        ("lower-trunk-rotation", Range(5, 10), Sides.ALTERNATE),  # "up to 10"
        ("hamstring-stretch", Range(3, 3), Sides.ALTERNATE),
        ("bridge", Range(10, 10), Sides.NONE),
        ("bottom-to-heels", Range(8, 10), Sides.NONE),
        ("knee-rolls", Range(8, 10), Sides.SWITCH_EACH_REP),  # rolls, alternating
        ("back-extensions", Range(8, 10), Sides.NONE),
        ("deep-abdominal", Range(5, 5), Sides.NONE),
        ("pelvic-tilts-rocking", Range(10, 15), Sides.NONE),
    ],
)
def test_reps_and_sides(ident, reps, sides):
    assert ex(ident).reps == reps
    assert ex(ident).sides is sides


@pytest.mark.parametrize(
    ("ident", "amount", "unit"),
    [
        ("pelvic-tilt", Range(5, 5), Unit.SECONDS),
        ("knee-to-chest", Range(10, 10), Unit.SECONDS),
        ("double-knee-to-chest", Range(10, 10), Unit.SECONDS),
        ("lower-trunk-rotation", Range(3, 5), Unit.SECONDS),
        ("hamstring-stretch", Range(10, 20), Unit.SECONDS),
        ("bridge", Range(3, 5), Unit.SECONDS),
        ("bottom-to-heels", Range(1, 1), Unit.BREATHS),
        ("knee-rolls", Range(1, 1), Unit.BREATHS),
        ("back-extensions", Range(5, 10), Unit.SECONDS),
        ("deep-abdominal", Range(5, 10), Unit.BREATHS),
    ],
)
def test_holds(ident, amount, unit):
    assert hold_of(ident).amount == amount
    assert hold_of(ident).unit is unit


def test_breath_direction():
    rolls = ex("stomach-rolls").phases
    assert [p.breath for p in rolls] == [
        Breath.IN,
        Breath.OUT,
    ]  # in rolling forward, out rolling back
    spine = ex("spine-stretch").phases
    assert [p.breath for p in spine] == [Breath.OUT, Breath.IN]  # out rounding, in stacking up
    assert ex("pelvic-tilt").phases[0].breath is Breath.OUT
    assert ex("deep-abdominal").phases[0].breath is Breath.OUT


def test_middle_back_rolling_is_a_sequence_in_three_parts_led_by_knee_hip_or_head():
    rolling = ex("middle-back-rolling")
    assert rolling.kind is Kind.SEQUENCE
    assert len(rolling.parts) == 3
    leads = {s.lead for p in rolling.parts for s in p.steps if s.lead}
    assert leads == {"hip", "head"}
    assert "knee" in rolling.parts[0].steps[0].cue
    towards = [s.toward for p in rolling.parts for s in p.steps]
    assert {"left", "right"} <= set(towards)


def test_routines_keep_the_articles_order():
    assert [i.exercise for i in CATALOG.routines["healthy-back"].items] == [
        "pelvic-tilt",
        "knee-to-chest",
        "double-knee-to-chest",
        "lower-trunk-rotation",
        "hamstring-stretch",
        "bridge",
    ]
    assert [i.exercise for i in CATALOG.routines["low-back-daily"].items] == [
        "bottom-to-heels",
        "knee-rolls",
        "back-extensions",
        "deep-abdominal",
        "pelvic-tilts-rocking",
    ]


def test_cautions_from_the_articles_are_spoken():
    assert any("earlier steps" in c for c in ex("stomach-rolls").cautions)
    assert any("hurts" in c for c in ex("middle-back-rolling").cautions)


def test_every_exercise_has_setup_and_a_purpose():
    for exercise in CATALOG.exercises.values():
        assert exercise.setup and exercise.purpose and exercise.source


def test_sources_name_the_article_in_words():
    sources = [e.source for e in CATALOG.exercises.values()]
    sources += [r.source for r in CATALOG.routines.values()]
    assert all(s and "seed" not in s.lower() and len(s.split()) >= 3 for s in sources), sources
