"""The typer app and its one catch point.

Every :class:`CoachError` is caught in one place (:class:`_CoachGroup`) and printed as a single
``coach: error: ...`` line with its exit code; ``--traceback`` shows the Python traceback instead.
click's own usage errors (an unknown flag, a missing ``-o``) get the same one-line form, exit 2.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import TyperException

from coach.errors import CoachError, ExitCode, quote, suggest
from coach.signals import report

F = TypeVar("F", bound=Callable[..., Any])


class _CoachGroup(TyperGroup):
    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except TyperException as error:
            # Since typer 0.26, click's exceptions (usage errors among them) are TyperExceptions.
            typer.echo(f"coach: error: {usage_message(error)}", err=True)
            code = error.exit_code
        except typer.Abort:
            typer.echo("coach: interrupted", err=True)
            code = ExitCode.INTERRUPTED
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)

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


def _fail(message: str, code: int) -> NoReturn:
    with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
        typer.echo(message, err=True)
    raise typer.Exit(code)


def usage_message(error: TyperException) -> str:
    """click's wording of a usage error, made one line in coach's style, with a hint."""
    ctx = getattr(error, "ctx", None)
    command = ctx.command_path if ctx is not None else "coach"
    param = getattr(error, "param", None)
    message = error.format_message().strip()
    option = getattr(error, "option_name", None)
    possibilities = getattr(error, "possibilities", None)
    if option and possibilities is not None:
        # An unknown flag: click lists every option; name the nearest one only.
        known = [p for p in possibilities if p != "--help"]
        message = f"{command} has no option {option}{suggest(option, known)}"
    elif param is not None and hasattr(error, "param_type"):
        message = f"{command} needs {_param_name(param)}"
        example = _example(ctx)
        if example:
            return f"{message}; for example: {example}"
        if getattr(param, "help", None):
            message += f" ({_sentence(param.help).rstrip('.')})"
    elif param is not None:
        detail = message.split(": ", 1)[-1]
        if "valid integer" in detail:
            detail = "give a whole number"
        elif "valid number" in detail:
            detail = "give a number"
        message = f"{_param_name(param)}: {_sentence(detail).rstrip('.')}"
    else:
        message = re.sub(r"\.\s*Did you mean (.*)\?$", r" (did you mean \1?)", message)
        message = re.sub(
            r"^Option '([^']+)' requires an argument\.?$", r"\1 needs a value", message
        )
        message = _sentence(message).rstrip(".")
    return f"{message}; see '{command} --help'"


def _param_name(param: Any) -> str:
    opts = [o for o in getattr(param, "opts", []) if o.startswith("-")]
    if opts:
        return "/".join(opts)
    return str(getattr(param, "metavar", None) or param.name).upper()


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _example(ctx: Any) -> str | None:
    """The first example in a command's help ("Examples:" then lines starting "coach ")."""
    text = (ctx.command.help or "") if ctx is not None else ""
    found = re.search(r"^\s*(coach \S.*)$", text.partition("Examples:")[2], re.MULTILINE)
    return found.group(1).strip() if found else None


class _CoachCommand(TyperCommand):
    """A command whose help names its arguments as a manual would: ``TARGET...``, ``[FILE]...``.

    (typer writes ``{TARGET}...`` and ``TARGET <list[str]>``, which read like internals.)
    """

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(_argument_name(param))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: typer.Context, formatter: Any) -> None:  # type: ignore[override]
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append((_argument_name(param), record[1]))
            else:
                options.append(record)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _argument_name(param: Any) -> str:
    name = str(param.metavar or param.name.upper())
    if param.nargs != 1 and not name.endswith("..."):
        name += "..."
    return name


class _CoachTyper(typer.Typer):
    """Every command registered on it is a :class:`_CoachCommand`."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        kwargs.setdefault("cls", _CoachCommand)
        decorate: Callable[[F], F] = super().command(*args, **kwargs)
        return decorate


app = _CoachTyper(
    cls=_CoachGroup,
    help="A voice-guided coach for back and spine exercises: it reads a routine aloud, in time "
    "with your breath and reps, live or into an audio file for your phone.\n\n"
    "First steps: coach demo, then coach list, coach show ID, coach play ROUTINE.\n\n"
    "Example: coach plan healthy-back --pace slow --reps 8",
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


class _Notes(logging.Handler):
    """The library's notices (a file replacing a built-in) as ``coach: note:`` lines."""

    def emit(self, record: logging.LogRecord) -> None:
        typer.echo(f"coach: note: {record.getMessage()}", err=True)


_NOTES = _Notes(logging.INFO)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"coach {version('coach')} (Python {sys.version.split()[0]})")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _main(
    ctx: typer.Context,
    show_traceback: Annotated[
        bool, typer.Option("--traceback", help="Show the Python traceback on errors.")
    ] = False,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show coach's version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    ctx.meta["coach.traceback"] = show_traceback
    notices = logging.getLogger("coach")
    if _NOTES not in notices.handlers:
        notices.addHandler(_NOTES)
        notices.setLevel(logging.INFO)
    if ctx.invoked_subcommand is None:
        # A bare `coach` is a question, not a mistake: answer with the help.
        typer.echo(ctx.get_help())


def main() -> None:
    app(prog_name="coach")
