"""Speech clips: pyttsx3 synthesis made reliable, conditioned audio, and a phrase cache on disk.

pyttsx3 2.99's espeak driver is racy: ``runAndWait`` may return before the WAV is written, only
the last text queued before a run is spoken, property changes can be lost, and saving prints
"Audio saved to" on stdout. So :class:`Speaker` keeps one engine per process (created lazily in
the process that uses it, never before a fork), queues exactly one phrase per run, waits for the
``finished-utterance`` callback, keeps stdout quiet, reads the properties back, verifies the
file, and tries once more before giving up with an error naming the phrase.

Clips are trimmed, brought to a common loudness and gently limited (so a whole session can reach
-16 LUFS without clipping), then cached as 16-bit WAV keyed on text, voice, rate and engine.
Missing phrases are synthesized by worker processes, one engine each, on up to two cores.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import os
import struct
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from numpy.typing import NDArray

from coach.errors import MissingDependencyError, OptionError, SynthesisError
from coach.loudness import db_to_gain, limit, loudness, lowpass, true_peak

if TYPE_CHECKING:
    from coach.mixer import Levels, Mix

RATE = 22050  # espeak's native rate, and the rate of the whole session
DEFAULT_WPM = 150
CLIP_LOUDNESS = -20.0  # LUFS of every phrase; the session gain lifts it to -16
CLIP_CEILING = -10.5  # dBTP of every phrase, leaving room for that gain and a bell beneath
SILENCE = 10 ** (-45 / 20)  # below this a clip's start and end are trimmed
PROCESSING_VERSION = 9  # bump when conditioning changes, so cached clips are remade
PHRASE_TIMEOUT_S = 30.0

Clip = NDArray[np.float32]


@dataclass(frozen=True)
class VoiceSettings:
    voice: str | None = None  # an engine voice id, e.g. "en-us" or "en-us+f3"; None: default
    rate: int = DEFAULT_WPM  # words per minute

    def __post_init__(self) -> None:
        if not 80 <= self.rate <= 300:
            raise OptionError(
                f"--rate {self.rate} is out of range: allowed 80 to 300 words per minute"
            )


# -- the engine ---------------------------------------------------------------------------------


class Engine(Protocol):
    """The part of a pyttsx3 engine coach uses (tests pass a fake)."""

    def connect(self, topic: str, cb: Callable[..., Any]) -> Any: ...
    def setProperty(self, name: str, value: Any) -> None: ...  # noqa: N802 (pyttsx3's name)
    def getProperty(self, name: str) -> Any: ...  # noqa: N802
    def save_to_file(self, text: str, filename: str, name: str | None = None) -> None: ...
    def runAndWait(self) -> None: ...  # noqa: N802


def pyttsx3_engine() -> Engine:
    try:
        import pyttsx3
    except ImportError as error:  # pragma: no cover - pyttsx3 is a dependency
        raise MissingDependencyError(
            f"pyttsx3 is not installed ({error})", "run scripts/setup.sh"
        ) from None
    driver = "espeak" if sys.platform.startswith("linux") else None
    try:
        with _quiet():
            return pyttsx3.init(driver) if driver else pyttsx3.init()  # type: ignore[no-any-return]
    except Exception as error:
        raise MissingDependencyError(
            f"no voice engine: {error}",
            "install espeak-ng: sudo apt-get install espeak-ng (or run scripts/setup.sh)",
        ) from None


def engine_version() -> str:
    """Identifies the synthesizer, so a new engine never reuses clips made by an old one."""
    try:
        from importlib.metadata import version

        pyttsx3_version = version("pyttsx3")
    except Exception:
        pyttsx3_version = "?"
    espeak = "?"
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            from pyttsx3.drivers import _espeak

            espeak = _espeak.Info().decode()
    return f"pyttsx3-{pyttsx3_version}/espeak-{espeak}/p{PROCESSING_VERSION}"


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    name: str
    languages: tuple[str, ...]


def list_voices(engine: Engine | None = None) -> list[VoiceInfo]:
    engine = engine or pyttsx3_engine()
    out = []
    for voice in engine.getProperty("voices"):
        languages = tuple(
            lang.decode(errors="replace") if isinstance(lang, bytes) else str(lang)
            for lang in (voice.languages or [])
        )
        out.append(VoiceInfo(str(voice.id), str(voice.name), languages))
    return out


def match_voice(wanted: str, voices: Sequence[VoiceInfo]) -> str:
    """The engine id for ``wanted`` (an id, an id without its family, or a name), variant kept."""
    base, plus, variant = wanted.partition("+")
    for voice in voices:
        if base.lower() in (
            voice.id.lower(),
            voice.id.rsplit("/", 1)[-1].lower(),
            voice.name.lower(),
        ):
            return voice.id + plus + variant
    from coach.loader import suggest

    names = sorted({v.id.rsplit("/", 1)[-1] for v in voices})
    raise OptionError(
        f"unknown voice {wanted!r}{suggest(base, names)}",
        hint="'coach voices' lists what is installed",
    )


class Speaker:
    """One engine in this process, speaking one phrase at a time into a verified WAV file."""

    def __init__(
        self, settings: VoiceSettings, engine_factory: Callable[[], Engine] = pyttsx3_engine
    ) -> None:
        self.settings = settings
        self._factory = engine_factory
        self._engine: Engine | None = None
        self._voice_id: str | None = None
        self._finished = threading.Event()

    def _ready(self) -> Engine:
        if self._engine is None:
            engine = self._factory()
            engine.connect("finished-utterance", self._on_finished)
            if self.settings.voice:
                self._voice_id = match_voice(self.settings.voice, list_voices(engine))
            self._engine = engine
        return self._engine

    def _on_finished(self, name: str | None = None, completed: bool = True) -> None:
        self._finished.set()

    def speak_to_file(self, text: str, path: Path) -> Clip:
        last_problem = ""
        for _attempt in range(2):
            problem = self._attempt(text, path)
            if problem is None:
                return read_wav(path)
            last_problem = problem
        raise SynthesisError(
            f"the voice could not say {text!r}: {last_problem}", "run 'coach doctor'"
        )

    def _attempt(self, text: str, path: Path) -> str | None:
        engine = self._ready()
        path.unlink(missing_ok=True)
        self._finished.clear()
        # Properties go in the same run as the phrase: a change queued alone can be lost.
        if self._voice_id:
            engine.setProperty("voice", self._voice_id)
        engine.setProperty("rate", self.settings.rate)
        engine.save_to_file(text, str(path))
        # The driver may finish (and print) on its own thread after runAndWait returns, so
        # stdout stays redirected until the finished-utterance callback has come.
        with _quiet():
            engine.runAndWait()
            finished = self._finished.wait(PHRASE_TIMEOUT_S)
        if not finished:
            return "the engine never finished"
        rate = engine.getProperty("rate")
        if rate is not None and int(rate) != self.settings.rate:
            return f"the engine ignored the rate ({rate} instead of {self.settings.rate})"
        return _wait_for_wav(path)


def _wait_for_wav(path: Path, timeout: float = 1.0) -> str | None:
    """None once ``path`` holds a complete, non-empty mono 16-bit WAV; else what is wrong."""
    deadline = time.monotonic() + timeout
    problem = "no file was written"
    while time.monotonic() < deadline:
        problem = wav_problem(path) or ""
        if not problem:
            return None
        time.sleep(0.02)
    return problem


def wav_problem(path: Path) -> str | None:
    try:
        _parse_wav(path.read_bytes())
    except FileNotFoundError:
        return "no file was written"
    except (ValueError, OSError, struct.error) as error:
        return str(error)
    return None


def _parse_wav(data: bytes) -> tuple[int, NDArray[np.int16], float | None]:
    """Rate, samples and (for coach's own clips) the stored true peak of a mono 16-bit WAV."""
    if not data:
        raise ValueError("the clip is empty")
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a WAV file")
    position, fmt, peak, pcm = 12, None, None, None
    while position + 8 <= len(data):
        chunk, size = data[position : position + 4], struct.unpack_from("<I", data, position + 4)[0]
        body = data[position + 8 : position + 8 + size]
        if len(body) < size:
            raise ValueError("the clip is truncated")
        if chunk == b"fmt ":
            fmt = struct.unpack_from("<HHIIHH", body)
        elif chunk == _PEAK_CHUNK:
            peak = struct.unpack_from("<d", body)[0]
        elif chunk == b"data":
            pcm = body
        position += 8 + size + (size & 1)
    if fmt is None or pcm is None:
        raise ValueError("the clip is truncated")
    encoding, channels, rate, _, _, bits = fmt
    if (encoding, channels, bits) != (1, 1, 16):
        raise ValueError("not a mono 16-bit WAV")
    if len(pcm) < 2:
        raise ValueError("the clip is empty")
    return rate, np.frombuffer(pcm, dtype="<i2", count=len(pcm) // 2), peak


_PEAK_CHUNK = b"cpk "  # coach's own chunk: the clip's true peak in dBTP, as a float64


def read_clip(path: Path) -> tuple[Clip, float | None]:
    rate, data, peak = _parse_wav(path.read_bytes())
    samples = data.astype(np.float32) / np.float32(32768)
    if rate != RATE:  # other engines (SAPI5, NSSS) may speak at other rates: interpolate
        times = np.arange(round(len(samples) * RATE / rate)) * (rate / RATE)
        samples = np.interp(times, np.arange(len(samples)), samples).astype(np.float32)
        peak = None
    return samples, peak


def read_wav(path: Path) -> Clip:
    return read_clip(path)[0]


def write_wav_atomic(
    path: Path, samples: Clip, rate: int = RATE, peak: float | None = None
) -> None:
    """A mono 16-bit WAV, written under a temporary name and renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2").tobytes()
    chunks = [b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)]
    if peak is not None:
        chunks.append(_PEAK_CHUNK + struct.pack("<Id", 8, peak))
    chunks.append(b"data" + struct.pack("<I", len(pcm)) + pcm + b"\0" * (len(pcm) & 1))
    body = b"WAVE" + b"".join(chunks)
    _write_atomic(path, b"RIFF" + struct.pack("<I", len(body)) + body)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(temp).chmod(0o644)  # mkstemp makes it private; cached clips and sounds are not secret
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def condition(samples: Clip) -> Clip:
    """Trim silence, band-limit, bring to CLIP_LOUDNESS, limit to CLIP_CEILING, fade the edges."""
    loud = np.flatnonzero(np.abs(samples) > SILENCE)
    if not len(loud):
        return np.zeros(0, dtype=np.float32)
    pad = RATE // 200  # 5 ms either side keeps consonants whole
    clip = samples[max(0, loud[0] - pad) : loud[-1] + pad + 1].astype(np.float32)
    # Band-limit first: lossy encoders cut the top octave themselves, and the ringing of their
    # cut on sibilants ("six", "seven") would push peaks past what the limiter allowed for.
    clip = lowpass(clip, RATE, 6500, 7500)
    for _ in range(2):  # limiting lowers loudness a little: normalise again, limit again
        level = loudness(clip, RATE)
        if level != -np.inf:
            clip = (clip * db_to_gain(CLIP_LOUDNESS - level)).astype(np.float32)
        clip = limit(clip, RATE, CLIP_CEILING)
    fade = min(len(clip) // 2, RATE // 400)
    ramp = np.linspace(0, 1, fade, dtype=np.float32)
    clip[:fade] *= ramp
    clip[len(clip) - fade :] *= ramp[::-1]
    return clip


@contextlib.contextmanager
def _quiet() -> Any:
    """Keep the engine's prints ("Audio saved to ...") off the user's terminal."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


# -- the phrase cache ---------------------------------------------------------------------------


def default_cache_dir() -> Path:
    env = os.environ.get("COACH_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("coach")) / "phrases"


class PhraseCache:
    """Conditioned clips on disk. Entries are written atomically; a bad entry is remade."""

    def __init__(self, folder: Path, settings: VoiceSettings, engine: str | None = None) -> None:
        self.folder = folder
        self.settings = settings
        self.engine = engine or engine_version()

    def path(self, text: str) -> Path:
        key = json.dumps([text, self.settings.voice, self.settings.rate, self.engine])
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self.folder / digest[:2] / f"{digest}.wav"

    def get(self, text: str) -> tuple[Clip, float] | None:
        """The clip and its true peak, or None when missing (or corrupt, and then removed)."""
        path = self.path(text)
        try:
            clip, peak = read_clip(path)
        except FileNotFoundError:
            return None
        except (ValueError, OSError, struct.error):
            path.unlink(missing_ok=True)  # corrupt: drop it so it is made again
            return None
        return clip, peak if peak is not None else true_peak(clip)

    def put(self, text: str, clip: Clip) -> None:
        write_wav_atomic(self.path(text), clip, peak=true_peak(clip))

    def clear(self) -> int:
        count = 0
        if self.folder.exists():
            for entry in [*self.folder.glob("*/*.wav"), *self.folder.glob("levels/*.json")]:
                entry.unlink(missing_ok=True)
                count += 1
        return count

    def levels(self, mix: Mix) -> Levels:
        """The session's loudness analysis, measured once per distinct audio and then kept."""
        from coach.mixer import Levels

        path = self.folder / "levels" / f"{mix.signature()}.json"
        with contextlib.suppress(OSError, ValueError, TypeError):
            return Levels(**json.loads(path.read_text(encoding="utf-8")))
        levels = mix.measure()
        with contextlib.suppress(OSError):  # a read-only cache only costs time
            _write_atomic(path, json.dumps(dataclasses.asdict(levels)).encode())
        return levels


def clear_cache(folder: Path | None = None) -> int:
    folder = folder or default_cache_dir()
    return PhraseCache(folder, VoiceSettings(), engine="").clear()


# -- synthesis of many phrases -------------------------------------------------------------------

Progress = Callable[[int, int], None]  # (done, total)


class Voice:
    """Clips for phrases, from the cache or synthesized; also the compiler's speech lengths."""

    def __init__(
        self,
        settings: VoiceSettings | None = None,
        cache_dir: Path | None = None,
        jobs: int | None = None,
        speaker_factory: Callable[[VoiceSettings], Speaker] | None = None,
    ) -> None:
        self.settings = settings or VoiceSettings()
        self.cache = PhraseCache(cache_dir or default_cache_dir(), self.settings)
        self.jobs = jobs or min(2, os.cpu_count() or 1)
        self._speaker_factory = speaker_factory
        self._clips: dict[str, Clip] = {}
        self._peaks: dict[str, float] = {}

    def prepare(self, phrases: Iterable[str], progress: Progress | None = None) -> int:
        """Make sure every phrase has a clip; return how many had to be synthesized."""
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
            for text in missing:
                entry = self.cache.get(text)
                if entry is None:
                    raise SynthesisError(
                        f"the clip for {text!r} vanished from the cache", "try again"
                    )
                self._keep(text, entry)
        return len(missing)

    def clip(self, text: str) -> Clip:
        if text not in self._clips:
            self.prepare([text])
        return self._clips[text]

    def _keep(self, text: str, entry: tuple[Clip, float]) -> None:
        self._clips[text] = entry[0]
        self._peaks[text] = entry[1]

    def peak(self, text: str) -> float:
        """The clip's true peak in dBTP, measured once when it was made."""
        self.clip(text)
        return self._peaks[text]

    def seconds(self, text: str) -> float:
        """The speech length the compiler needs: the conditioned clip's exact length."""
        return max(len(self.clip(text)), 1) / RATE

    def _synthesize(self, texts: list[str], progress: Progress | None) -> None:
        if self.jobs <= 1 or len(texts) < 4 or self._speaker_factory is not None:
            speaker = (self._speaker_factory or Speaker)(self.settings)
            for done, text in enumerate(texts, 1):
                _synthesize_one(speaker, self.cache, text)
                if progress:
                    progress(done, len(texts))
            return
        chunks = [texts[i :: self.jobs * 4] for i in range(self.jobs * 4)]
        chunks = [c for c in chunks if c]
        context = get_context("spawn")  # a fresh process per worker: no engine crosses a fork
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


def _synthesize_one(speaker: Speaker, cache: PhraseCache, text: str) -> None:
    with tempfile.TemporaryDirectory(prefix="coach-voice-") as folder:
        raw = speaker.speak_to_file(text, Path(folder) / "raw.wav")
    clip = condition(raw)
    if not len(clip):
        raise SynthesisError(f"the voice produced only silence for {text!r}", "run 'coach doctor'")
    cache.put(text, clip)


_WORKER: dict[str, Any] = {}


def _worker_start(settings: VoiceSettings, folder: str, engine: str) -> None:
    _WORKER["speaker"] = Speaker(settings)
    _WORKER["cache"] = PhraseCache(Path(folder), settings, engine)


def _worker_say(texts: list[str]) -> int:
    for text in texts:
        _synthesize_one(_WORKER["speaker"], _WORKER["cache"], text)
    return len(texts)
