import logging
from pathlib import Path

import pytest
from helpers import catalog_with

from coach.definitions.catalog import CUSTOM_ID, build_catalog, builtin_definitions, load_catalog
from coach.definitions.reader import load_text
from coach.errors import DefinitionError, UnknownIdError

EXTRA = """\
exercises:
  - id: side-bend
    name: Side bend
    purpose: For tests.
    setup: Stand tall.
    phases:
      - cue: Bend.
routines:
  - id: bends
    name: Bends
    description: For tests.
    exercises: [side-bend, bridge]
"""


def test_builtin_library_has_every_seed_exercise_and_six_routines():
    catalog, _ = load_catalog()
    assert set(catalog.exercises) == {
        "stomach-rolls",
        "middle-back-rolling",
        "pelvic-tilt",
        "knee-to-chest",
        "double-knee-to-chest",
        "lower-trunk-rotation",
        "hamstring-stretch",
        "bridge",
        "spine-stretch",
        "bottom-to-heels",
        "knee-rolls",
        "back-extensions",
        "deep-abdominal",
        "pelvic-tilts-rocking",
    }
    assert set(catalog.routines) == {
        "posture-rolls",
        "middle-back",
        "healthy-back",
        "seated-spine",
        "low-back-daily",
        "short-daily",
    }


def test_unknown_ids_suggest_the_nearest_names():
    catalog = catalog_with()
    with pytest.raises(
        UnknownIdError, match=r"unknown exercise 'brige' \(did you mean 'bridge'\?\)"
    ):
        catalog.exercise("brige")
    with pytest.raises(UnknownIdError, match=r"did you mean 'healthy-back'"):
        catalog.resolve(["healthy-bak"])


def test_resolve_a_routine_exercise_ids_or_a_file():
    catalog = catalog_with(EXTRA)
    assert catalog.resolve(["healthy-back"]).id == "healthy-back"
    adhoc = catalog.resolve(["pelvic-tilt", "bridge"])
    assert adhoc.id == CUSTOM_ID
    assert [i.exercise for i in adhoc.items] == ["pelvic-tilt", "bridge"]
    files = [load_text(EXTRA, "extra.yaml")]
    assert catalog.resolve(["extra.yaml"], files).id == "bends"


def test_a_file_of_exercises_only_becomes_an_adhoc_session():
    text = EXTRA.split("routines:", maxsplit=1)[0]
    files = [load_text(text, "only.yaml")]
    catalog = build_catalog(builtin_definitions(), files)
    routine = catalog.resolve(["only.yaml"], files)
    assert [i.exercise for i in routine.items] == ["side-bend"]


def test_a_routine_and_exercises_together_are_refused():
    with pytest.raises(UnknownIdError, match="not both"):
        catalog_with().resolve(["healthy-back", "bridge"])


def test_user_files_may_replace_builtins_but_not_each_other():
    override = EXTRA.replace("side-bend", "bridge").replace("[bridge, bridge]", "[bridge]")
    catalog = build_catalog(builtin_definitions(), [load_text(override, "mine.yaml")])
    assert catalog.exercises["bridge"].name == "Side bend"
    with pytest.raises(
        DefinitionError, match=r"other.yaml:2: exercise 'side-bend' is already defined at a.yaml:2"
    ):
        build_catalog(
            builtin_definitions(), [load_text(EXTRA, "a.yaml"), load_text(EXTRA, "other.yaml")]
        )


def test_routines_referring_to_unknown_exercises_point_at_the_entry():
    text = EXTRA.replace("[side-bend, bridge]", "\n      - side-bend\n      - brigde")
    with pytest.raises(
        DefinitionError,
        match=r"t.yaml:14: routine 'bends' uses unknown exercise 'brigde' \(did you mean 'bridge'\?\)",
    ):
        build_catalog(builtin_definitions(), [load_text(text, "t.yaml")])


def test_ids_with_files_take_the_files_as_definitions_only():
    files = [load_text(EXTRA, "extra.yaml")]
    catalog = build_catalog(builtin_definitions(), files)
    assert catalog.resolve(["bends", "extra.yaml"], files).id == "bends"
    assert catalog.resolve(["extra.yaml", "bends"], files).id == "bends"
    adhoc = catalog.resolve(["side-bend", "bridge", "extra.yaml"], files)
    assert [i.exercise for i in adhoc.items] == ["side-bend", "bridge"]
    assert catalog.resolve(["healthy-back", "extra.yaml"], files).id == "healthy-back"


def test_files_with_several_routines_ask_for_one_by_name():
    two = (
        EXTRA
        + "  - id: more-bends\n    name: More\n    description: D.\n    exercises: [side-bend]\n"
    )
    files = [load_text(two, "two.yaml")]
    catalog = build_catalog(builtin_definitions(), files)
    with pytest.raises(
        UnknownIdError,
        match=r"two.yaml holds several routines \(bends, more-bends\): name one; "
        r"for example: coach plan bends two.yaml",
    ):
        catalog.resolve(["two.yaml"], files)
    assert catalog.resolve(["more-bends", "two.yaml"], files).id == "more-bends"


def test_replacing_a_builtin_is_said_once_and_adding_is_not(caplog):
    override = EXTRA.replace("side-bend", "bridge").replace("[bridge, bridge]", "[bridge]")
    with caplog.at_level(logging.INFO, logger="coach"):
        build_catalog(builtin_definitions(), [load_text(override, "mine.yaml")])
        build_catalog(builtin_definitions(), [load_text(EXTRA, "extra.yaml")])
    assert [r.getMessage() for r in caplog.records] == [
        "mine.yaml:2: your exercise 'bridge' replaces the built-in one "
        "(give it another id to keep both)"
    ]


def test_the_readmes_example_is_the_file_in_examples_and_loads():
    root = Path(__file__).resolve().parents[2]
    example = root / "examples" / "my-routine.yaml"
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Definition format", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    assert block == example.read_text(encoding="utf-8")
    catalog, (defs,) = load_catalog([example])
    assert [e.id for e in defs.exercises] == ["knee-hug", "rolling"]
    routine = catalog.resolve(["my-morning", str(example)], [defs])
    assert [i.exercise for i in routine.items] == ["knee-hug", "bridge"]
