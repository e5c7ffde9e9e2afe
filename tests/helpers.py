"""Test helpers: a fake voice length and small definition builders."""

from __future__ import annotations

from coach.definitions.catalog import Catalog, build_catalog, builtin_definitions
from coach.definitions.reader import load_text
from coach.options import Options
from coach.script.compiler import compile_session
from coach.script.timeline import Speech, Timeline


def fake_length(text: str) -> float:
    """A voice that takes 0.3 s per word: simple enough to reason about in assertions."""
    return 0.3 * len(text.split())


def catalog_with(yaml_text: str = "") -> Catalog:
    user = [load_text(yaml_text, "test.yaml")] if yaml_text else []
    return build_catalog(builtin_definitions(), user)


def compile_ids(
    *ids: str, options: Options | None = None, yaml_text: str = "", length=fake_length
) -> Timeline:
    catalog = catalog_with(yaml_text)
    routine = catalog.resolve(list(ids))
    return compile_session(routine, catalog.exercises, options or Options(), length)


def spoken(timeline: Timeline) -> list[str]:
    return [e.text for e in timeline.events if isinstance(e, Speech)]
