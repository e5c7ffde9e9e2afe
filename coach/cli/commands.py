"""The commands: each parses its arguments, calls one :mod:`coach.session` function, prints."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coach import session
from coach.cli.app import app
from coach.cli.blocks import (
    BreathTones,
    CacheDir,
    EngineName,
    Format,
    Targets,
    session_options,
    voice_options,
)
from coach.cli.progress import progress_bars
from coach.errors import OptionError
from coach.options import Options
from coach.script.formats import FORMATS
from coach.script.timeline import Timeline, clock

if TYPE_CHECKING:
    from coach.voice.store import Voice


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
    typer.echo(session.show(ident, files or []), nl=False)


@app.command()
@session_options
@voice_options
def plan(
    targets: Targets,
    options: Options,
    speaker: Voice,
    fmt: Format = "text",
    estimate: Annotated[
        bool, typer.Option("--estimate", help="Estimate speech lengths instead of using the voice.")
    ] = False,
) -> None:
    """Print the timed cue sheet of a session and its total length.

    Speech lengths come from the voice itself (synthesized once, then cached), so the times are
    exactly what 'coach export' and 'coach play' with the same options will say.

    Example: coach plan low-back-daily --pace slow --reps 5
    """
    sheet = _format(fmt)
    if estimate:
        timeline = session.plan(targets, options)
    else:
        with progress_bars() as progress:
            timeline = session.voiced_timeline(targets, options, speaker, progress.synthesis)
    typer.echo(sheet(timeline), nl=False)


def _format(name: str) -> Callable[[Timeline], str]:
    if name not in FORMATS:
        raise OptionError(f"--format {name!r} is not a cue sheet format: use {', '.join(FORMATS)}")
    return FORMATS[name]


@app.command()
@session_options
@voice_options
def export(
    targets: Targets,
    output: Annotated[Path, typer.Option("--output", "-o", help="The audio file to write.")],
    options: Options,
    speaker: Voice,
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
    breath_tones: BreathTones = False,
) -> None:
    """Render a session to an audio file to copy to a phone.

    Example: coach export healthy-back -o healthy-back.mp3 --pace slow --reps 8
    """
    options = dataclasses.replace(options, breath_tones=breath_tones)
    with progress_bars() as progress:
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
@session_options
@voice_options
def play(
    targets: Targets,
    options: Options,
    speaker: Voice,
    breath_tones: BreathTones = False,
    start_from: Annotated[
        str | None, typer.Option("--from", help="Start at this exercise id.", show_default=False)
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No display, sound only.")] = False,
) -> None:
    """Play a session aloud, in time. Keys: space pause/resume, n next, p previous, q quit.

    Example: coach play healthy-back --reps 3
    """
    options = dataclasses.replace(options, breath_tones=breath_tones)
    with progress_bars() as progress:
        prepared = session.player(targets, options, speaker, progress=progress.synthesis)
    status = session.play(prepared, start_from, quiet)
    if not status.finished:
        where = f" in {status.exercise}" if status.exercise else ""
        typer.echo(
            f"stopped at {clock(status.position_ms, precise=False)} of "
            f"{clock(status.duration_ms, precise=False)}{where}",
            err=True,
        )


@app.command()
def doctor(cache_dir: CacheDir = None, engine: EngineName = None) -> None:
    """Check each speech engine, ffmpeg, the audio device and the cache; say how to fix each.

    Every engine says a test phrase a few times; the default engine (or --engine) must work,
    the others are reported as optional.

    Example: coach doctor --engine piper
    """
    checks, code = session.doctor(cache_dir, engine)
    for check in checks:
        mark = "ok     " if check.ok else ("absent " if check.optional else "MISSING")
        typer.echo(f"{mark} {check.name:<15} {check.detail}")
        if not check.ok:
            typer.echo(f"        {'':<15} fix: {check.fix}")
    if code:
        raise typer.Exit(code)


@app.command()
def voices(engine: EngineName = None) -> None:
    """List every speech engine, whether it is installed, and its voices.

    Example: coach voices --engine piper
    """
    for item in session.voices(engine):
        default = " (default)" if item.default else ""
        state = "available" if item.problem is None else f"not available: {item.problem}"
        typer.echo(f"{item.id}{default}: {item.summary}; {state}")
        typer.echo(f"  licence: {item.licence}")
        if item.problem is not None:
            typer.echo(f"  install: {item.install}")
        for ident, name in item.voices:
            typer.echo(f"  {ident:<26} {name}")


cache_app = typer.Typer(
    help="The phrase cache.\n\nExample: coach cache clear", no_args_is_help=True
)
app.add_typer(cache_app, name="cache")


@cache_app.command("clear")
def cache_clear(cache_dir: CacheDir = None) -> None:
    """Delete every cached phrase clip.

    Example: coach cache clear
    """
    typer.echo(f"removed {session.clear_cache(cache_dir)} cached clips")


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
