"""Clip conditioning: every phrase trimmed, band-limited, equally loud and safely below full scale.

Phrases are brought to :data:`CLIP_LOUDNESS` and limited to :data:`CLIP_CEILING`, so a whole
session can be lifted to -16 LUFS with one gain and no clipping, whatever engine spoke them.
"""

from __future__ import annotations

import numpy as np

from coach.audio.loudness import db_to_gain, limit, loudness, lowpass
from coach.audio.wav import RATE, Samples

CLIP_LOUDNESS = -20.0  # LUFS of every phrase; the session gain lifts it to -16
CLIP_CEILING = -10.5  # dBTP of every phrase, leaving room for that gain and a bell beneath
SILENCE = 10 ** (-45 / 20)  # below this a clip's start and end are trimmed
PROCESSING_VERSION = 9  # bump when conditioning changes, so cached clips are remade


def condition(samples: Samples) -> Samples:
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
