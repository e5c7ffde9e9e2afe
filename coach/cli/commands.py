"""The commands: each parses its arguments, calls one :mod:`coach.session` function, prints.

Help texts end with an "Examples:" block (``\\b`` keeps click from rewrapping it); the first
example is also what a usage error for a missing argument suggests.
"""

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
    Format,
    Targets,
    demo_voice_options,
    session_options,
    voice_options,
)
from coach.cli.progress import progress_bars
from coach.cli.words import count, length
from coach.errors import AudioDeviceError, OptionError
from coach.options import Options
from coach.script.formats import FORMATS
from coach.script.timeline import Timeline, clock

if TYPE_CHECKING:
    from coach.output.export import Exported
    from coach.voice.store import Voice

DEMO_ROUTINE = "short-daily"
AUDIO_SUFFIXES = (".mp3", ".m4a", ".ogg", ".wav")

Files = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[FILE]...",
        help="Your own definition files, added to the built-in library.",
        show_default=False,
    ),
]
Verbose = Annotated[
    bool,
    typer.Option(
        "--verbose", "-v", help="Also show the loudness and true peak measured in each file."
    ),
]


@app.command(short_help="Make and play a short session: the place to start.")
@demo_voice_options
def demo(
    ctx: typer.Context,
    speaker: Voice,
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="FILE", help="Where to write the demo.")
    ] = Path(f"{DEMO_ROUTINE}.mp3"),
    verbose: Verbose = False,
) -> None:
    """Export the built-in short-daily session (about eight minutes) to an MP3 with its cue sheet,
    then play it aloud. It speaks with the natural Piper voice when that is installed (as set-up
    does) and you have not chosen an engine; 'coach config set engine piper' makes it yours.

    Without a sound card nothing is played: the demo says where the file is and how to play it,
    and exits 0.

    Examples:

    \b
      coach demo
      coach demo -o ~/Music/short-daily.mp3 --rate 140
    """
    chosen = session.settings()
    options = Options.from_strings(pace=str(chosen["pace"]), level=str(chosen["level"]))
    with progress_bars() as progress:
        result = session.export(
            [DEMO_ROUTINE], options, output, speaker, cues=True,
            synthesis_progress=progress.synthesis, encode_progress=progress.encoding,
        )  # fmt: skip
    _report(result, verbose)
    # Tests hand in a fake audio sink through the context object; everyone else plays for real.
    sink = ctx.obj.get("audio_sink") if isinstance(ctx.obj, dict) else None
    try:
        prepared = session.player([DEMO_ROUTINE], options, speaker, sink=sink)
        status = session.play(prepared)
    except AudioDeviceError:
        typer.echo(
            f"No sound card here, so nothing was played. Your session is ready in {output} "
            f"({length(result.duration_ms)}): copy it to your phone, or play it on "
            f"a computer with sound, e.g. ffplay -nodisp -autoexit {output}",
            err=True,
        )
    else:
        if not status.finished:
            return
    typer.echo(
        "Next: 'coach list' shows every routine; 'coach play healthy-back' plays one live.",
        err=True,
    )


@app.command("list", short_help="List routines and exercises with their lengths.")
@voice_options
def list_command(speaker: Voice, files: Files = None) -> None:
    """List routines and exercises with their length at default settings.

    A length is what the voice will make of the session once its phrases are cached (after a
    first 'coach plan', 'export' or 'play'); until then it is an estimate, marked with ~.

    Examples:

    \b
      coach list
      coach list examples/my-routine.yaml
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


@app.command(short_help="Show what an exercise or routine asks of you.")
def show(
    ident: Annotated[
        str, typer.Argument(metavar="ID", help="An exercise or routine id (see 'coach list').")
    ],
    files: Files = None,
) -> None:
    """Show what an exercise or routine contains: set-up, each movement with its breath and
    length, reps, sets, sides, tips and cautions.

    Examples:

    \b
      coach show knee-to-chest
      coach show my-morning examples/my-routine.yaml
    """
    typer.echo(session.show(ident, files or []), nl=False)


@app.command(short_help="Print a session's timed cue sheet.")
@session_options
@voice_options
def plan(
    targets: Targets,
    options: Options,
    speaker: Voice,
    fmt: Format = "text",
    estimate: Annotated[
        bool,
        typer.Option("--estimate", help="Estimate speech lengths instead of using the voice."),
    ] = False,
) -> None:
    """Print the timed cue sheet of a session and its total length.

    Speech lengths come from the voice itself (synthesized once, then cached), so the times are
    exactly what 'coach export' and 'coach play' with the same options will say.

    Examples:

    \b
      coach plan low-back-daily --pace slow --reps 5
      coach plan pelvic-tilt bridge --level beginner
      coach plan my-morning examples/my-routine.yaml --format json
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


@app.command(short_help="Render a session to an audio file for your phone.")
@session_options
@voice_options
def export(
    targets: Targets,
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="FILE", help="The audio file to write, e.g. back.mp3."
        ),
    ],
    options: Options,
    speaker: Voice,
    audio_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="mp3, m4a, ogg or wav (default: from the file name).",
            show_default=False,
        ),
    ] = None,
    bitrate: Annotated[
        str | None,
        typer.Option(
            metavar="RATE",
            help="Constant bitrate, e.g. 64k (default: speech-quality variable bitrate).",
            show_default=False,
        ),
    ] = None,
    split: Annotated[
        bool, typer.Option("--split", help="One file per exercise, plus an .m3u8 playlist.")
    ] = False,
    cues: Annotated[bool, typer.Option("--cues", help="Also write the cue sheet (.vtt).")] = False,
    breath_tones: BreathTones = False,
    publish: Annotated[
        bool, typer.Option("--publish", help="Also list it in the podcast feed of 'coach serve'.")
    ] = False,
    verbose: Verbose = False,
) -> None:
    """Render a session to an audio file to copy to a phone: normalised in loudness, tagged, with
    a chapter per exercise.

    Examples:

    \b
      coach export healthy-back -o healthy-back.mp3 --pace slow --reps 8
      coach export healthy-back -o back.mp3 --split --cues
    """
    options = dataclasses.replace(options, breath_tones=breath_tones)
    if publish:
        session.check_publish(output, audio_format, split)
    with progress_bars() as progress:
        result = session.export(
            targets, options, output, speaker, audio_format, bitrate, split, cues,
            progress.synthesis, progress.encoding,
        )  # fmt: skip
    _report(result, verbose)
    if publish:
        typer.echo(f"published: {session.publish(targets, options, speaker, output).title}")


def _report(result: Exported, verbose: bool) -> None:
    """The files on stdout (one per line, for scripts); a plain summary on stderr."""
    for path in result.files:
        typer.echo(str(path))
    audio = [p for p in result.files if p.suffix.lower() in AUDIO_SUFFIXES]
    files = f" in {count(len(audio), 'file')}" if len(audio) > 1 else ""
    typer.echo(f"{length(result.duration_ms)} of audio{files}, normalised for phones", err=True)
    if verbose:
        for path in audio:
            measured = session.measure(path)
            typer.echo(
                f"  {path}: {measured.loudness:.1f} LUFS integrated, true peak "
                f"{measured.true_peak:.1f} dBTP (measured in the file)",
                err=True,
            )


@app.command(short_help="Play a session aloud, in time, with keys.")
@session_options
@voice_options
def play(
    targets: Targets,
    options: Options,
    speaker: Voice,
    breath_tones: BreathTones = False,
    start_from: Annotated[
        str | None,
        typer.Option("--from", metavar="EXERCISE", help="Start at this exercise id."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No display, sound only.")] = False,
) -> None:
    """Play a session aloud, in time. Keys: space pause/resume, n next, p previous, q quit.

    Examples:

    \b
      coach play healthy-back --reps 3
      coach play healthy-back --from bridge --quiet
    """
    options = dataclasses.replace(options, breath_tones=breath_tones)
    # No progress bar: the session starts as soon as its opening is spoken, and the display
    # says when it is waiting for the voice.
    status = session.play(session.player(targets, options, speaker), start_from, quiet)
    if not status.finished:
        where = f" in {status.exercise}" if status.exercise else ""
        typer.echo(
            f"stopped at {clock(status.position_ms, precise=False)} of "
            f"{clock(status.duration_ms, precise=False)}{where}",
            err=True,
        )
