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
    from coach.voice.store import Voice


T = TypeVar("T")
Block = dict[str, tuple[Any, Any]]  # parameter name -> (annotation, default)

SESSION_OPTIONS: Block = {
    "pace": (
        Annotated[str, typer.Option(help="slow, normal, fast, or a speed factor from 0.5 to 2.0.")],
        "normal",
    ),
    "reps": (
        Annotated[
            list[str] | None,
            typer.Option(help="Reps for every counted exercise (per side), or EXERCISE=N."),
        ],
        None,
    ),
    "sets": (Annotated[int | None, typer.Option(help="Sets for every exercise (1 to 10).")], None),
    "hold": (
        Annotated[float | None, typer.Option(help="Make every hold last this many seconds.")],
        None,
    ),
    "rest": (
        Annotated[float | None, typer.Option(help="Seconds of rest between sets and exercises.")],
        None,
    ),
    "level": (
        Annotated[
            str, typer.Option(help="beginner, standard or advanced: low, middle or high of ranges.")
        ],
        "standard",
    ),
    "only": (
        Annotated[
            list[str] | None,
            typer.Option(help="Only these exercise ids (repeat or comma-separate)."),
        ],
        None,
    ),
    "skip": (
        Annotated[
            list[str] | None,
            typer.Option(help="Leave out these exercise ids (repeat or comma-separate)."),
        ],
        None,
    ),
}

EngineName = Annotated[
    str | None,
    typer.Option("--engine", help="Only this speech engine.", show_default=False),
]

CacheDir = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="Where synthesized phrases are kept.", show_default=False),
]

VOICE_OPTIONS: Block = {
    "engine": (
        Annotated[
            str,
            typer.Option(
                help="The speech engine: pyttsx3, piper or festival (see 'coach voices')."
            ),
        ],
        "pyttsx3",
    ),
    "voice": (
        Annotated[
            str | None,
            typer.Option(
                help="The engine's voice: en-us+f3 (pyttsx3), joe or PATH.onnx (piper), slt "
                "(festival); see 'coach voices'."
            ),
        ],
        None,
    ),
    "rate": (
        Annotated[int, typer.Option(help="Speaking rate in words per minute (80 to 300).")],
        150,
    ),
    "cache_dir": (CacheDir, None),
}


def _session_options(
    pace: str,
    reps: list[str] | None,
    sets: int | None,
    hold: float | None,
    rest: float | None,
    level: str,
    only: list[str] | None,
    skip: list[str] | None,
) -> Options:
    return Options.from_strings(
        pace=pace, reps=reps or (), sets=sets, hold=hold, rest=rest, level=level,
        only=only or (), skip=skip or (),
    )  # fmt: skip


def _voice(engine: str, voice: str | None, rate: int, cache_dir: Path | None) -> Voice:
    return session.voice(engine, voice, rate, cache_dir)


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

Targets = Annotated[
    list[str],
    typer.Argument(help="A routine id, exercise ids, or a definition file.", show_default=False),
]
BreathTones = Annotated[
    bool,
    typer.Option(
        "--breath-tones", help="A soft rising tone on each inhale, falling on each exhale."
    ),
]
Format = Annotated[
    str, typer.Option("--format", "-f", help=f"Cue sheet format: {', '.join(FORMATS)}.")
]
