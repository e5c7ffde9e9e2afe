import textwrap

import pytest

from coach.definitions.model import Breath, Count, Kind, Range, Sides, Unit
from coach.definitions.nodes import MAX_FILE_BYTES
from coach.definitions.reader import load_file, load_text
from coach.errors import DefinitionError, ExitCode

GOOD = """\
exercises:
  - id: test-tilt
    name: Test tilt
    purpose: For tests.
    setup: Lie down.
    reps: 8 to 10
    sides: alternate
    phases:
      - cue: Tilt to the {side}.
        breath: out
        length: 2
      - hold: 10 to 20 seconds
        cue: Hold for {hold}.
        count: ticks
      - hold: 1 breath
        cue: Breathe.
      - cue: Back.
        short: Back again.
        breath: in
routines:
  - id: test-routine
    name: Test routine
    description: For tests.
    exercises:
      - test-tilt
      - id: bridge
        reps: 3
        hold: 4
"""


def line_error(text: str) -> DefinitionError:
    with pytest.raises(DefinitionError) as caught:
        load_text(textwrap.dedent(text), "bad.yaml")
    return caught.value


def test_a_full_definition_loads_into_the_model():
    defs = load_text(GOOD, "good.yaml")
    (tilt,) = defs.exercises
    assert tilt.kind is Kind.REPS
    assert tilt.reps == Range(8, 10)
    assert tilt.sides is Sides.ALTERNATE
    assert tilt.setup == ("Lie down.",)
    move, hold, breath_hold, back = tilt.phases
    assert (move.breath, move.length.amount, move.length.unit) == (
        Breath.OUT,
        Range(2, 2),
        Unit.SECONDS,
    )
    assert hold.hold and hold.length.amount == Range(10, 20) and hold.count is Count.TICKS
    assert breath_hold.length.unit is Unit.BREATHS and breath_hold.count is Count.ALOUD
    assert back.short == "Back again." and back.length.amount == Range(3, 3)  # default length
    assert tilt.origin is not None and str(tilt.origin) == "good.yaml:2"
    (routine,) = defs.routines
    assert [i.exercise for i in routine.items] == ["test-tilt", "bridge"]
    assert routine.items[1].reps == Range(3, 3)
    assert routine.items[1].hold is not None and routine.items[1].hold.amount == Range(4, 4)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("exercises:\n  - id: x\n    name: [unclosed\n", 4, "invalid YAML"),
        ("", 1, "the file is empty"),
        ("just a string\n", 1, "must be a mapping"),
        ("exercises: []\n", 1, "defines nothing"),
        (
            "exercise:\n  - id: x\n",
            1,
            "unknown key 'exercise' in the file (did you mean 'exercises'?)",
        ),
        (
            "exercises:\n  - id: a\n    name: A\n    purpose: P\n    setup: S\n    phases:\n"
            "      - cue: Go.\n        breath: sideways\n",
            8,
            "'breath: sideways' is not one of in, out, hold, natural",
        ),
        (
            "exercises:\n  - id: a\n    name: A\n    purpose: P\n    setup: S\n    rep: 3\n"
            "    phases:\n      - cue: Go.\n",
            6,
            "unknown key 'rep' in an exercise (did you mean 'reps'?)",
        ),
        (
            "exercises:\n  - id: a\n    name: A\n    purpose: P\n    setup: S\n    reps: 10 to 8\n"
            "    phases:\n      - cue: Go.\n",
            6,
            "low first",
        ),
        (
            "exercises:\n  - id: a\n    name: A\n    purpose: P\n    setup: S\n    reps: lots\n"
            "    phases:\n      - cue: Go.\n",
            6,
            "must be whole numbers like 10 or '8 to 10'",
        ),
        (
            "exercises:\n  - id: a\n    name: A\n    purpose: P\n    setup: S\n    reps: 1000\n"
            "    phases:\n      - cue: Go.\n",
            6,
            "within 1 to 100",
        ),
        (
            "exercises:\n  - id: a\n    name: A\n    purpose: P\n    setup: S\n    phases:\n"
            "      - cue: Go.\n        hold: a while\n",
            8,
            "must be a length like 5",
        ),
        (
            "exercises:\n  - id: a\n    name: A\n    purpose: P\n    setup: S\n    phases:\n"
            "      - cue: Go.\n        hold: 500\n",
            8,
            "at most 120 seconds",
        ),
        ("exercises:\n  - id: Bad_Id\n", 2, "must be lower-case words joined by '-'"),
        ("exercises:\n  - id: a\n    purpose: P\n", 2, "an exercise needs 'name:'"),
        (
            "exercises:\n  - id: a\n    name: A\n    purpose: P\n    setup: S\n    phases:\n"
            "      - cue: Go {left}.\n",
            7,
            "unknown placeholder {left}",
        ),
        (
            "exercises:\n  - id: a\n    name: A\n    purpose: P\n    setup: S\n    phases:\n"
            "      - cue: Go {side}.\n",
            7,
            "names a side but the exercise has 'sides: none'",
        ),
        (
            "exercises:\n  - id: a\n    name: A\n    purpose: P\n    setup: S\n    sides: alternate\n"
            "    phases:\n      - cue: Go.\n",
            6,
            "'sides: alternate' needs {side}",
        ),
        (
            "exercises:\n  - id: a\n    name: A\n    purpose: P\n    setup: S\n    kind: sequence\n"
            "    reps: 3\n    parts:\n      - title: T\n        steps:\n          - cue: Roll.\n",
            7,
            "a sequence exercise has parts and steps, not 'reps'",
        ),
        (
            "exercises:\n  - id: a\n    name: A\n    purpose: P\n    setup: S\n    phases:\n"
            "      - cue: Go.\n        count: aloud\n",
            8,
            "'count' belongs to a hold phase",
        ),
        (
            "exercises:\n  - id: a\n    name: A\n    name: B\n",
            4,
            "'name' is given twice",
        ),
        (
            "routines:\n  - id: r\n    name: R\n    description: D\n    exercises: []\n",
            5,
            "must be a list",
        ),
    ],
)
def test_malformed_definitions_name_the_line_and_the_problem(text, line, message):
    error = line_error(text)
    assert error.line == line, str(error)
    assert message in str(error)
    assert str(error).startswith(f"bad.yaml:{line}: ")
    assert error.exit_code == ExitCode.BAD_INPUT


def test_object_tags_are_refused_not_constructed():
    error = line_error("exercises: !!python/object/apply:os.system ['echo hacked']\n")
    assert "tag" in str(error) and "not allowed" in str(error)


def test_alias_bombs_are_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for index, name in enumerate("bcdefgh"):
        prev = "abcdefgh"[index]
        bomb += f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    bomb += "exercises:\n  - id: x\n    name: *h\n"
    error = line_error(bomb)
    assert "too many aliases" in str(error) or "single value" in str(error)


def test_alias_expansion_limit(monkeypatch):
    import coach.definitions.nodes

    monkeypatch.setattr(coach.definitions.nodes, "MAX_NODES", 20)
    error = line_error(GOOD)
    assert "more than 20 values" in str(error)


def test_oversized_files_are_refused(write):
    path = write("# " + "x" * MAX_FILE_BYTES)
    with pytest.raises(DefinitionError, match="definitions are limited to"):
        load_file(path)


def test_missing_and_binary_files(write, tmp_path):
    with pytest.raises(DefinitionError, match="cannot read"):
        load_file(tmp_path / "absent.yaml")
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(DefinitionError, match="not UTF-8"):
        load_file(binary)


def test_duplicate_ids_in_one_file_point_at_the_second():
    text = GOOD.replace(
        "routines:",
        GOOD.split("routines:", maxsplit=1)[0].replace("exercises:\n", "") + "routines:",
    )
    error = line_error(text)
    assert "defined twice (first at line 2)" in str(error)


def test_sequence_exercise_parts_and_steps():
    defs = load_text(
        "exercises:\n  - id: roll\n    name: Roll\n    purpose: P\n    setup: S\n    kind: sequence\n"
        "    parts:\n      - title: Part one\n        steps:\n          - cue: Knee leads.\n"
        "            lead: knee\n            toward: left\n            length: 8\n",
        "seq.yaml",
    )
    (roll,) = defs.exercises
    assert roll.kind is Kind.SEQUENCE and not roll.counted
    (step,) = roll.parts[0].steps
    assert (step.lead, step.toward, step.length.amount) == ("knee", "left", Range(8, 8))
