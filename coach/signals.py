"""Stopping cleanly: SIGINT, SIGTERM and SIGHUP end a run the same way, leaving nothing behind.

The command installs :func:`install` first thing. A signal then raises
:class:`~coach.errors.Interrupted` (a KeyboardInterrupt) in the main thread, so every ``finally``
and ``with`` on the way out removes its temporary files, as it does for Ctrl-C. Further signals
are ignored from then on, so that clean-up is not itself cut short.

Each run works in a private temporary folder (:func:`private_tmpdir`): ``TMPDIR`` points into
it, so whatever makes a temporary file (this process, its spawned workers, ffmpeg) makes it
there, and the folder goes at the end, whatever way the run ends.

Worker processes are started with these signals blocked (:func:`worker_context`): a Ctrl-C
sent to the whole terminal group reaches only the main process, which then stops the workers
itself. The mask is inherited across exec, so it holds from the worker's first instruction,
before Python in the worker could print a traceback for it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from multiprocessing import resource_tracker
from multiprocessing.context import BaseContext, SpawnContext, SpawnProcess
from pathlib import Path
from types import FrameType

from coach.errors import Interrupted

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_stopped: list[int] = []  # the signal that stopped this run, once one has
_reported: list[bool] = []  # whether the user has been told
_held: list[int] = []  # a signal that came during a deferred section, raised at its end
_depth = [0]  # how many deferred sections the main thread is in


def install() -> None:
    """Route SIGINT, SIGTERM and SIGHUP to :class:`Interrupted` in the main thread."""
    _stopped.clear()
    _reported.clear()
    _held.clear()
    for signum in SIGNALS:
        signal.signal(signum, _interrupt)


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    for other in SIGNALS:
        signal.signal(other, signal.SIG_IGN)
    _stopped.append(signum)
    if _depth[0]:
        _held.append(signum)
        return
    raise Interrupted(signum)


def settle() -> None:
    """Ignore these signals from now on: the run's outcome is decided."""
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


def stopped() -> int | None:
    """The signal that interrupted this run, if one did."""
    return _stopped[0] if _stopped else None


def report(stop: KeyboardInterrupt | int) -> str:
    """The line that tells the user a run was interrupted (and notes that it has been said)."""
    _reported.append(True)
    signum = stop if isinstance(stop, int) else getattr(stop, "signum", signal.SIGINT)
    if signum == signal.SIGINT:
        return "coach: interrupted"
    return f"coach: stopped by {signal.Signals(signum).name}"


def reported() -> bool:
    return bool(_reported)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold these signals back (not lose them) for a short section that must finish whole.

    Two things hold them: the signal mask, which processes started meanwhile inherit, and a
    flag the handler reads, since Python may run a handler for a signal that arrived just
    before the mask was set at any later instruction.
    """
    if threading.current_thread() is not threading.main_thread():
        # Handlers run only in the main thread, and a signal goes to a thread that does not
        # block it: here the mask alone is enough, for what this thread starts (workers).
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        return
    _depth[0] += 1
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        _depth[0] -= 1
        if not _depth[0] and _held:
            signum = _held[0]
            _held.clear()
            raise Interrupted(signum)


@contextlib.contextmanager
def private_tmpdir() -> Iterator[Path]:
    """Point TMPDIR (and :mod:`tempfile`) at a fresh folder for this run; remove it at the end."""
    with deferred():
        folder = Path(tempfile.mkdtemp(prefix="coach-run-"))
        saved_env, saved_tempdir = os.environ.get("TMPDIR"), tempfile.tempdir
        os.environ["TMPDIR"] = str(folder)
        tempfile.tempdir = str(folder)
    try:
        yield folder
    finally:
        with deferred():
            if stopped() is not None:
                stop_children()
            tempfile.tempdir = saved_tempdir
            if saved_env is None:
                os.environ.pop("TMPDIR", None)
            else:
                os.environ["TMPDIR"] = saved_env
            shutil.rmtree(folder, ignore_errors=True)


def stop_children(timeout: float = 5.0) -> None:
    """Kill the worker processes this one started (they ignore the signals themselves)."""
    children = multiprocessing.active_children()
    for child in children:
        with contextlib.suppress(OSError, ValueError):
            child.kill()
    for child in children:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            child.join(timeout)


class _ShelteredProcess(SpawnProcess):
    def start(self) -> None:
        with deferred():
            super().start()


class _ShelteredContext(SpawnContext):
    Process = _ShelteredProcess


def worker_context() -> BaseContext:
    """A spawn context whose processes start with SIGINT, SIGTERM and SIGHUP blocked."""
    # The pool's queues need multiprocessing's resource tracker, a process of its own. It
    # ignores SIGINT and SIGTERM but dies of SIGHUP, and the one started in its place then
    # prints tracebacks for semaphores it never saw: start it sheltered too.
    with deferred():
        resource_tracker.ensure_running()
    return _ShelteredContext()
