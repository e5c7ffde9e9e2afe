"""The sound card, through simpleaudio: imported only when something is played."""

from __future__ import annotations

import sys

from coach.errors import AudioDeviceError
from coach.play.player import Playing


class SimpleaudioSink:
    """Plays 16-bit mono samples on the default device; no device is one AudioDeviceError."""

    def play(self, pcm: bytes | memoryview, rate: int) -> Playing:
        try:
            import simpleaudio
        except ImportError as error:  # pragma: no cover - a dependency; fails only if broken
            raise AudioDeviceError(
                f"simpleaudio cannot load ({error})", "run scripts/setup.sh"
            ) from None
        _quiet_alsa()
        try:
            handle: Playing = simpleaudio.play_buffer(pcm, 1, 2, rate)
        except Exception as error:
            raise AudioDeviceError(
                f"no audio output device ({str(error).strip() or type(error).__name__})",
                "connect speakers or headphones, or make a file with 'coach export'",
            ) from None
        return handle


_ALSA_HANDLER: list[object] = []  # keeps the ctypes callback alive


def _quiet_alsa() -> None:
    """Stop libasound printing its own errors ("ALSA lib ...") over coach's one-line message."""
    if _ALSA_HANDLER or not sys.platform.startswith("linux"):
        return
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("asound")
    if not name:
        return
    handler_type = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )
    handler = handler_type(lambda *_: None)
    ctypes.cdll.LoadLibrary(name).snd_lib_error_set_handler(handler)
    _ALSA_HANDLER.append(handler)
