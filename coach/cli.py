"""The ``coach`` command: parse, call one library function, print.

Every :class:`CoachError` is caught in one place (:class:`_CoachGroup`) and printed as a single
``coach: error: ...`` line with its exit code; ``--traceback`` shows the Python traceback instead.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from coach import session
from coach.errors import CoachError, ExitCode
from coach.model import Level
from coach.options import Options, parse_pace, parse_reps
from coach.timeline import FORMATS, clock

if TYPE_CHECKING:
    from coach.voice import Voice


class _CoachGroup(TyperGroup):
    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except CoachError as error:
            if ctx.meta.get("coach.traceback"):
                raise
            _fail(f"coach: error: {error}", error.exit_code)
        except KeyboardInterrupt:
            _fail("coach: interrupted", ExitCode.INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (coach list | head): stop quietly, as other tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(ExitCode.FAILURE) from None
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except Exception as error:
            if ctx.meta.get("coach.traceback"):
                raise
            _fail(
                f"coach: internal error: {type(error).__name__}: {error} "
                "(run again with --traceback and report it)",
                ExitCode.FAILURE,
            )


def _fail(message: str, code: int) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


app = typer.Typer(
    cls=_CoachGroup,
    help="A voice-guided coach for back and spine exercises.\n\n"
    "Example: coach plan healthy-back --pace slow --reps 8",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _main(
    ctx: typer.Context,
    show_traceback: Annotated[
        bool, typer.Option("--traceback", help="Show the Python traceback on errors.")
    ] = False,
) -> None:
    ctx.meta["coach.traceback"] = show_traceback


class Format(StrEnum):
    text = "text"
    json = "json"
    vtt = "vtt"


# -- options shared by plan, export and play ---------------------------------------------------

Targets = Annotated[
    list[str],
    typer.Argument(help="A routine id, exercise ids, or a definition file.", show_default=False),
]
Pace = Annotated[
    str, typer.Option("--pace", help="slow, normal, fast, or a speed factor from 0.5 to 2.0.")
]
Reps = Annotated[
    list[str] | None,
    typer.Option("--reps", help="Reps for every counted exercise (per side), or EXERCISE=N."),
]
Sets = Annotated[int | None, typer.Option("--sets", help="Sets for every exercise (1 to 10).")]
Hold = Annotated[
    float | None, typer.Option("--hold", help="Make every hold last this many seconds.")
]
Rest = Annotated[
    float | None, typer.Option("--rest", help="Seconds of rest between sets and exercises.")
]
LevelOpt = Annotated[
    Level, typer.Option("--level", help="Where in each range to land: low, middle or high end.")
]
Only = Annotated[
    list[str] | None,
    typer.Option("--only", help="Only these exercise ids (repeat or comma-separate)."),
]
Skip = Annotated[
    list[str] | None,
    typer.Option("--skip", help="Leave out these exercise ids (repeat or comma-separate)."),
]


VoiceId = Annotated[
    str | None,
    typer.Option("--voice", help="Engine voice id, e.g. en-us or en-us+f3 (see 'coach voices')."),
]
WordsPerMinute = Annotated[
    int, typer.Option("--rate", help="Speaking rate in words per minute (80 to 300).")
]
CacheDir = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="Where synthesized phrases are kept.", show_default=False),
]


def make_voice(voice: str | None, rate: int, cache_dir: Path | None) -> Voice:
    from coach.voice import Voice, VoiceSettings

    return Voice(VoiceSettings(voice, rate), cache_dir)


def make_options(
    pace: str,
    reps: list[str] | None,
    sets: int | None,
    hold: float | None,
    rest: float | None,
    level: Level,
    only: list[str] | None,
    skip: list[str] | None,
    breath_tones: bool = False,
) -> Options:
    overall, per_exercise = parse_reps(reps or [])
    return Options(
        pace=parse_pace(pace),
        reps=overall,
        reps_for=per_exercise,
        sets=sets,
        hold=hold,
        rest=rest,
        level=level,
        only=_split(only),
        skip=_split(skip),
        breath_tones=breath_tones,
    )


def _split(values: list[str] | None) -> tuple[str, ...]:
    return tuple(v.strip() for value in values or [] for v in value.split(",") if v.strip())


# -- commands ----------------------------------------------------------------------------------


@app.command("list")
def list_command(
    files: Annotated[
        list[str] | None,
        typer.Argument(help="Extra definition files to include.", show_default=False),
    ] = None,
) -> None:
    """List routines and exercises with their length at default settings.

    Example: coach list
    """
    entries = session.listing(files or [])
    for kind in ("routine", "exercise"):
        typer.echo(f"{kind.capitalize()}s:")
        for entry in (e for e in entries if e.kind == kind):
            length = clock(entry.duration_ms, precise=False)
            typer.echo(f"  {entry.id:<24} {length:>6}  {entry.summary}")
        typer.echo("")


@app.command()
def show(
    ident: Annotated[str, typer.Argument(metavar="ID", help="An exercise or routine id.")],
    files: Annotated[
        list[str] | None, typer.Argument(help="Extra definition files.", show_default=False)
    ] = None,
) -> None:
    """Show what an exercise or routine contains.

    Example: coach show knee-to-chest
    """
    from coach.describe import describe_exercise, describe_routine
    from coach.model import Routine

    found = session.find(ident, files or [])
    text = describe_routine(found) if isinstance(found, Routine) else describe_exercise(found)
    typer.echo(text, nl=False)


@app.command()
def plan(
    targets: Targets,
    pace: Pace = "normal",
    reps: Reps = None,
    sets: Sets = None,
    hold: Hold = None,
    rest: Rest = None,
    level: LevelOpt = Level.STANDARD,
    only: Only = None,
    skip: Skip = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Cue sheet format.")] = Format.text,
    estimate: Annotated[
        bool, typer.Option("--estimate", help="Estimate speech lengths instead of using the voice.")
    ] = False,
    voice: VoiceId = None,
    rate: WordsPerMinute = 150,
    cache_dir: CacheDir = None,
) -> None:
    """Print the timed cue sheet of a session and its total length.

    Speech lengths come from the voice itself (synthesized once, then cached), so the times are
    exactly what 'coach export' and 'coach play' with the same options will say.

    Example: coach plan low-back-daily --pace slow --reps 5
    """
    options = make_options(pace, reps, sets, hold, rest, level, only, skip)
    if estimate:
        timeline = session.plan(targets, options)
    else:
        with _progress() as progress:
            speaker = make_voice(voice, rate, cache_dir)
            timeline = session.voiced_timeline(targets, options, speaker, progress.synthesis)
    typer.echo(FORMATS[fmt.value](timeline), nl=False)


@app.command()
def export(
    targets: Targets,
    output: Annotated[Path, typer.Option("--output", "-o", help="The audio file to write.")],
    pace: Pace = "normal",
    reps: Reps = None,
    sets: Sets = None,
    hold: Hold = None,
    rest: Rest = None,
    level: LevelOpt = Level.STANDARD,
    only: Only = None,
    skip: Skip = None,
    voice: VoiceId = None,
    rate: WordsPerMinute = 150,
    cache_dir: CacheDir = None,
    audio_format: Annotated[
        str | None, typer.Option("--format", "-f", help="mp3, m4a, ogg or wav (default: from -o).")
    ] = None,
    bitrate: Annotated[
        str | None, typer.Option("--bitrate", help="Constant bitrate, e.g. 64k (default: VBR).")
    ] = None,
    split: Annotated[
        bool, typer.Option("--split", help="One file per exercise, plus an .m3u8 playlist.")
    ] = False,
    cues: Annotated[bool, typer.Option("--cues", help="Also write the cue sheet (.vtt).")] = False,
    breath_tones: Annotated[
        bool,
        typer.Option(
            "--breath-tones", help="A soft rising tone on each inhale, falling on each exhale."
        ),
    ] = False,
) -> None:
    """Render a session to an audio file to copy to a phone.

    Example: coach export healthy-back -o healthy-back.mp3 --pace slow --reps 8
    """
    options = make_options(pace, reps, sets, hold, rest, level, only, skip, breath_tones)
    speaker = make_voice(voice, rate, cache_dir)
    with _progress() as progress:
        result = session.export(
            targets, options, output, speaker, audio_format, bitrate, split, cues,
            progress.synthesis, progress.encoding,
        )  # fmt: skip
    levels = result.levels
    for path in result.files:
        typer.echo(str(path))
    typer.echo(
        f"{clock(result.duration_ms, precise=False)} of audio, "
        f"{levels.loudness + levels.gain_db:.1f} LUFS, "
        f"true peak {levels.true_peak + levels.gain_db:.1f} dBTP before encoding",
        err=True,
    )


@app.command()
def play(
    targets: Targets,
    pace: Pace = "normal",
    reps: Reps = None,
    sets: Sets = None,
    hold: Hold = None,
    rest: Rest = None,
    level: LevelOpt = Level.STANDARD,
    only: Only = None,
    skip: Skip = None,
    voice: VoiceId = None,
    rate: WordsPerMinute = 150,
    cache_dir: CacheDir = None,
    breath_tones: Annotated[
        bool,
        typer.Option(
            "--breath-tones", help="A soft rising tone on each inhale, falling on each exhale."
        ),
    ] = False,
    start_from: Annotated[
        str | None, typer.Option("--from", help="Start at this exercise id.", show_default=False)
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No display, sound only.")] = False,
) -> None:
    """Play a session aloud, in time. Keys: space pause/resume, n next, p previous, q quit.

    Example: coach play healthy-back --reps 3
    """
    from coach.player import run
    from coach.terminal import display, single_keys

    options = make_options(pace, reps, sets, hold, rest, level, only, skip, breath_tones)
    speaker = make_voice(voice, rate, cache_dir)
    with _progress() as progress:
        player = session.player(targets, options, speaker, progress=progress.synthesis)
    start = player.seek_exercise(start_from) if start_from else 0
    controls = sys.stdin.isatty()
    with (
        single_keys() if controls else contextlib.nullcontext(None) as keys,
        display(quiet, controls) as show,
    ):
        player.start(start)
        run(player, keys, show)


@app.command()
def doctor(cache_dir: CacheDir = None) -> None:
    """Check the voice engine, ffmpeg, the audio device and the cache; say how to fix each.

    Example: coach doctor
    """
    from coach.doctor import exit_code, run_checks

    checks = run_checks(cache_dir)
    for check in checks:
        mark = "ok     " if check.ok else "MISSING"
        typer.echo(f"{mark} {check.name:<13} {check.detail}")
        if not check.ok:
            typer.echo(f"        {'':<13} fix: {check.fix}")
    code = exit_code(checks)
    if code:
        raise typer.Exit(code)


@app.command()
def voices() -> None:
    """List the voices the speech engine has.

    Example: coach voices
    """
    from coach.voice import list_voices

    for info in list_voices():
        typer.echo(f"{info.id:<28} {info.name}")


cache_app = typer.Typer(
    help="The phrase cache.\n\nExample: coach cache clear", no_args_is_help=True
)
app.add_typer(cache_app, name="cache")


@cache_app.command("clear")
def cache_clear(cache_dir: CacheDir = None) -> None:
    """Delete every cached phrase clip.

    Example: coach cache clear
    """
    from coach.voice import clear_cache

    typer.echo(f"removed {clear_cache(cache_dir)} cached clips")


class _Progress:
    """Progress bars on stderr when it is a terminal; silent otherwise."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def _update(self, name: str, done: int, total: int) -> None:
        if self.bar is None:
            return
        if name not in self.tasks:
            self.tasks[name] = self.bar.add_task(name, total=total)
        self.bar.update(self.tasks[name], completed=done, total=total)

    def synthesis(self, done: int, total: int) -> None:
        self._update("synthesizing phrases", done, total)

    def encoding(self, done: int, total: int) -> None:
        self._update("encoding", done, total)


@contextmanager
def _progress() -> Iterator[_Progress]:
    progress = _Progress()
    if not sys.stderr.isatty():
        yield progress
        return
    from rich.progress import Progress

    with Progress(transient=True, console=_stderr_console()) as bar:
        progress.bar = bar
        yield progress


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


@app.command()
def validate(
    files: Annotated[
        list[str], typer.Argument(help="Definition files to check.", show_default=False)
    ],
) -> None:
    """Check definition files; name the file and line of the first problem.

    Example: coach validate my-routine.yaml
    """
    for defs in session.validate(files):
        typer.echo(
            f"{defs.path}: ok ({len(defs.exercises)} exercises, {len(defs.routines)} routines)"
        )


def main() -> None:
    # Typer reads sys.argv; standalone mode turns click's own usage errors into exit code 2.
    app(prog_name="coach")


if __name__ == "__main__":  # pragma: no cover
    main()
