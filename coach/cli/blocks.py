"""Option groups shared by several commands, each written once.

Typer reads a command's parameters from its signature, so a block's parameters are spliced into
the signature of each command that uses it, and the command receives one built value instead.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, get_type_hints

import typer

from coach import session
from coach.options import Options
from coach.script.formats import FORMATS

if TYPE_CHECKING:
    from coach.config import Settings
    from coach.voice.store import Voice


T = TypeVar("T")
Block = dict[str, tuple[Any, Any]]  # parameter name -> (annotation, default)

# Options whose default may come from the user's config file default to None here: "not given".
SESSION_OPTIONS: Block = {
    "pace": (
        Annotated[
            str | None,
            typer.Option(
                metavar="PACE",
                help="slow, normal, fast, or a speed factor from 0.5 to 2.0 "
                "(default: normal, or 'pace' in your config).",
                show_default=False,
            ),
        ],
        None,
    ),
    "reps": (
        Annotated[
            list[str] | None,
            typer.Option(
                metavar="N|ID=N",
                help="Reps for every counted exercise (per side), or for one: bridge=5. 1 to 100. "
                "Repeatable. Default: from each exercise's range and --level.",
                show_default=False,
            ),
        ],
        None,
    ),
    "sets": (
        Annotated[
            int | None,
            typer.Option(
                metavar="N",
                help="Sets for every exercise, 1 to 10 (default: each exercise's own).",
                show_default=False,
            ),
        ],
        None,
    ),
    "hold": (
        Annotated[
            float | None,
            typer.Option(
                metavar="SECONDS",
                help="Make every hold last this long, 1 to 120 (default: each exercise's own).",
                show_default=False,
            ),
        ],
        None,
    ),
    "rest": (
        Annotated[
            float | None,
            typer.Option(
                metavar="SECONDS",
                help="Rest between sets and exercises, 0 to 600, not scaled by pace "
                "(default: the routine's own).",
                show_default=False,
            ),
        ],
        None,
    ),
    "level": (
        Annotated[
            str | None,
            typer.Option(
                metavar="LEVEL",
                help="beginner, standard or advanced: the low, middle or high end of each range "
                "(default: standard, or 'level' in your config).",
                show_default=False,
            ),
        ],
        None,
    ),
    "guidance": (
        Annotated[
            str | None,
            typer.Option(
                metavar="GUIDANCE",
                help="brief, standard or full: how much the coach says besides counts and "
                "breaths (default: standard, or 'guidance' in your config).",
                show_default=False,
            ),
        ],
        None,
    ),
    "only": (
        Annotated[
            list[str] | None,
            typer.Option(
                metavar="IDS",
                help="Only these exercises of the routine (repeat or comma-separate).",
                show_default=False,
            ),
        ],
        None,
    ),
    "skip": (
        Annotated[
            list[str] | None,
            typer.Option(
                metavar="IDS",
                help="Leave out these exercises (repeat or comma-separate).",
                show_default=False,
            ),
        ],
        None,
    ),
}

EngineName = Annotated[
    str | None,
    typer.Option("--engine", metavar="NAME", help="Only this speech engine.", show_default=False),
]

CacheDir = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        metavar="DIR",
        help="Where spoken phrases are kept (default: your cache folder, $COACH_CACHE_DIR, "
        "or 'cache_dir' in your config).",
        show_default=False,
    ),
]

VOICE_OPTIONS: Block = {
    "engine": (
        Annotated[
            str | None,
            typer.Option(
                metavar="NAME",
                help="The speech engine: pyttsx3, piper or festival (default: pyttsx3, or "
                "'engine' in your config; see 'coach voices').",
                show_default=False,
            ),
        ],
        None,
    ),
    "voice": (
        Annotated[
            str | None,
            typer.Option(
                metavar="ID",
                help="The engine's voice: en-us+f3 (pyttsx3), joe or PATH.onnx (piper), slt "
                "(festival) (default: the engine's own, or 'voice' in your config; see "
                "'coach voices').",
                show_default=False,
            ),
        ],
        None,
    ),
    "rate": (
        Annotated[
            int | None,
            typer.Option(
                metavar="WPM",
                help="Speaking rate in words per minute, 80 to 300 (default: 150, or 'rate' in "
                "your config).",
                show_default=False,
            ),
        ],
        None,
    ),
    "cache_dir": (CacheDir, None),
}


def _session_options(
    pace: str | None,
    reps: list[str] | None,
    sets: int | None,
    hold: float | None,
    rest: float | None,
    level: str | None,
    guidance: str | None,
    only: list[str] | None,
    skip: list[str] | None,
) -> Options:
    chosen = session.settings({"pace": pace, "level": level, "guidance": guidance})
    return Options.from_strings(
        pace=str(chosen["pace"]), reps=reps or (), sets=sets, hold=hold, rest=rest,
        level=str(chosen["level"]), guidance=str(chosen["guidance"]), only=only or (),
        skip=skip or (),
    )  # fmt: skip


def _voice(
    engine: str | None, voice: str | None, rate: int | None, cache_dir: Path | None
) -> Voice:
    return voice_from_settings(
        session.settings({"engine": engine, "voice": voice, "rate": rate, "cache_dir": cache_dir})
    )


def _demo_voice(
    engine: str | None, voice: str | None, rate: int | None, cache_dir: Path | None
) -> Voice:
    """The demo's voice: the natural one when installed, unless the user chose an engine."""
    given = {"engine": engine, "voice": voice, "rate": rate, "cache_dir": cache_dir}
    chosen = session.settings(given)
    if chosen.items["engine"].source == "default" and chosen["voice"] is None:
        natural = session.natural_engine()
        if natural is not None:
            chosen = session.settings({**given, "engine": natural})
    return voice_from_settings(chosen)


def voice_from_settings(chosen: Settings) -> Voice:
    name, rate, cache_dir = chosen["voice"], chosen["rate"], chosen["cache_dir"]
    assert isinstance(rate, int)  # the config validates its own; typer the flag's
    return session.voice(
        str(chosen["engine"]),
        None if name is None else str(name),
        rate,
        None if cache_dir is None else Path(str(cache_dir)),
    )


def _with_block(name: str, block: Block, build: Callable[..., Any]) -> Callable[[T], T]:
    """Add ``block``'s options to a command and hand it ``name=build(**their values)``.

    Typer reads a command's parameters from its signature, so the block's parameters are
    spliced into the signature here instead of being repeated in every command.
    """

    def decorate(command: T) -> T:
        function: Callable[..., Any] = command  # type: ignore[assignment]
        signature = inspect.signature(function)
        kept = [p for p in signature.parameters.values() if p.name != name]
        hints = _hints(function, kept)
        kept = [p.replace(annotation=hints.get(p.name, p.annotation)) for p in kept]
        added = [
            inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
            for key, (kind, default) in block.items()
        ]

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            kwargs[name] = build(**{key: kwargs.pop(key) for key in block})
            return function(*args, **kwargs)

        parameters = [*kept, *added]
        wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
        return wrapper  # type: ignore[return-value]

    return decorate


def _hints(function: Callable[..., Any], parameters: list[inspect.Parameter]) -> dict[str, Any]:
    """The evaluated annotations of ``parameters``, as typer needs them."""

    def probe() -> None: ...

    probe.__annotations__ = {p.name: p.annotation for p in parameters}
    return get_type_hints(probe, function.__globals__, include_extras=True)


session_options = _with_block("options", SESSION_OPTIONS, _session_options)
voice_options = _with_block("speaker", VOICE_OPTIONS, _voice)
demo_voice_options = _with_block("speaker", VOICE_OPTIONS, _demo_voice)

Targets = Annotated[
    list[str],
    typer.Argument(
        metavar="TARGET...",
        help="A routine id, one or more exercise ids, or a definition file; with ids, files "
        "only add definitions (my-morning my-routine.yaml).",
        show_default=False,
    ),
]
BreathTones = Annotated[
    bool,
    typer.Option(
        "--breath-tones", help="A soft rising tone on each inhale, falling on each exhale."
    ),
]
Format = Annotated[
    str,
    typer.Option(
        "--format", "-f", metavar="FORMAT", help=f"Cue sheet format: {', '.join(FORMATS)}."
    ),
]
