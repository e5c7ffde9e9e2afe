"""Clips for phrases: from the cache, or synthesized by an engine in worker processes.

:meth:`Voice.prepare` makes sure every phrase a session may need has a clip and returns the
frozen table of their lengths that the compiler reads; the compiler itself never synthesizes.
Missing phrases are spoken by spawned worker processes (one engine each, never created before a
fork), on up to two cores.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import MappingProxyType
from typing import Any

from coach.audio.wav import RATE, Samples
from coach.errors import SynthesisError
from coach.signals import worker_context
from coach.voice.cache import PhraseCache, default_cache_dir
from coach.voice.condition import condition
from coach.voice.engines import Engine, VoiceSettings, create

PHRASE_TIMEOUT_S = 30.0

Progress = Callable[[int, int], None]  # (done, total)
EngineFactory = Callable[[VoiceSettings], Engine]


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

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = (self._engine_factory or create)(self.settings)
        return self._engine

    @property
    def cache(self) -> PhraseCache:
        if self._cache is None:
            engine = f"{self.engine.id}-{self.engine.version()}"
            self._cache = PhraseCache(self.cache_dir, self.settings, engine)
        return self._cache

    def prepare(
        self, phrases: Iterable[str], progress: Progress | None = None
    ) -> Mapping[str, float]:
        """Make sure every phrase has a clip; return the seconds of every phrase known so far."""
        wanted = [p for p in dict.fromkeys(phrases) if p not in self._clips]
        missing = []
        for text in wanted:
            entry = self.cache.get(text)
            if entry is None:
                missing.append(text)
            else:
                self._keep(text, entry)
        if missing:
            self._synthesize(missing, progress)
            self.synthesized += len(missing)
            for text in missing:
                entry = self.cache.get(text)
                if entry is None:
                    raise SynthesisError(
                        f"the clip for {text!r} vanished from the cache", "try again"
                    )
                self._keep(text, entry)
        return MappingProxyType(
            {text: max(len(clip), 1) / RATE for text, clip in self._clips.items()}
        )

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

    def _synthesize(self, texts: list[str], progress: Progress | None) -> None:
        if self.jobs <= 1 or len(texts) < 4 or self._engine_factory is not None:
            for done, text in enumerate(texts, 1):
                _synthesize_one(self.engine, self.cache, text)
                if progress:
                    progress(done, len(texts))
            return
        chunks = [texts[i :: self.jobs * 4] for i in range(self.jobs * 4)]
        chunks = [c for c in chunks if c]
        # A fresh process per worker (no engine crosses a fork), deaf to the terminal's signals:
        # the main process stops the workers itself when it is interrupted.
        context = worker_context()
        pool = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=context,
            initializer=_worker_start,
            initargs=(self.settings, str(self.cache.folder), self.cache.engine),
        )
        done = 0
        try:
            futures = [pool.submit(_worker_say, chunk) for chunk in chunks]
            for future, chunk in zip(futures, chunks, strict=True):
                try:
                    future.result(timeout=PHRASE_TIMEOUT_S * (len(chunk) + 2))
                except FutureTimeout:
                    raise SynthesisError(
                        f"the voice engine hung on {chunk[0]!r}", "run 'coach doctor'"
                    ) from None
                except BrokenProcessPool:
                    raise SynthesisError(
                        f"a voice worker died while saying {chunk[0]!r}", "run 'coach doctor'"
                    ) from None
                done += len(chunk)
                if progress:
                    progress(done, len(texts))
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


def _synthesize_one(engine: Engine, cache: PhraseCache, text: str) -> None:
    clip = condition(engine.say(text))
    if not len(clip):
        raise SynthesisError(f"the voice produced only silence for {text!r}", "run 'coach doctor'")
    cache.put(text, clip)


_WORKER: dict[str, Any] = {}


def _worker_start(settings: VoiceSettings, folder: str, engine: str) -> None:
    _WORKER["engine"] = create(settings)
    _WORKER["cache"] = PhraseCache(Path(folder), settings, engine)


def _worker_say(texts: list[str]) -> int:
    for text in texts:
        _synthesize_one(_WORKER["engine"], _WORKER["cache"], text)
    return len(texts)
