"""The tool commands: check the machine, list voices, manage the cache, validate files, serve.

Help texts end with an "Examples:" block (``\\b`` keeps click from rewrapping it); the first
example is also what a usage error for a missing argument suggests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coach import session
from coach.cli.app import _CoachTyper, app
from coach.cli.blocks import CacheDir, EngineName
from coach.cli.words import count


@app.command(short_help="Check each engine, ffmpeg, the sound card and the cache.")
def doctor(cache_dir: CacheDir = None, engine: EngineName = None) -> None:
    """Check each speech engine, ffmpeg, the audio device and the cache; say how to fix each.

    Every engine says a test phrase a few times; the default engine (or --engine) must work,
    the others are reported as optional.

    Examples:

    \b
      coach doctor
      coach doctor --engine piper
    """
    checks, code = session.doctor(_cache_dir(cache_dir), engine)
    for check in checks:
        mark = "ok     " if check.ok else ("absent " if check.optional else "MISSING")
        typer.echo(f"{mark} {check.name:<15} {check.detail}")
        if not check.ok:
            typer.echo(f"        {'':<15} fix: {check.fix}")
    if code:
        raise typer.Exit(code)


@app.command(short_help="List the speech engines and their voices.")
def voices(engine: EngineName = None) -> None:
    """List every speech engine, whether it is installed, and its voices (for --voice).

    Examples:

    \b
      coach voices
      coach voices --engine piper
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


cache_app = _CoachTyper(
    help="The phrase cache: every spoken phrase is synthesized once and kept.\n\n"
    "Examples:\n\n\b\n  coach cache clear",
)
app.add_typer(cache_app, name="cache", short_help="Manage the phrase cache.")


@cache_app.callback(invoke_without_command=True)
def _cache(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


@cache_app.command("clear", short_help="Delete every cached phrase clip.")
def cache_clear(cache_dir: CacheDir = None) -> None:
    """Delete every cached phrase clip; they are made again when next needed.

    Examples:

    \b
      coach cache clear
    """
    typer.echo(f"removed {count(session.clear_cache(_cache_dir(cache_dir)), 'cached clip')}")


def _cache_dir(given: Path | None) -> Path:
    return Path(str(session.settings({"cache_dir": given})["cache_dir"]))


@app.command(short_help="Check your definition files.")
def validate(
    files: Annotated[
        list[str],
        typer.Argument(metavar="FILE...", help="Definition files to check.", show_default=False),
    ],
) -> None:
    """Check definition files; name the file and line of the first problem.

    Examples:

    \b
      coach validate examples/my-routine.yaml
    """
    for defs in session.validate(files):
        typer.echo(
            f"{defs.path}: ok ({count(len(defs.exercises), 'exercise')}, "
            f"{count(len(defs.routines), 'routine')})"
        )


@app.command(short_help="Serve a page and a podcast feed for your phone.")
def serve(
    port: Annotated[int, typer.Option(help="The port to listen on (0: any free one).")] = 8765,
    lan: Annotated[
        bool,
        typer.Option(
            "--lan", help="Listen on the home network, every address behind a secret token."
        ),
    ] = False,
    bind: Annotated[
        str | None,
        typer.Option(
            help="Listen on this address instead (e.g. one network's).", show_default=False
        ),
    ] = None,
    new_token: Annotated[
        bool, typer.Option("--new-token", help="Make a new secret token (old links stop working).")
    ] = False,
    cache_dir: CacheDir = None,
    engine: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="The speech engine sessions speak with (default: 'engine' in your config).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve a page to make and play sessions on a phone, and a podcast feed of them.

    Examples:

    \b
      coach serve
      coach serve --lan --engine piper
    """
    from coach.web.server import serve as run

    chosen = session.settings({"engine": engine, "cache_dir": cache_dir})
    folder = chosen["cache_dir"]
    run(
        port, lan, bind, new_token, typer.echo,
        None if folder is None else Path(str(folder)), str(chosen["engine"]),
    )  # fmt: skip
