"""espeak-ng driven synchronously, one phrase per forked child: pyttsx3's engine on Linux.

Why not pyttsx3's own espeak driver (2.99): it runs libespeak-ng in AUDIO_OUTPUT_RETRIEVAL mode,
which is asynchronous. Parameters, text and the end-of-message marker are commands in espeak's
own queue, run by espeak's thread, and ``runAndWait`` ends with a ``stop()`` that calls
``espeak_Cancel`` whenever that thread is still busy (179 phrases in 200 on an idle machine).
Cancel drops the rate change just queued (so the driver's own 200 wpm stays) and restores older
parameters; the stop flag it sets stays latched and cancels the next phrase, whose end event
then arrives with an empty buffer ("the clip is empty", 8 in 300 under load). Independently,
espeak carries synthesis state from one utterance to the next, so the same text gives a few
samples more or less depending on what was said before.

So here espeak runs in AUDIO_OUTPUT_SYNCHRONOUS mode through pyttsx3's ctypes binding with our
own callback: parameters apply at once, ``espeak_Synth`` returns after the last buffer, there is
no second thread and no cancel. espeak is initialised once per process and every phrase is said
in a child forked from that state, so each phrase starts from the same engine state and the same
text always gives the same samples (a fork costs about 3 ms).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from coach.audio.wav import RATE, Samples, resample
from coach.errors import SynthesisError
from coach.voice.engines.base import EngineError, VoiceInfo

INSTALL = "sudo apt-get install --reinstall espeak-ng espeak-ng-data"
PHRASE_TIMEOUT_S = 30.0
_SYNCHRONOUS = 2  # AUDIO_OUTPUT_SYNCHRONOUS
_DONT_EXIT = 0x8000  # espeakINITIALIZE_DONT_EXIT: report missing data instead of exit(1)
_UTF8_ENDPAUSE = 1 | 0x1000
_RATE_PARAM = 1


class _Espeak:
    """libespeak-ng, initialised once in this process in synchronous mode."""

    def __init__(self) -> None:
        try:
            from pyttsx3.drivers import _espeak
        except Exception as error:  # pyttsx3 raises RuntimeError when the library is missing
            raise EngineError(
                f"the pyttsx3 engine cannot load libespeak-ng ({error})", f"run: {INSTALL}"
            ) from None
        self.binding: Any = _espeak
        dll = _espeak.dll
        self.get_parameter = dll.espeak_GetParameter
        self.get_parameter.argtypes = [ctypes.c_int, ctypes.c_int]  # pyttsx3 binds one of two
        self.get_parameter.restype = ctypes.c_int
        said: list[str] = []
        with _stderr_kept(said):
            rate = _espeak.Initialize(_SYNCHRONOUS, 200, None, _DONT_EXIT)
            voice_ok = rate > 0 and _espeak.SetVoiceByName(b"en") == 0
        if not voice_ok:
            detail = f" ({said[0][:120]})" if said else ""
            raise EngineError(
                f"the pyttsx3 engine (espeak-ng) cannot read its voice data{detail}",
                f"run: {INSTALL}",
            )
        self.rate = rate
        self.samples: list[bytes] = []
        # Kept on self: espeak holds only a raw pointer to the callback.
        self._callback = _espeak.t_espeak_callback(self._collect)
        _espeak.cSetSynthCallback(self._callback)

    def _collect(self, wav: Any, count: int, _events: Any) -> int:
        if wav and count > 0:
            self.samples.append(ctypes.string_at(wav, count * 2))
        return 0

    def version(self) -> str:
        return str(self.binding.Info().decode())

    def voices(self) -> list[VoiceInfo]:
        out = []
        for voice in self.binding.ListVoices(None):
            languages = (voice.languages or b"")[1:].decode(errors="replace")
            out.append(
                VoiceInfo(
                    voice.identifier.decode(errors="replace").lower(),
                    voice.name.decode(errors="replace"),
                    (languages,) if languages else (),
                )
            )
        return out

    def synthesize(self, text: str, voice: str | None, wpm: int) -> bytes:
        """Runs in the forked child: the phrase's 16-bit samples, or raises with what failed."""
        if voice and self.binding.SetVoiceByName(voice.encode()) != 0:
            raise SynthesisError(f"espeak-ng has no voice {voice!r}")
        self.binding.SetParameter(_RATE_PARAM, wpm, 0)
        if self.get_parameter(_RATE_PARAM, 1) != wpm:
            raise SynthesisError(f"espeak-ng did not take the rate {wpm}")
        self.samples.clear()
        data = text.encode()
        status = self.binding.cSynth(data, len(data) + 1, 0, 1, 0, _UTF8_ENDPAUSE, None, None)
        if status != 0:
            raise SynthesisError(f"espeak-ng refused the text (status {status})")
        return b"".join(self.samples)


_ENGINE: list[_Espeak] = []  # at most one per process: espeak cannot be initialised twice


def espeak() -> _Espeak:
    if not _ENGINE:
        _ENGINE.append(_Espeak())
    return _ENGINE[0]


def say(text: str, voice: str | None, wpm: int, timeout: float = PHRASE_TIMEOUT_S) -> Samples:
    """The phrase as float samples at RATE, said by a child forked from the initialised engine."""
    engine = espeak()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: say it, hand the samples over, leave without Python's clean-up
        code = 0
        try:
            os.close(read_end)
            try:
                payload = b"K" + engine.synthesize(text, voice, wpm)
            except SynthesisError as error:
                payload = b"E" + error.message.encode()
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        except BaseException:
            code = 1
        os._exit(code)
    os.close(write_end)
    try:
        payload = _read_all(read_end, timeout)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
        raise SynthesisError(f"espeak-ng hung on {text!r}", "run 'coach doctor'") from None
    finally:
        os.close(read_end)
        _reap(pid)
    if payload[:1] == b"E":
        raise SynthesisError(f"the voice could not say {text!r}: {payload[1:].decode()}")
    pcm = payload[1:] if payload[:1] == b"K" else b""
    if len(pcm) < 2 or len(pcm) % 2:
        raise SynthesisError(f"the voice could not say {text!r}: espeak-ng gave no samples")
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / np.float32(32768)
    return resample(samples, engine.rate, RATE)


def _read_all(fd: int, timeout: float) -> bytes:
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


@contextlib.contextmanager
def _stderr_kept(lines: list[str]) -> Iterator[None]:
    """espeak prints its own lines on a missing data file: keep them for our one-line message."""
    with tempfile.TemporaryFile("w+b") as store:
        saved = os.dup(2)
        try:
            os.dup2(store.fileno(), 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            store.seek(0)
            lines.extend(store.read().decode(errors="replace").strip().splitlines())
