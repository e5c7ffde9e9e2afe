"""Clips for phrases: from the cache, or synthesized by an engine in worker processes.

:meth:`Voice.prepare` makes sure every phrase a session may need has a clip and returns the
frozen table of their lengths that the compiler reads; the compiler itself never synthesizes.
Missing phrases are spoken by spawned worker processes (one engine each, never created before a
fork), on up to two cores. A worker that dies, hangs or fails is replaced by a fresh process that
tries the phrases left one at a time; a phrase that fails there too ends the run with one line
naming it and the engine (exit 3). Engines that are missing, a bad voice or an unusable cache
stop at once: trying again would not help.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import MappingProxyType
from typing import Any

from coach.audio.wav import RATE, Samples
from coach.errors import CoachError, SynthesisError
from coach.signals import worker_context
from coach.voice.cache import MIN_SAMPLES, PhraseCache, check_folder, default_cache_dir
from coach.voice.condition import condition
from coach.voice.engines import Engine, EngineError, VoiceSettings, create

PHRASE_TIMEOUT_S = 30.0
WORKER_START_S = 60.0  # loading a neural voice on a busy machine takes a while

Progress = Callable[[int, int], None]  # (done, total)
Ready = Callable[[str], None]  # a phrase whose clip is now here
EngineFactory = Callable[[VoiceSettings], Engine]


class CancelledError(Exception):
    """Making phrases was stopped from another thread (:meth:`Voice.cancel`)."""


class Voice:
    """Clips for phrases, from the cache or synthesized, and their exact lengths."""

    def __init__(
        self,
        settings: VoiceSettings | None = None,
        cache_dir: Path | None = None,
        jobs: int | None = None,
        engine_factory: EngineFactory | None = None,
    ) -> None:
        self.settings = settings or VoiceSettings()
        self.cache_dir = cache_dir or default_cache_dir()
        self.jobs = jobs or min(2, os.cpu_count() or 1)
        self._engine_factory = engine_factory
        self._engine: Engine | None = None
        self._clips: dict[str, Samples] = {}
        self._peaks: dict[str, float] = {}
        self._cache: PhraseCache | None = None
        self.synthesized = 0  # phrases this voice had to make (not found in the cache)
        self._cancelled = threading.Event()
        self._pools: list[ProcessPoolExecutor] = []  # the workers now making phrases

    def cancel(self) -> None:
        """Stop making phrases (called from another thread): workers are killed at once, and
        the thread in :meth:`prepare` raises :class:`CancelledError`."""
        self._cancelled.set()
        for pool in list(self._pools):
            _kill(pool)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = (self._engine_factory or create)(self.settings)
        return self._engine

    @property
    def cache(self) -> PhraseCache:
        if self._cache is None:
            check_folder(self.cache_dir)
            engine = f"{self.engine.id}-{self.engine.version()}"
            self._cache = PhraseCache(self.cache_dir, self.settings, engine)
        return self._cache

    def missing(self, phrases: Iterable[str]) -> list[str]:
        """The phrases with no clip yet: the cache is read for the others, in the given order."""
        wanted = [p for p in dict.fromkeys(phrases) if p not in self._clips]
        missing = []
        for text in wanted:
            entry = self.cache.get(text)
            if entry is None:
                missing.append(text)
            else:
                self._keep(text, entry)
        return missing

    def prepare(
        self,
        phrases: Iterable[str],
        progress: Progress | None = None,
        ready: Ready | None = None,
    ) -> Mapping[str, float]:
        """Make sure every phrase has a clip; return the seconds of every phrase known so far.

        ``ready`` hears of each phrase once its clip is here (cached ones first), so a player
        can start on the first phrases while the rest are made; phrases are made in order.
        """
        phrases = list(dict.fromkeys(phrases))
        missing = self.missing(phrases)
        if ready:
            for text in phrases:
                if text not in missing:
                    ready(text)
        if missing:

            def made(text: str) -> None:
                if self._cancelled.is_set():
                    raise CancelledError
                entry = self.cache.get(text)
                if entry is None:
                    raise SynthesisError(
                        f"the clip for {text!r} vanished from the cache", "try again"
                    )
                self._keep(text, entry)
                if ready:
                    ready(text)

            try:
                self._synthesize(missing, progress, made)
            except CancelledError:
                self._cancelled.clear()  # the cancel is spent: a later prepare runs
                raise
            self.synthesized += len(missing)
        return MappingProxyType({text: self.seconds(text) for text in self._clips})

    def seconds(self, text: str) -> float:
        """How long a phrase with a clip lasts."""
        return max(len(self._clips[text]), 1) / RATE

    def clip(self, text: str) -> Samples:
        if text not in self._clips:
            self.prepare([text])
        return self._clips[text]

    def _keep(self, text: str, entry: tuple[Samples, float]) -> None:
        self._clips[text] = entry[0]
        self._peaks[text] = entry[1]

    def peak(self, text: str) -> float:
        """The clip's true peak in dBTP, measured once when it was made."""
        self.clip(text)
        return self._peaks[text]

    def _synthesize(self, texts: list[str], progress: Progress | None, made: Ready) -> None:
        factory = self._engine_factory or create
        # Speaking here saves starting a worker for a phrase or two, but an engine may fork
        # (espeak does, per phrase), and forking a process that runs other threads (a player,
        # a web server) can deadlock the child: then a worker it is.
        alone = threading.active_count() == 1
        if not _picklable(factory) or (alone and (self.jobs <= 1 or len(texts) < 4)):
            self._synthesize_here(texts, progress, made)
            return
        counter = _Counter(len(texts), progress, made)
        remaining, failure = _in_workers(
            texts, factory, self.settings, self.cache, self.jobs, counter, self._pools
        )
        if failure is not None and remaining:
            if self._cancelled.is_set():
                raise CancelledError
            # A worker died, hung or failed: a fresh one tries what is left, one phrase at a time.
            remaining, failure = _in_workers(
                remaining, factory, self.settings, self.cache, 1, counter, self._pools
            )
        if self._cancelled.is_set():
            raise CancelledError
        if failure is not None:
            text, reason = failure
            raise self._failed(text, reason)

    def _synthesize_here(self, texts: list[str], progress: Progress | None, made: Ready) -> None:
        for done, text in enumerate(texts, 1):
            try:
                _synthesize_one(self.engine, self.cache, text)
            except SynthesisError as error:
                self._engine = None  # a fresh engine for the second try
                try:
                    _synthesize_one(self.engine, self.cache, text)
                except SynthesisError:
                    raise self._failed(text, error.message) from None
            made(text)
            if progress:
                progress(done, len(texts))

    def _failed(self, text: str, reason: str) -> EngineError:
        return EngineError(
            f"the {self.settings.engine} engine could not say {text!r} twice ({reason})",
            "run 'coach doctor', or choose another --engine",
        )


class _Counter:
    def __init__(self, total: int, progress: Progress | None, made: Ready) -> None:
        self.total, self.done, self.progress, self.made = total, 0, progress, made

    def step(self, text: str) -> None:
        self.made(text)
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total)


def _picklable(factory: EngineFactory) -> bool:
    try:
        pickle.dumps(factory)
    except Exception:
        return False
    return True


def _in_workers(
    texts: list[str],
    factory: EngineFactory,
    settings: VoiceSettings,
    cache: PhraseCache,
    jobs: int,
    counter: _Counter,
    running: list[ProcessPoolExecutor],
) -> tuple[list[str], tuple[str, str] | None]:
    """Say ``texts`` in ``jobs`` spawned workers; return what is left and the first failure."""
    # A fresh process per worker (no engine crosses a fork), deaf to the terminal's signals:
    # the main process stops the workers itself when it is interrupted.
    context = worker_context()
    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(texts)),
        mp_context=context,
        initializer=_worker_start,
        initargs=(factory, settings, str(cache.folder), cache.engine, os.getpid()),
    )
    running.append(pool)
    left = list(texts)
    failure: tuple[str, str] | None = None
    finished = False
    try:
        futures = [(text, pool.submit(_worker_say, text)) for text in texts]
        for text, future in futures:
            try:
                future.result(timeout=WORKER_START_S + PHRASE_TIMEOUT_S)
            except FutureTimeout:
                failure = (text, f"no answer within {WORKER_START_S + PHRASE_TIMEOUT_S:.0f} s")
            except BrokenProcessPool:
                failure = (text, "its worker process died")
            except SynthesisError as error:
                failure = (text, error.message)
            except CoachError:  # a missing engine, a bad voice, an unusable cache: no retry
                raise
            except Exception as error:
                failure = (text, f"{type(error).__name__}: {error}"[:160])
            if failure is not None:
                break
            left.remove(text)
            counter.step(text)
        finished = failure is None
    finally:
        if not finished:
            _kill(pool)
        pool.shutdown(wait=True, cancel_futures=True)
        running.remove(pool)
    # Phrases other workers finished after the failure are in the cache: only the rest remain.
    still = [text for text in left if cache.get(text) is None]
    for text in left:
        if text not in still:
            counter.step(text)
    return still, (failure if still else None)


def _kill(pool: ProcessPoolExecutor) -> None:
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.kill()


def _synthesize_one(engine: Engine, cache: PhraseCache, text: str) -> None:
    clip = condition(engine.say(text))
    if len(clip) < MIN_SAMPLES:
        raise SynthesisError(f"the voice produced only silence for {text!r}")
    cache.put(text, clip)


_WORKER: dict[str, Any] = {}


def _worker_start(
    factory: EngineFactory, settings: VoiceSettings, folder: str, engine: str, parent: int
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C for everyone
    _die_with(parent)
    _WORKER["factory"] = factory
    _WORKER["settings"] = settings
    _WORKER["cache"] = PhraseCache(Path(folder), settings, engine)


def _die_with(parent: int) -> None:
    """End this worker if its parent is killed outright (SIGKILL, a crash), which no handler
    sees: a pool's worker waits on a queue it holds both ends of, so it would wait forever."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before that took hold
        os._exit(1)


def _worker_say(text: str) -> None:
    if "engine" not in _WORKER:  # made on the first phrase, so its errors reach the caller
        _WORKER["engine"] = _WORKER["factory"](_WORKER["settings"])
    _synthesize_one(_WORKER["engine"], _WORKER["cache"], text)
