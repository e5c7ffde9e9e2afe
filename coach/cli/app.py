"""The typer app and its one catch point.

Every :class:`CoachError` is caught in one place (:class:`_CoachGroup`) and printed as a single
``coach: error: ...`` line with its exit code; ``--traceback`` shows the Python traceback instead.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from coach.errors import CoachError, ExitCode, quote
from coach.signals import report


class _CoachGroup(TyperGroup):
    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except CoachError as error:
            if ctx.meta.get("coach.traceback"):
                raise
            _fail(f"coach: error: {error}", error.exit_code)
        except KeyboardInterrupt as stop:
            # SIGTERM and SIGHUP arrive as Interrupted (see coach.signals), with their own code.
            _fail(report(stop), getattr(stop, "exit_code", ExitCode.INTERRUPTED))
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
                f"coach: internal error: {type(error).__name__}: {quote(str(error), 200)[1:-1]} "
                "(run again with --traceback and report it)",
                ExitCode.FAILURE,
            )


def _fail(message: str, code: int) -> None:
    with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
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


def main() -> None:
    # Typer reads sys.argv; standalone mode turns click's own usage errors into exit code 2.
    app(prog_name="coach")
