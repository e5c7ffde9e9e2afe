"""The ``coach`` command: parse, call one library function (:mod:`coach.session`), print.

:mod:`coach.cli.app` holds the one catch point for errors; :mod:`coach.cli.blocks` the option
groups shared by several commands; :mod:`coach.cli.commands` the commands themselves.
"""

from coach.cli import commands as _commands  # noqa: F401  (registers the commands on the app)
from coach.cli import settings as _settings  # noqa: F401  (registers `coach config`)
from coach.cli.app import app, main

__all__ = ["app", "main"]
