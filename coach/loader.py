"""YAML definitions -> model, with every error pointing at FILE:LINE.

The YAML is composed into nodes with PyYAML's safe loader and read by hand, never constructed:
no tag can build an object, every value keeps its line for messages, and aliases are counted so
a "billion laughs" file is refused instead of expanded.
"""

from __future__ import annotations

import difflib
import math
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TypeVar, overload

import yaml

from coach.errors import DefinitionError
from coach.model import (
    Breath,
    Count,
    Exercise,
    Item,
    Kind,
    Lead,
    Origin,
    Part,
    Phase,
    Range,
    Routine,
    Side,
    Sides,
    Span,
    Step,
    Unit,
)

# libyaml's composer when PyYAML was built with it (it is ten times faster); nodes are the same.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_FILE_BYTES = 1_000_000
MAX_NODES = 50_000  # after alias expansion; the whole built-in library is under 2,000
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DEFAULT_MOVE = Span(Range.exactly(3), Unit.SECONDS)
PLACEHOLDERS = {"side", "other", "hold"}

_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class Definitions:
    """What one file defines, in file order."""

    path: str
    exercises: tuple[Exercise, ...]
    routines: tuple[Routine, ...]


def load_file(path: Path | str) -> Definitions:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise DefinitionError(path, None, f"cannot read: {error.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise DefinitionError(
            path, None, f"file is {size:,} bytes; definitions are limited to {MAX_FILE_BYTES:,}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DefinitionError(path, None, f"not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise DefinitionError(path, None, f"cannot read: {error.strerror}") from None
    return load_text(text, str(path))


def load_text(text: str, path: str = "<text>") -> Definitions:
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise DefinitionError(path, line, f"invalid YAML: {error.problem or error}") from None
    except yaml.YAMLError as error:
        raise DefinitionError(path, None, f"invalid YAML: {error}") from None
    if root is None:
        raise DefinitionError(path, 1, "the file is empty; expected 'exercises:' or 'routines:'")
    reader = _Reader(path)
    top = reader.mapping(root, "the file")
    exercises = tuple(reader.exercise(node) for node in top.seq("exercises"))
    routines = tuple(reader.routine(node) for node in top.seq("routines"))
    top.done()
    if not exercises and not routines:
        raise DefinitionError(path, top.line, "defines nothing: add 'exercises:' or 'routines:'")
    _check_unique(path, [(e.id, e.origin) for e in exercises], "exercise")
    _check_unique(path, [(r.id, r.origin) for r in routines], "routine")
    return Definitions(path, exercises, routines)


def suggest(name: str, choices: list[str] | set[str] | tuple[str, ...]) -> str:
    """' (did you mean X?)' for the nearest names, or ''."""
    close = difflib.get_close_matches(name, sorted(choices), n=3, cutoff=0.6)
    if not close:
        return ""
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)"


def _check_unique(path: str, pairs: list[tuple[str, Origin | None]], what: str) -> None:
    seen: dict[str, Origin | None] = {}
    for ident, origin in pairs:
        if ident in seen:
            first = seen[ident]
            first_line = first.line if first else "?"
            raise DefinitionError(
                path,
                origin.line if origin else None,
                f"{what} id {ident!r} is defined twice (first at line {first_line})",
            )
        seen[ident] = origin


class _Reader:
    """Reads nodes of one file, counting them to refuse alias bombs."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.nodes = 0

    def fail(self, node: yaml.Node, message: str) -> DefinitionError:
        return DefinitionError(self.path, node.start_mark.line + 1, message)

    def visit(self, node: yaml.Node) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(node, f"more than {MAX_NODES:,} values (too many aliases?)")
        if node.tag not in _STANDARD_TAGS:
            raise self.fail(node, f"tag {node.tag!r} is not allowed; use plain YAML values")

    def mapping(self, node: yaml.Node, what: str) -> _Map:
        self.visit(node)
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping of 'key: value' lines")
        return _Map(self, node, what)

    # -- exercises ---------------------------------------------------------------------------

    def exercise(self, node: yaml.Node) -> Exercise:
        m = self.mapping(node, "an exercise")
        ident = m.ident("id")
        kind = m.enum("kind", Kind, Kind.REPS)
        name = m.text("name")
        purpose = m.text("purpose")
        setup = m.texts("setup", required=True)
        sides = m.enum("sides", Sides, Sides.NONE)
        first_side = m.enum("first_side", Side, Side.RIGHT)
        phases: tuple[Phase, ...] = ()
        parts: tuple[Part, ...] = ()
        if kind is Kind.REPS:
            phases = tuple(self.phase(n) for n in m.seq("phases", required=True))
            reps = m.range("reps", Range.exactly(1), whole=True, low=1, high=100)
        else:
            parts = tuple(self.part(n) for n in m.seq("parts", required=True))
            reps = Range.exactly(1)
            for key in ("phases", "reps"):
                if key in m:
                    raise m.fail_at(key, f"a sequence exercise has parts and steps, not {key!r}")
        exercise = Exercise(
            id=ident,
            name=name,
            purpose=purpose,
            kind=kind,
            setup=setup,
            phases=phases,
            parts=parts,
            reps=reps,
            sets=int(m.number("sets", 1, low=1, high=10, whole=True)),
            rest=m.number("rest", 20, low=0, high=600),
            sides=sides,
            first_side=first_side,
            tips=m.texts("tips"),
            cautions=m.texts("cautions"),
            source=m.optional_text("source"),
            origin=Origin(self.path, m.line),
        )
        m.done()
        self.check_cues(m, exercise)
        return exercise

    def phase(self, node: yaml.Node) -> Phase:
        m = self.mapping(node, "a phase")
        cue = m.text("cue")
        short = m.optional_text("short")
        if "hold" in m:
            if "length" in m:
                raise m.fail_at("length", "a hold phase gives its length as 'hold:', not 'length:'")
            phase = Phase(
                cue=cue,
                short=short,
                breath=m.enum("breath", Breath, Breath.NATURAL),
                length=m.span("hold", None),
                hold=True,
                count=m.enum("count", Count, Count.ALOUD),
            )
        else:
            if "count" in m:
                raise m.fail_at("count", "'count' belongs to a hold phase (one with 'hold:')")
            phase = Phase(
                cue=cue,
                short=short,
                breath=m.enum("breath", Breath, Breath.NATURAL),
                length=m.span("length", DEFAULT_MOVE),
            )
        m.done()
        return phase

    def part(self, node: yaml.Node) -> Part:
        m = self.mapping(node, "a part")
        part = Part(title=m.text("title"), steps=tuple(self.step(n) for n in m.seq("steps", True)))
        m.done()
        return part

    def step(self, node: yaml.Node) -> Step:
        m = self.mapping(node, "a step")
        lead = m.enum("lead", Lead, None)
        toward = m.enum("toward", Side, None)
        step = Step(
            cue=m.text("cue"), length=m.span("length", DEFAULT_MOVE), lead=lead, toward=toward
        )
        m.done()
        return step

    def check_cues(self, m: _Map, exercise: Exercise) -> None:
        said_side = False
        for index, phase in enumerate(exercise.phases):
            for text in filter(None, (phase.cue, phase.short)):
                fields = _placeholders(text)
                unknown = fields - PLACEHOLDERS
                where = m.child_line("phases", index)
                if unknown:
                    name = sorted(unknown)[0]
                    raise DefinitionError(
                        self.path,
                        where,
                        f"unknown placeholder {{{name}}} in {text!r}; "
                        "use {side}, {other} or {hold}",
                    )
                if fields & {"side", "other"}:
                    if exercise.sides is Sides.NONE:
                        raise DefinitionError(
                            self.path,
                            where,
                            f"{text!r} names a side but the exercise has 'sides: none'",
                        )
                    said_side = True
                if "hold" in fields and not phase.hold:
                    raise DefinitionError(
                        self.path, where, f"{{hold}} is only known in a hold phase: {text!r}"
                    )
        if exercise.sides is Sides.ALTERNATE and not said_side:
            raise m.fail_at(
                "sides",
                "'sides: alternate' needs {side} in a phase cue, "
                "so the listener hears which way to go",
            )

    # -- routines ----------------------------------------------------------------------------

    def routine(self, node: yaml.Node) -> Routine:
        m = self.mapping(node, "a routine")
        routine = Routine(
            id=m.ident("id"),
            name=m.text("name"),
            description=m.text("description"),
            items=tuple(self.item(n) for n in m.seq("exercises", required=True)),
            rest=m.number("rest", 10, low=0, high=600),
            opening=m.texts("opening"),
            closing=m.texts("closing"),
            source=m.optional_text("source"),
            origin=Origin(self.path, m.line),
        )
        m.done()
        return routine

    def item(self, node: yaml.Node) -> Item:
        if isinstance(node, yaml.ScalarNode):
            self.visit(node)
            return Item(self.ident(node), origin=Origin(self.path, node.start_mark.line + 1))
        m = self.mapping(node, "a routine entry")
        sets = m.number("sets", None, low=1, high=10, whole=True)
        item = Item(
            exercise=m.ident("id"),
            reps=m.range("reps", None, whole=True, low=1, high=100),
            sets=int(sets) if sets is not None else None,
            hold=m.span("hold", None) if "hold" in m else None,
            sides=m.enum("sides", Sides, None),
            rest=m.number("rest", None, low=0, high=600),
            origin=Origin(self.path, m.line),
        )
        m.done()
        return item

    def ident(self, node: yaml.Node) -> str:
        value = self.scalar(node, "an id")
        if not ID_PATTERN.match(value):
            raise self.fail(
                node, f"id {value!r} must be lower-case words joined by '-', like 'knee-to-chest'"
            )
        return value

    def scalar(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            raise self.fail(node, f"{what} must be a single value")
        return str(node.value).strip()


class _Map:
    """One YAML mapping: typed getters that remember which keys were read."""

    def __init__(self, reader: _Reader, node: yaml.MappingNode, what: str) -> None:
        self.reader = reader
        self.node = node
        self.what = what
        self.line = node.start_mark.line + 1
        self.values: dict[str, yaml.Node] = {}
        self.keys: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            reader.visit(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                raise reader.fail(key_node, "keys must be plain words")
            key = str(key_node.value)
            if key in self.values:
                raise reader.fail(key_node, f"{key!r} is given twice in {what}")
            self.values[key] = value_node
            self.keys[key] = key_node
        self.read: set[str] = set()

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def _get(self, key: str) -> yaml.Node | None:
        self.read.add(key)
        node = self.values.get(key)
        if node is not None:
            self.reader.visit(node)
        return node

    def fail_at(self, key: str, message: str) -> DefinitionError:
        node = self.keys.get(key, self.node)
        return self.reader.fail(node, message)

    def child_line(self, key: str, index: int) -> int:
        node = self.values[key]
        assert isinstance(node, yaml.SequenceNode)
        return int(node.value[index].start_mark.line) + 1

    def missing(self, key: str) -> DefinitionError:
        return DefinitionError(self.reader.path, self.line, f"{self.what} needs '{key}:'")

    def done(self) -> None:
        unknown = [k for k in self.values if k not in self.read]
        if unknown:
            key = unknown[0]
            raise self.fail_at(key, f"unknown key {key!r} in {self.what}{suggest(key, self.read)}")

    def ident(self, key: str) -> str:
        node = self._get(key)
        if node is None:
            raise self.missing(key)
        return self.reader.ident(node)

    def optional_text(self, key: str) -> str | None:
        node = self._get(key)
        if node is None:
            return None
        value = self.reader.scalar(node, f"'{key}'")
        if not value:
            raise self.reader.fail(node, f"'{key}' is empty")
        return " ".join(value.split())

    def text(self, key: str) -> str:
        value = self.optional_text(key)
        if value is None:
            raise self.missing(key)
        return value

    def texts(self, key: str, required: bool = False) -> tuple[str, ...]:
        """A list of sentences; a single sentence is accepted as a list of one."""
        node = self._get(key)
        if node is None:
            if required:
                raise self.missing(key)
            return ()
        if isinstance(node, yaml.ScalarNode):
            return (" ".join(self.reader.scalar(node, f"'{key}'").split()),)
        if not isinstance(node, yaml.SequenceNode):
            raise self.reader.fail(node, f"'{key}' must be a list of sentences")
        out = []
        for child in node.value:
            self.reader.visit(child)
            out.append(" ".join(self.reader.scalar(child, f"each line of '{key}'").split()))
        if required and not out:
            raise self.reader.fail(node, f"'{key}' needs at least one line")
        return tuple(out)

    def seq(self, key: str, required: bool = False) -> Iterator[yaml.Node]:
        node = self._get(key)
        if node is None:
            if required:
                raise self.missing(key)
            return iter(())
        if not isinstance(node, yaml.SequenceNode) or (required and not node.value):
            raise self.reader.fail(node, f"'{key}' must be a list (lines starting with '- ')")
        return iter(node.value)

    @overload
    def enum(self, key: str, kind: type[E], default: E) -> E: ...
    @overload
    def enum(self, key: str, kind: type[E], default: None) -> E | None: ...
    def enum(self, key: str, kind: type[E], default: E | None) -> E | None:
        node = self._get(key)
        if node is None:
            return default
        value = self.reader.scalar(node, f"'{key}'").lower()
        try:
            return kind(value)
        except ValueError:
            allowed = [m.value for m in kind]
            raise self.reader.fail(
                node,
                f"'{key}: {value}' is not one of {', '.join(allowed)}{suggest(value, allowed)}",
            ) from None

    @overload
    def number(
        self, key: str, default: float, *, low: float, high: float, whole: bool = False
    ) -> float: ...
    @overload
    def number(
        self, key: str, default: None, *, low: float, high: float, whole: bool = False
    ) -> float | None: ...
    def number(
        self, key: str, default: float | None, *, low: float, high: float, whole: bool = False
    ) -> float | None:
        node = self._get(key)
        if node is None:
            return default
        value = _parse_number(self.reader.scalar(node, f"'{key}'"))
        if value is None or (whole and not value.is_integer()):
            kind = "a whole number" if whole else "a number"
            raise self.reader.fail(node, f"'{key}' must be {kind}, got {node.value!r}")
        if not low <= value <= high:
            raise self.reader.fail(
                node, f"'{key}: {node.value}' is out of range {low:g} to {high:g}"
            )
        return value

    @overload
    def range(self, key: str, default: Range, *, whole: bool, low: float, high: float) -> Range: ...
    @overload
    def range(
        self, key: str, default: None, *, whole: bool, low: float, high: float
    ) -> Range | None: ...
    def range(
        self, key: str, default: Range | None, *, whole: bool, low: float, high: float
    ) -> Range | None:
        node = self._get(key)
        if node is None:
            return default
        text = self.reader.scalar(node, f"'{key}'")
        found = _parse_range(text)
        if found is None or (whole and not (found.low.is_integer() and found.high.is_integer())):
            kind = "whole numbers" if whole else "numbers"
            raise self.reader.fail(node, f"'{key}: {text}' must be {kind} like 10 or '8 to 10'")
        if not low <= found.low <= found.high <= high:
            raise self.reader.fail(
                node, f"'{key}: {text}' must lie within {low:g} to {high:g}, low first"
            )
        return found

    def span(self, key: str, default: Span | None) -> Span:
        node = self._get(key)
        if node is None:
            if default is None:
                raise self.missing(key)
            return default
        text = self.reader.scalar(node, f"'{key}'")
        match = re.fullmatch(r"(.+?)\s*(seconds?|secs?|s|breaths?)?", text.strip())
        found = _parse_range(match.group(1)) if match else None
        if match is None or found is None:
            raise self.reader.fail(
                node, f"'{key}: {text}' must be a length like 5, '10 to 20 seconds' or '1 breath'"
            )
        unit = Unit.BREATHS if (match.group(2) or "").startswith("breath") else Unit.SECONDS
        limit = 20 if unit is Unit.BREATHS else 120
        if not 0 < found.low <= found.high <= limit:
            raise self.reader.fail(
                node, f"'{key}: {text}' must be more than 0 and at most {limit} {unit.value}"
            )
        if unit is Unit.BREATHS and not (found.low.is_integer() and found.high.is_integer()):
            raise self.reader.fail(node, f"'{key}: {text}': count breaths in whole numbers")
        return Span(found, unit)


def _parse_number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _parse_range(text: str) -> Range | None:
    parts = re.split(r"\s*(?:\bto\b|-|–)\s*", text.strip(), maxsplit=1)
    numbers = [_parse_number(p) for p in parts]
    if any(n is None for n in numbers) or not parts[0]:
        return None
    low = numbers[0]
    high = numbers[-1]
    assert low is not None and high is not None
    return Range(low, high)


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"{"}
