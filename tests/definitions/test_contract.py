"""Validation is the compiler's contract: what the reader accepts compiles, and what cannot
compile is refused with FILE:LINE, in one printable line, before any deep recursion."""

from __future__ import annotations

import pytest
from helpers import catalog_with
from typer.testing import CliRunner

from coach.cli import app
from coach.definitions.catalog import load_catalog
from coach.definitions.nodes import MAX_DEPTH, MAX_TEXT
from coach.definitions.reader import MAX_ITEMS, load_file, load_text, placeholders
from coach.errors import DefinitionError, ExitCode
from coach.options import Options
from coach.script.compiler import compile_session

SIDED = """\
exercises:
  - id: tilt
    name: Tilt
    purpose: P
    setup: S
    sides: alternate
    phases:
      - cue: "Tilt to the {side}."
      - hold: 5
        cue: "{cue}"
"""


def sided(cue: str = "Hold for {hold}.") -> str:
    return SIDED.replace("{cue}", cue)


def refused(text: str) -> DefinitionError:
    with pytest.raises(DefinitionError) as caught:
        catalog_with(text)
    return caught.value


@pytest.mark.parametrize(
    "cue",
    [
        *("{hold:d}", "{hold:{x}}", "{side!z}", "{hold!r}", "{hold:>1500000000}", "{0}", "{}"),
        *("{{x}}", "{hold.x}", "{hold[0]}", "}", "{", "Hold {side} {"),
    ],
)
def test_format_specs_and_stray_braces_are_refused_with_the_line(cue):
    error = refused(sided(f"Hold {cue}."))
    assert error.line == 9
    assert "brace" in str(error) or "unknown placeholder" in str(error)


def test_the_closed_placeholder_set_compiles():
    # A hold long enough for its own cue: a short hold hears a shorter one (the script's rule).
    long_hold = sided("Hold {hold} to the {side}, then the {other}.").replace("hold: 5", "hold: 20")
    catalog = catalog_with(long_hold)
    routine = catalog.resolve(["tilt"])
    timeline = compile_session(routine, catalog.exercises, Options(reps=1))
    spoken = [e.text for e in timeline.speech()]
    assert any("to the right, then the left" in text for text in spoken)
    assert placeholders("a {side} b {hold}") == {"side", "hold"}


def test_sides_none_on_a_sided_exercise_compiles_on_its_first_side():
    text = sided() + (
        "routines:\n  - id: r\n    name: R\n    description: D\n    exercises:\n"
        "      - id: tilt\n        sides: none\n"
    )
    catalog = catalog_with(text)
    timeline = compile_session(catalog.routine("r"), catalog.exercises, Options(reps=2))
    spoken = [e.text for e in timeline.speech()]
    assert "Tilt to the right." in spoken and "Tilt to the left." not in spoken


def test_sides_alternate_on_cues_that_never_name_a_side_is_refused_at_the_routine_entry():
    text = (
        "exercises:\n  - id: lift\n    name: Lift\n    purpose: P\n    setup: S\n"
        "    phases:\n      - cue: Lift.\n"
        "routines:\n  - id: r\n    name: R\n    description: D\n    exercises:\n"
        "      - id: lift\n        sides: alternate\n"
    )
    error = refused(text)
    assert error.line == 13 and "'sides: alternate' for 'lift'" in str(error)


def test_sides_overrides_that_fit_the_cues_compile():
    text = sided() + (
        "routines:\n  - id: r\n    name: R\n    description: D\n    exercises:\n"
        "      - id: tilt\n        sides: one-then-other\n      - id: bridge\n        sides: none\n"
    )
    catalog = catalog_with(text)
    timeline = compile_session(catalog.routine("r"), catalog.exercises, Options(reps=1))
    assert timeline.duration_ms > 0


def test_alternate_on_an_exercise_that_never_says_its_side_is_refused():
    text = (
        "routines:\n  - id: r\n    name: R\n    description: D\n    exercises:\n"
        "      - id: bridge\n        sides: alternate\n"
    )
    assert "never say {side}" in str(refused(text))


def test_placeholders_in_sequence_steps_are_refused():
    text = (
        "exercises:\n  - id: roll\n    name: Roll\n    purpose: P\n    setup: S\n"
        "    kind: sequence\n    parts:\n      - title: T\n        steps:\n"
        "          - cue: Roll {side}.\n"
    )
    assert refused(text).line == 10


def test_a_spoken_line_has_a_length_limit():
    error = refused(sided("word " * 1500))
    assert f"under {MAX_TEXT}" in str(error) and error.line == 10
    assert len(str(error)) < 300


def test_a_routine_has_an_item_limit():
    items = "".join("      - bridge\n" for _ in range(40_000))
    text = f"routines:\n  - id: r\n    name: R\n    description: D\n    exercises:\n{items}"
    error = refused(text)
    assert f"at most {MAX_ITEMS}" in str(error) and error.line == 6 + MAX_ITEMS


@pytest.mark.parametrize(
    "deep",
    [
        "[" * 25_000 + "]" * 25_000,
        "".join("\n" + " " * (6 + 2 * i) + "- " for i in range(3000)) + "x",
        "".join("\n" + " " * (6 + 2 * i) + "k:" for i in range(3000)) + " x",
    ],
)
def test_deep_nesting_is_refused_before_composing(deep):
    text = f"exercises:\n  - id: a\n    name: A\n    purpose: P\n    setup: {deep}\n"
    error = refused(text)
    assert f"nested more than {MAX_DEPTH} levels" in str(error)
    assert error.line is not None and error.line >= 5


def test_nesting_within_the_limit_is_judged_by_the_schema():
    text = "exercises:\n  - id: a\n    setup: " + "[" * (MAX_DEPTH - 3) + "]" * (MAX_DEPTH - 3)
    assert "nested" not in str(refused(text))


def test_non_utf8_and_control_characters_give_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(b'exercises:\n  - id: a\n    name: "A\xff"\n')
    with pytest.raises(DefinitionError) as caught:
        load_file(path)
    assert caught.value.line == 3 and "UTF-8" in str(caught.value)
    with pytest.raises(DefinitionError) as caught:
        load_text("exercises:\n  - id: a\n    name: A\x07b\n", "ctl.yaml")
    assert caught.value.line == 3 and "\n" not in str(caught.value)
    assert "U+0007" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        'exercises:\n  - id: a\n    name: A\n    "x\\e]0;pwned\\a\\u202eevil": 1\n',
        'exercises:\n  - id: a\n    name: A\n    purpose: P\n    setup: S\n    reps: "\\e[31m2\\u202e"\n    phases:\n      - cue: Go\n',
        'exercises:\n  - id: a\n    name: A\n    purpose: P\n    setup: S\n    phases:\n      - cue: Go\n        breath: "\\e]0;x\\a\\n2"\n',
        'exercises:\n  - id: "a\\u2028b"\n',
    ],
)
def test_user_text_in_messages_is_escaped_and_one_line(text, tmp_path):
    path = tmp_path / "esc.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == ExitCode.BAD_INPUT
    line = result.output
    assert line.startswith(f"coach: error: {path}:") and line.count("\n") == 1
    assert line.rstrip("\n").isprintable(), line


def test_a_fifo_is_not_read_as_a_definition(tmp_path):
    import os

    fifo = tmp_path / "defs.yaml"
    os.mkfifo(fifo)
    with pytest.raises(DefinitionError, match="not a regular file"):
        load_catalog([fifo])
