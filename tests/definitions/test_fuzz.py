"""Fuzzing the built-in YAML: whatever a mutated file is, coach refuses it in one line with its
FILE:LINE, or accepts it and then compiles every routine and exercise in it.

Hypothesis runs derandomized (the same examples every run), with a fixed number of examples
and no deadline: it cannot flake, and it takes a few seconds.
"""

from __future__ import annotations

from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.definitions.catalog import build_catalog, builtin_definitions
from coach.definitions.reader import load_text
from coach.errors import CoachError, DefinitionError
from coach.options import Options
from coach.script.compiler import compile_session

LIBRARY = {
    entry.name: entry.read_text(encoding="utf-8")
    for entry in resources.files("coach.definitions.library").iterdir()
    if entry.name.endswith(".yaml")
}
NASTY = [
    *("{hold:d}", "{hold:{x}}", "{side!z}", "{other}", "{side}", "{hold}", "{", "}", "{x}"),
    *("none", "alternate", "one-then-other", "sequence", "reps", "in", "hold", "ticks"),
    *("0", "-1", "1e309", "nan", ".inf", "600", "600.5", "100", "101", "3 to 1", "1 to 100"),
    *("120 seconds", "121", "20 breaths", "1.5 breaths", "0.1", "99999999999999999999"),
    *("~", "null", "[]", "{}", "[a, b]", "{a: b}", "&a x", "*a", "!!python/object:os.system"),
    *("!!binary aGk=", "'", '"', "|", ">", "- x", "? x", "key: value", "#", "%YAML 1.1"),
    *("\x07", "\x1b[31m", "\u202e", "\ufeff", "\u2028", "\x85", "é", "😀", "\t", "\r"),
    "[" * 30 + "]" * 30,
    "word " * 120,
]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(sorted(LIBRARY)))
    lines = LIBRARY[name].splitlines()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["value", "delete", "copy", "swap", "indent", "char"]))
        filler = draw(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)))
        line = lines[at]
        if action == "value":
            key, colon, _ = line.partition(": ")
            lines[at] = f"{key}{colon}{filler}" if colon else f"{line} {filler}"
        elif action == "delete":
            del lines[at]
        elif action == "copy":
            lines.insert(at, line)
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif action == "indent":
            lines[at] = draw(st.sampled_from(["  ", "", " ", "    "])) + line.lstrip(" ")
        else:
            column = draw(st.integers(0, len(line)))
            lines[at] = line[:column] + filler + line[column:]
        if not lines:
            lines = [""]
    return name, "\n".join(lines) + "\n"


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(mutated())
def test_a_mutated_library_file_is_refused_in_one_line_or_compiles(case: tuple[str, str]):
    name, text = case
    path = f"my-{name}"
    try:
        defs = load_text(text, path)
        catalog = build_catalog(builtin_definitions(), [defs])
    except DefinitionError as error:
        message = str(error)
        assert message.isprintable(), message
        assert error.line is not None and message.startswith(f"{error.path}:{error.line}: ")
        assert len(message) < 400, message
        return
    routines = [*defs.routines, *(catalog.resolve([e.id]) for e in defs.exercises)]
    for routine in routines:
        try:
            timeline = compile_session(routine, catalog.exercises, Options())
        except CoachError as error:  # a documented limit (a session too long), one line
            assert str(error).isprintable()
            continue
        assert timeline.duration_ms > 0


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_the_unmutated_library_compiles(name):
    defs = load_text(LIBRARY[name], name)
    assert defs.exercises or defs.routines
