"""The ``coach`` command's entry point (and ``python -m coach``).

It installs the signal handlers before anything heavy is imported, so a Ctrl-C, SIGTERM or
SIGHUP at any moment of a run (even while Python is still loading the commands) ends in one
line, the temporary files removed, and the shell's exit code: 130, 143 or 129.
"""

from __future__ import annotations

import contextlib
import os
import signal


def _stop_early(signum: int, _frame: object) -> None:
    # Nothing has been made yet, so there is nothing to clean: say so and go, without the
    # traceback Python would print for a Ctrl-C in the middle of an import.
    with contextlib.suppress(OSError):
        os.write(2, f"coach: {'interrupted' if signum == signal.SIGINT else 'stopped'}\n".encode())
    os._exit(128 + signum)


# First thing, before the imports below take their tens of milliseconds.
for _signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_signum, _stop_early)

import sys  # noqa: E402

from coach import signals  # noqa: E402


def main() -> None:
    signals.install()
    try:
        with signals.private_tmpdir():
            from coach.cli import main as run

            run()
    except KeyboardInterrupt as stop:  # before the commands were loaded, or after they ran
        _exit_stopped(getattr(stop, "signum", signal.SIGINT))
    except SystemExit:
        # Click turns an interrupt outside a command (while parsing) into a silent exit 130.
        signum = signals.stopped()
        if signum is None or signals.reported():
            raise
        _exit_stopped(signum)
    finally:
        # The outcome is settled and the files are in place: a signal while Python shuts down
        # would only turn a finished run into one killed by the signal.
        signals.settle()


def _exit_stopped(signum: int) -> None:
    with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
        print(signals.report(signum), file=sys.stderr)
    sys.exit(128 + signum)


if __name__ == "__main__":
    main()
