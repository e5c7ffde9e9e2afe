"""The import graph of coach/: no circle, no import from a lower layer up to a higher one.

The layers are the pipeline's stages, lowest first. A module may import its own layer and the
layers below; a front end (the CLI, the web page) reaches the rest only through coach.session.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "coach"

LAYERS = [
    ["coach", "coach.errors"],
    ["coach.definitions"],
    ["coach.options"],
    ["coach.script"],
    ["coach.audio"],
    ["coach.voice"],
    ["coach.output", "coach.play"],
    ["coach.doctor", "coach.config"],
    ["coach.session"],
    ["coach.cli", "coach.web", "coach.__main__"],
]
FRONT_ENDS = ("coach.cli", "coach.web")
# What a front end may import besides coach.session: its own package, errors and plain data.
FRONT_END_ALLOWED = (
    "coach.errors",
    "coach.signals",
    "coach.options",
    "coach.script.formats",
    "coach.script.timeline",
    "coach.web",  # for `coach serve`: the CLI starts the web front end (never the reverse)
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Every coach module ``path`` imports at run time, at any depth (lazy imports count too).

    Imports under ``if TYPE_CHECKING:`` are left out: a reference to a type is not a dependency
    at run time, and is how a lower layer may name a higher layer's types.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            node.body = []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "coach" or name.startswith("coach.")}


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {
    name: {i for i in imports(path) if i in MODULES and i != name} for name, path in MODULES.items()
}


def layer(name: str) -> int:
    best = -1, -1  # (layer, length of the matching prefix)
    for index, names in enumerate(LAYERS):
        for prefix in names:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best[1]:
                best = index, len(prefix)
    assert best[0] >= 0, f"{name} is in no layer: add it to LAYERS"
    return best[0]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_upward_import(name):
    upward = sorted(i for i in GRAPH[name] if layer(i) > layer(name))
    assert not upward, f"{name} (layer {layer(name)}) imports higher layers: {upward}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_front_ends_call_only_the_session(name):
    if not name.startswith(FRONT_ENDS):
        return
    own = name.split(".")[:2]
    for target in GRAPH[name]:
        if target.split(".")[:2] == own or target == "coach" or target.startswith("coach.session"):
            continue
        assert target.startswith(FRONT_END_ALLOWED), f"{name} reaches past the session: {target}"


def test_no_import_circle():
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(GRAPH[name]):
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                pytest.fail(f"import circle: {' -> '.join(cycle)}")
            if target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_over_400_lines(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= 400, f"{name} has {lines} lines"


def test_only_the_cli_imports_the_cli():
    for name, targets in GRAPH.items():
        if not name.startswith(("coach.cli", "coach.__main__")):
            assert not any(t.startswith("coach.cli") for t in targets), name
