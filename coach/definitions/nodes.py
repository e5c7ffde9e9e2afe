"""The safe YAML layer: text -> composed nodes, read through typed getters with FILE:LINE errors.

The YAML is composed into nodes with PyYAML's safe loader and read by hand, never constructed:
no tag can build an object, every value keeps its line for messages, and aliases are counted so
a "billion laughs" file is refused instead of expanded. Nesting is measured on the parser's
event stream before anything is composed: libyaml's composer recurses in C and would crash on a
file nested thousands deep, while its parser does not recurse at all. The schema (what an
exercise is) lives in :mod:`coach.definitions.reader`; this module knows only mappings, lists
and scalars.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TypeVar, overload

import yaml

from coach.definitions.model import Range, Span, Unit
from coach.errors import DefinitionError, quote, suggest

# libyaml's composer when PyYAML was built with it (it is ten times faster); nodes are the same.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_FILE_BYTES = 1_000_000
MAX_NODES = 50_000  # after alias expansion; the whole built-in library is under 2,000
MAX_DEPTH = 16  # mappings and lists inside each other; the schema itself needs 7
MAX_TEXT = 400  # characters in one spoken line: about 70 words, half a minute of speech
MAX_LINES = 50  # lines in one list of sentences (setup, tips, opening ...)
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}
E = TypeVar("E", bound=StrEnum)


def read_source(path: Path) -> str:
    """The text of a definition file, refused with a clear line if it is too big or not UTF-8."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise DefinitionError(path, None, f"cannot read: {error.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise DefinitionError(
            path, None, f"file is {size:,} bytes; definitions are limited to {MAX_FILE_BYTES:,}"
        )
    if not path.is_file():
        raise DefinitionError(path, None, "not a regular file; give a .yaml file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DefinitionError(path, None, f"cannot read: {error.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DefinitionError(
            path, line, f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8"
        ) from None


def compose(text: str, path: str) -> yaml.Node | None:
    """The document's node tree, after checking its nesting depth on the event stream."""
    try:
        _check_depth(text, path)
        return yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or "not valid YAML"
        if "nesting depth" in problem:
            # libyaml (bundled with PyYAML >= 6.0.3) refuses deep flow nesting while scanning
            # ahead, before _check_depth sees the events: the same refusal, in the same words.
            raise DefinitionError(
                path, line, f"nested more than {MAX_DEPTH} levels deep; flatten it"
            ) from None
        raise DefinitionError(path, line, f"invalid YAML: {problem}") from None
    except yaml.reader.ReaderError as error:
        # A character YAML forbids (a raw control character): its position gives the line.
        line = text.count("\n", 0, error.position) + 1
        raise DefinitionError(
            path, line, f"character U+{error.character:04X} is not allowed in YAML; remove it"
        ) from None
    except yaml.YAMLError as error:
        raise DefinitionError(path, None, f"invalid YAML: {error}") from None


def _check_depth(text: str, path: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else None
                raise DefinitionError(
                    path, line, f"nested more than {MAX_DEPTH} levels deep; flatten it"
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


class Nodes:
    """Reads the nodes of one file, counting them to refuse alias bombs."""

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

    def mapping(self, node: yaml.Node, what: str) -> Map:
        self.visit(node)
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping of 'key: value' lines")
        return Map(self, node, what)

    def ident(self, node: yaml.Node) -> str:
        value = self.scalar(node, "an id")
        if not ID_PATTERN.match(value):
            raise self.fail(
                node,
                f"id {quote(value)} must be lower-case words joined by '-', like 'knee-to-chest'",
            )
        return value

    def scalar(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            raise self.fail(node, f"{what} must be a single value")
        return str(node.value).strip()


class Map:
    """One YAML mapping: typed getters that remember which keys were read."""

    def __init__(self, reader: Nodes, node: yaml.MappingNode, what: str) -> None:
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
                raise reader.fail(key_node, f"{quote(key)} is given twice in {what}")
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
            raise self.fail_at(
                key, f"unknown key {quote(key)} in {self.what}{suggest(key, self.read)}"
            )

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
        return self.sentence(node, key, value)

    def sentence(self, node: yaml.Node, key: str, value: str) -> str:
        """One line of text, whitespace made single spaces, refused if too long to speak."""
        text = " ".join(value.split())
        if len(text) > MAX_TEXT:
            raise self.reader.fail(
                node,
                f"'{key}' is {len(text)} characters long; keep one line under {MAX_TEXT} "
                "and split longer text into several lines",
            )
        return text

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
            return (self.sentence(node, key, self.reader.scalar(node, f"'{key}'")),)
        if not isinstance(node, yaml.SequenceNode):
            raise self.reader.fail(node, f"'{key}' must be a list of sentences")
        self.limit(node, key, MAX_LINES)
        out = []
        for child in node.value:
            self.reader.visit(child)
            line = self.reader.scalar(child, f"each line of '{key}'")
            out.append(self.sentence(child, key, line))
        if required and not out:
            raise self.reader.fail(node, f"'{key}' needs at least one line")
        return tuple(out)

    def seq(self, key: str, required: bool = False, most: int = MAX_LINES) -> Iterator[yaml.Node]:
        node = self._get(key)
        if node is None:
            if required:
                raise self.missing(key)
            return iter(())
        if not isinstance(node, yaml.SequenceNode) or (required and not node.value):
            raise self.reader.fail(node, f"'{key}' must be a list (lines starting with '- ')")
        self.limit(node, key, most)
        return iter(node.value)

    def limit(self, node: yaml.SequenceNode, key: str, most: int) -> None:
        if len(node.value) > most:
            raise self.reader.fail(
                node.value[most],
                f"'{key}' has {len(node.value)} entries; at most {most} are allowed",
            )

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
                f"'{key}: {quote(value)[1:-1]}' is not one of "
                f"{', '.join(allowed)}{suggest(value, allowed)}",
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
        value = parse_number(self.reader.scalar(node, f"'{key}'"))
        if value is None or (whole and not value.is_integer()):
            kind = "a whole number" if whole else "a number"
            raise self.reader.fail(node, f"'{key}' must be {kind}, got {quote(str(node.value))}")
        if not low <= value <= high:
            raise self.reader.fail(
                node, f"'{key}: {quote(str(node.value))[1:-1]}' is out of range {low:g} to {high:g}"
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
        found = parse_range(text)
        if found is None or (whole and not (found.low.is_integer() and found.high.is_integer())):
            kind = "whole numbers" if whole else "numbers"
            raise self.reader.fail(
                node, f"'{key}: {quote(text)[1:-1]}' must be {kind} like 10 or '8 to 10'"
            )
        if not low <= found.low <= found.high <= high:
            raise self.reader.fail(
                node, f"'{key}: {quote(text)[1:-1]}' must lie within {low:g} to {high:g}, low first"
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
        found = parse_range(match.group(1)) if match else None
        if match is None or found is None:
            raise self.reader.fail(
                node,
                f"'{key}: {quote(text)[1:-1]}' must be a length like 5, "
                "'10 to 20 seconds' or '1 breath'",
            )
        unit = Unit.BREATHS if (match.group(2) or "").startswith("breath") else Unit.SECONDS
        limit = 20 if unit is Unit.BREATHS else 120
        if not 0 < found.low <= found.high <= limit:
            raise self.reader.fail(
                node,
                f"'{key}: {quote(text)[1:-1]}' must be more than 0 "
                f"and at most {limit} {unit.value}",
            )
        if unit is Unit.BREATHS and not (found.low.is_integer() and found.high.is_integer()):
            raise self.reader.fail(
                node, f"'{key}: {quote(text)[1:-1]}': count breaths in whole numbers"
            )
        return Span(found, unit)


def parse_number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_range(text: str) -> Range | None:
    parts = re.split(r"\s*(?:\bto\b|-|–)\s*", text.strip(), maxsplit=1)
    numbers = [parse_number(p) for p in parts]
    if any(n is None for n in numbers) or not parts[0]:
        return None
    low = numbers[0]
    high = numbers[-1]
    assert low is not None and high is not None
    return Range(low, high)
