"""The ``coach`` command: parse, call one library function, print.

Every :class:`CoachError` is caught in one place (:class:`_CoachGroup`) and printed as a single
``coach: error: ...`` line with its exit code; ``--traceback`` shows the Python traceback instead.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from coach import session
from coach.errors import CoachError, ExitCode
from coach.model import Level
from coach.options import Options, parse_pace, parse_reps
from coach.timeline import FORMATS, clock


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
) -> None:
    """Print the timed cue sheet of a session and its total length.

    Example: coach plan low-back-daily --pace slow --reps 5
    """
    options = make_options(pace, reps, sets, hold, rest, level, only, skip)
    timeline = session.plan(targets, options)
    typer.echo(FORMATS[fmt.value](timeline), nl=False)


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
