"""All known definitions (the built-in library plus the user's files) and what a target names.

A target on the command line is a routine id, an exercise id or a definition file. The catalog
turns a list of targets into one :class:`Routine`: a named routine as it is, or an ad-hoc routine
made of the exercises given.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from coach.definitions.model import Exercise, Item, Routine, Sides
from coach.definitions.reader import Definitions, load_file, load_text, placeholders
from coach.errors import DefinitionError, UnknownIdError, suggest

CUSTOM_ID = "custom"
# Notices for the person (the CLI prints them as `coach: note: ...`); silent for library users.
_log = logging.getLogger("coach")
T = TypeVar("T", Exercise, Routine)


@dataclass(frozen=True)
class Catalog:
    exercises: Mapping[str, Exercise]
    routines: Mapping[str, Routine]

    def exercise(self, ident: str) -> Exercise:
        try:
            return self.exercises[ident]
        except KeyError:
            raise UnknownIdError(
                f"unknown exercise {ident!r}{suggest(ident, self._names())}",
                hint="'coach list' shows every exercise and routine",
            ) from None

    def routine(self, ident: str) -> Routine:
        try:
            return self.routines[ident]
        except KeyError:
            raise UnknownIdError(
                f"unknown routine {ident!r}{suggest(ident, self._names())}",
                hint="'coach list' shows every exercise and routine",
            ) from None

    def _names(self) -> list[str]:
        return [*self.exercises, *self.routines]

    def resolve(self, targets: Sequence[str], files: Sequence[Definitions] = ()) -> Routine:
        """One routine for the targets.

        With ids among the targets (a routine id, or exercise ids), files only add definitions:
        ``plan my-morning my-routine.yaml`` works as ``show my-morning my-routine.yaml`` does.
        With files alone, a file's one routine is the session, or else all their exercises.
        """
        if not targets:
            raise UnknownIdError("name a routine, exercise ids or a definition file")
        by_path = {d.path: d for d in files}
        ids = [t for t in targets if t not in by_path]
        if ids:
            return self._from_ids(ids)
        given = [by_path[t] for t in targets]
        routines = [r for defs in given for r in defs.routines]
        if len(routines) > 1:
            names = ", ".join(r.id for r in routines)
            raise UnknownIdError(
                f"{' and '.join(d.path for d in given)} hold{'s' if len(given) == 1 else ''} "
                f"several routines ({names}): name one",
                hint=f"for example: coach plan {routines[0].id} {' '.join(targets)}",
            )
        if routines:
            return routines[0]
        return self._adhoc([Item(e.id) for defs in given for e in defs.exercises])

    def _from_ids(self, ids: Sequence[str]) -> Routine:
        routines: list[Routine] = []
        items: list[Item] = []
        for target in ids:
            if target in self.routines:
                routines.append(self.routines[target])
            elif target in self.exercises:
                items.append(Item(target))
            else:
                near = suggest(target, self._names())
                raise UnknownIdError(
                    f"{target!r} is not a routine, an exercise or a file{near}",
                    hint="'coach list' shows every exercise and routine",
                )
        if routines and (items or len(routines) > 1):
            names = ", ".join(r.id for r in routines)
            raise UnknownIdError(
                f"give one routine or a list of exercises, not both (routines given: {names})",
                hint="use --only to pick exercises from a routine",
            )
        return routines[0] if routines else self._adhoc(items)

    def _adhoc(self, items: Sequence[Item]) -> Routine:
        titles = [self.exercise(item.exercise).name for item in items]
        return Routine(
            id=CUSTOM_ID,
            name="Your session",
            description=f"{', '.join(titles)}.",
            items=tuple(items),
        )


@cache
def builtin_definitions() -> tuple[Definitions, ...]:
    folder = resources.files("coach.definitions.library")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            out.append(
                load_text(
                    entry.read_text(encoding="utf-8"), f"coach/definitions/library/{entry.name}"
                )
            )
    return tuple(out)


def load_catalog(paths: Iterable[Path | str] = ()) -> tuple[Catalog, tuple[Definitions, ...]]:
    """The built-in library with the user's files on top (a user's id replaces a built-in one)."""
    user = tuple(load_file(p) for p in paths)
    return build_catalog(builtin_definitions(), user), user


def build_catalog(builtin: Iterable[Definitions], user: Iterable[Definitions]) -> Catalog:
    exercises: dict[str, Exercise] = {}
    routines: dict[str, Routine] = {}
    from_user: set[str] = set()
    for is_user, group in ((False, builtin), (True, user)):
        for defs in group:
            for exercise in defs.exercises:
                _add(exercises, exercise, defs.path, is_user, from_user)
            for routine in defs.routines:
                _add(routines, routine, defs.path, is_user, from_user)
    catalog = Catalog(MappingProxyType(exercises), MappingProxyType(routines))
    _check_references(catalog)
    return catalog


def _add(table: dict[str, T], entry: T, path: str, is_user: bool, from_user: set[str]) -> None:
    kind = type(entry).__name__.lower()
    key = f"{kind}:{entry.id}"
    # A user's file may replace a built-in definition, but not another user definition.
    if entry.id in table and (not is_user or key in from_user):
        raise DefinitionError(
            path,
            entry.origin.line if entry.origin else None,
            f"{kind} {entry.id!r} is already defined at {table[entry.id].origin}",
        )
    if entry.id in table:
        # Said, not silent: a person who copied an example may not mean to replace anything.
        where = entry.origin or path
        _log.info(
            "%s: your %s %r replaces the built-in one (give it another id to keep both)",
            where, kind, entry.id,
        )  # fmt: skip
    table[entry.id] = entry
    if is_user:
        from_user.add(key)


def _check_references(catalog: Catalog) -> None:
    for routine in catalog.routines.values():
        for item in routine.items:
            origin = item.origin or routine.origin
            if item.exercise not in catalog.exercises:
                raise DefinitionError(
                    origin.path if origin else "?",
                    origin.line if origin else None,
                    f"routine {routine.id!r} uses unknown exercise {item.exercise!r}"
                    f"{suggest(item.exercise, list(catalog.exercises))}",
                )
            problem = _sides_problem(item, catalog.exercises[item.exercise])
            if problem:
                raise DefinitionError(
                    origin.path if origin else "?", origin.line if origin else None, problem
                )


def _sides_problem(item: Item, exercise: Exercise) -> str | None:
    """Why the entry's ``sides:`` cannot work with the exercise's cues, or None."""
    if item.sides is None or not exercise.counted:
        return None
    named = [
        text
        for phase in exercise.phases
        for text in filter(None, (phase.cue, phase.short))
        if placeholders(text) & {"side", "other"}
    ]
    # 'sides: none' on a sided exercise is fine: the compiler does it on its first side.
    if item.sides is Sides.ALTERNATE and not named:
        return (
            f"'sides: alternate' for {exercise.id!r}, whose cues never say {{side}}, so the "
            "listener would not hear which way to go; use 'one-then-other'"
        )
    return None
