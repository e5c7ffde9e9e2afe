"""The ``coach`` command: parse, call one library function (:mod:`coach.session`), print.

:mod:`coach.cli.app` holds the one catch point for errors; :mod:`coach.cli.blocks` the option
groups shared by several commands; :mod:`coach.cli.commands` the session commands,
:mod:`coach.cli.tools` the tool commands and :mod:`coach.cli.settings` `coach config`.
"""

from coach.cli import commands as _commands  # noqa: F401  (registers the commands on the app)
from coach.cli import settings as _settings  # noqa: F401  (registers `coach config`)
from coach.cli import tools as _tools  # noqa: F401  (registers doctor, voices, cache, validate, serve)
from coach.cli.app import app, main

__all__ = ["app", "main"]
