"""The commands: each parses its arguments, calls one :mod:`coach.session` function, prints."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coach import session
from coach.cli.app import app
from coach.cli.blocks import BreathTones, CacheDir, Format, Targets, session_options, voice_options
from coach.cli.progress import progress_bars
from coach.errors import OptionError
from coach.options import Options
from coach.script.formats import FORMATS
from coach.script.timeline import Timeline, clock

if TYPE_CHECKING:
    from coach.voice.store import Voice


@app.command("list")
@voice_options
def list_command(
    speaker: Voice,
    files: Annotated[
        list[str] | None,
        typer.Argument(help="Extra definition files to include.", show_default=False),
    ] = None,
) -> None:
    """List routines and exercises with their length at default settings.

    A length is what the voice will make of the session once its phrases are cached (after a
    first 'coach plan', 'export' or 'play'); until then it is an estimate, marked with ~.

    Example: coach list
    """
    entries = session.listing(files or [], speaker)
    for kind in ("routine", "exercise"):
        typer.echo(f"{kind.capitalize()}s:")
        for entry in (e for e in entries if e.kind == kind):
            length = ("" if entry.measured else "~") + clock(entry.duration_ms, precise=False)
            typer.echo(f"  {entry.id:<24} {length:>6}  {entry.summary}")
        typer.echo("")
    if not all(e.measured for e in entries):
        typer.echo(
            "~ estimated: the voice has not said every phrase yet ('coach plan ID' measures)."
        )


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
def doctor(cache_dir: CacheDir = None) -> None:
    """Check the voice engine, ffmpeg, the audio device and the cache; say how to fix each.

    Example: coach doctor
    """
    checks, code = session.doctor(cache_dir)
    for check in checks:
        mark = "ok     " if check.ok else "MISSING"
        typer.echo(f"{mark} {check.name:<13} {check.detail}")
        if not check.ok:
            typer.echo(f"        {'':<13} fix: {check.fix}")
    if code:
        raise typer.Exit(code)


@app.command()
def voices() -> None:
    """List the voices the speech engine has.

    Example: coach voices
    """
    for ident, name in session.voices():
        typer.echo(f"{ident:<28} {name}")


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
