"""``coach config``: the defaults a person keeps, where each comes from, and setting one."""

from __future__ import annotations

from typing import Annotated

import typer

from coach import session
from coach.cli.app import _CoachTyper, app

config_app = _CoachTyper(
    help="Your defaults for engine, voice, rate, pace, level, guidance and cache folder, kept in "
    "a TOML file in your config folder ($COACH_CONFIG to use another). A flag on the command "
    "line always wins.\n\n"
    "Examples:\n\n\b\n  coach config\n  coach config set rate 140\n  coach config unset rate",
)
app.add_typer(config_app, name="config", short_help="Show or change your defaults.")

Key = Annotated[
    str, typer.Argument(metavar="KEY", help="engine, voice, rate, pace, level, guidance, cache_dir")
]


@config_app.callback(invoke_without_command=True)
def show_settings(ctx: typer.Context) -> None:
    """Show each setting's value and where it came from."""
    if ctx.invoked_subcommand is not None:
        return
    chosen = session.settings()
    state = "" if chosen.path.exists() else " (not made yet)"
    typer.echo(f"Config file: {chosen.path}{state}")
    for setting in chosen:
        shown = "(the engine's own)" if setting.value is None else str(setting.value)
        typer.echo(f"  {setting.key:<10} {shown:<24} {setting.source}")
    typer.echo("Change one with: coach config set KEY VALUE")


@config_app.command("set", short_help="Check a value and keep it as your default.")
def set_setting(
    key: Key,
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The new default.")],
) -> None:
    """Check VALUE exactly as the command line would, then write it to your config file.

    Examples:

    \b
      coach config set engine piper
      coach config set pace slow
    """
    setting = session.set_setting(key, value)
    where = setting.source.removeprefix("config file, ")
    typer.echo(f"{key} = {setting.value} ({session.settings().path}, {where})")


@config_app.command("unset", short_help="Forget a default.")
def unset_setting(key: Key) -> None:
    """Remove KEY from your config file, so coach's own default applies again.

    Examples:

    \b
      coach config unset rate
    """
    removed = session.unset_setting(key)
    typer.echo(f"{key}: {'removed' if removed else 'was not set'} in {session.settings().path}")
