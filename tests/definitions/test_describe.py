"""`coach show` text: readable, with no template left in it."""

import re

import pytest

from coach.definitions.catalog import load_catalog
from coach.definitions.describe import describe_exercise, describe_routine
from coach.definitions.reader import load_text

CATALOG, _ = load_catalog()


@pytest.mark.parametrize("ident", sorted(CATALOG.exercises))
def test_no_placeholder_is_left_in_any_builtin_exercise(ident):
    text = describe_exercise(CATALOG.exercises[ident])
    assert not re.search(r"\{\w*\}", text), text


def test_a_sided_exercise_is_shown_for_its_first_side():
    text = describe_exercise(CATALOG.exercises["knee-to-chest"])
    assert "One rep, shown for the right side:" in text
    assert "Bring your right knee up towards your chest" in text
    assert "(later: Right knee to your chest.)" in text
    assert "3 to 5 reps per side, alternating sides, starting on the right; 1 set." in text


def test_holds_other_sides_and_sets_read_as_words():
    defs = load_text(
        "exercises:\n"
        "  - id: reach\n    name: Reach\n    purpose: P\n    setup: S\n"
        "    reps: 1\n    sets: 2\n    rest: 15\n    sides: one-then-other\n    first_side: left\n"
        "    phases:\n"
        "      - cue: Reach with your {side} arm, then look to the {other}.\n"
        "      - hold: 5 to 10\n        cue: Hold it for {hold}.\n",
        "reach.yaml",
    )
    text = describe_exercise(defs.exercises[0])
    assert "Reach with your left arm, then look to the right." in text
    assert "Hold it for 5 to 10 seconds." in text
    assert "1 rep on the left side, then the same on the right; 2 sets, 15 seconds' rest" in text


def test_an_exercise_without_sides_keeps_a_plain_heading():
    text = describe_exercise(CATALOG.exercises["bridge"])
    assert "\nOne rep:\n" in text and "side" not in text.split("One rep:")[1].split("\n\n")[1]


def test_a_routine_lists_its_exercises_in_order():
    text = describe_routine(CATALOG.routines["healthy-back"])
    assert text.startswith("Healthy back (healthy-back)\n")
    assert "  1. pelvic-tilt" in text
