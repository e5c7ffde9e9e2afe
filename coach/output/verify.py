"""The checks before a file is published: a silent or clipped session is never written.

Two checks, both measured with :mod:`coach.audio.loudness`:

- Before encoding, the whole mix: its loudness and true peak are already measured (to set the
  gain), so the session as it will be encoded is judged exactly, at no cost. A gain or a level
  that is not a number, a cache of silent clips, a gain that clips: refused before any work.
- After encoding, the file itself: ffmpeg decodes its opening (``EXCERPT_S`` seconds, so time
  and memory stay flat however long the session is) and its loudness and true peak are compared
  with the same stretch of the mix. A file the encoder made silent, clipped or different is
  refused; the old file stays. Decoding the whole file instead was measured: 507 MB and +2.3 s
  for a 6.6-minute session through pydub, +60 % on a 36-minute export even streamed.

The check is set up while the encoder finishes (:class:`FileCheck`): the decoder is started
then and waits for the file's bytes on its stdin, since ffmpeg alone takes ~0.1 s to start,
and the mix's side is measured then too.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np

from coach.audio.loudness import loudness, true_peak
from coach.audio.mixer import Levels, Mix
from coach.audio.wav import RATE
from coach.errors import ExportError

SILENT_LUFS = -40.0  # 24 dB under the target: nothing a listener would call a session
CLIPPED_DBTP = 0.0  # above full scale: distortion on every player
EXCERPT_S = 20  # seconds of the file decoded and compared with the mix
TOLERANCE_DB = 2.0  # loudness an encoder may change; more means it wrote something else
_FIX = "run 'coach cache clear' and export again; 'coach doctor' checks the voice"
# the decoder for each format, named: the file's bytes come through a pipe, with no name to go by
_DECODERS = {"mp3": "mp3", "m4a": "aac", "ogg": "vorbis", "wav": "pcm_s16le"}


def check_mix(levels: Levels) -> None:
    """Refuse a session whose mix, at its gain, would be silent or clipped."""
    _refuse_silent("the session", levels.loudness + levels.gain_db)
    _refuse_clipped("the session", levels.true_peak + levels.gain_db)


@dataclass(frozen=True)
class Excerpt:
    """The stretch of the mix a file's opening is compared with, and its loudness: measured
    while the encoder finishes, so that only the file is left to decode and measure after."""

    mix: Mix
    start: int
    gain: float
    length: int
    loudness: float

    def level(self, length: int) -> float:
        """The mix's loudness over ``length`` samples from the start (a file decoded to another
        length than expected is compared with exactly as much of the mix)."""
        if length == self.length:
            return self.loudness
        return loudness(self.mix.render(self.start, self.start + length, self.gain), RATE)


def excerpt(mix: Mix, start: int, end: int, gain: float) -> Excerpt:
    """What the opening of a file holding samples ``start`` to ``end`` of the mix should be."""
    length = max(0, min(EXCERPT_S * RATE, end - start, mix.length - start))
    meant = mix.render(start, start + length, gain)
    return Excerpt(mix, start, gain, length, loudness(meant, RATE))


class FileCheck:
    """The check of one encoded file: its decoder started and the mix's side measured before
    the file is complete; :meth:`run` decodes the file's opening and compares."""

    def __init__(self, decoder: str, fmt: str, expected: Excerpt) -> None:
        self.expected = expected
        # A file, not a pipe: a broken file can make ffmpeg report more than a pipe holds.
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        command = [
            decoder, "-hide_banner", "-loglevel", "error", "-c:a", _DECODERS[fmt], "-i", "pipe:0",
            "-t", str(EXCERPT_S), "-f", "s16le", "-ac", "1", "-ar", str(RATE), "pipe:1",
        ]  # fmt: skip
        # Its own session, as the encoder's: a Ctrl-C reaches coach, which stops it.
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            start_new_session=True,
        )

    def run(self, path: Path, name: str) -> None:
        """Decode the opening of the file at ``path`` and compare it with the mix."""
        heard = self._decode(path)
        if not len(heard):
            raise ExportError(f"{name} came out empty; it was not saved", _FIX)
        file_level, mix_level = loudness(heard, RATE), self.expected.level(len(heard))
        _refuse_clipped(name, true_peak(heard))
        if not mix_level > SILENT_LUFS:
            return  # a quiet opening is the session's own; check_mix judged the whole of it
        _refuse_silent(name, file_level)
        if abs(file_level - mix_level) > TOLERANCE_DB:
            raise ExportError(
                f"{name} does not sound like the session ({file_level:.1f} LUFS where the mix "
                f"has {mix_level:.1f}); it was not saved",
                "check the ffmpeg install with 'coach doctor'",
            )

    def _decode(self, path: Path) -> np.ndarray:
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        stdin = process.stdin

        def feed() -> None:
            try:
                with path.open("rb") as source:
                    shutil.copyfileobj(source, stdin, 1 << 16)
            except OSError:
                pass  # ffmpeg stopped reading after the excerpt (or at an error it reports)
            finally:
                with contextlib.suppress(OSError):
                    stdin.close()

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        pcm = process.stdout.read()
        code = process.wait()
        feeder.join()
        if code != 0:
            self._errors.seek(0)
            lines = self._errors.read().decode(errors="replace").strip().splitlines()
            reason = lines[-1] if lines else f"exit code {code}"
            raise ExportError(f"the written file does not decode: {reason}")
        samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
        return (samples.astype(np.float32) / np.float32(32768)).astype(np.float32)

    def close(self) -> None:
        """Stop the decoder if it still runs (the file failed before it was checked)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._errors.close()

    def __enter__(self) -> FileCheck:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _refuse_silent(name: str, level: float) -> None:
    if not level > SILENT_LUFS:  # also catches NaN
        raise ExportError(f"{name} came out silent ({level:.1f} LUFS); it was not saved", _FIX)


def _refuse_clipped(name: str, peak: float) -> None:
    if not peak <= CLIPPED_DBTP:
        raise ExportError(
            f"{name} came out clipped (true peak {peak:+.1f} dBTP); it was not saved", _FIX
        )
