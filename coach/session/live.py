"""Live play: a session's stream, which starts on its opening while the voice makes the rest.

What a stream needs that a plan does not: the order in which to make phrases (the order the
session first needs them), a guess for the lengths still unknown (the estimate, scaled to this
voice by the phrases it has already made), the one "about N minutes" the opening will say, and
a gain before the whole mix exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from coach.audio.loudness import db_to_gain, true_peak
from coach.audio.mixer import Mix, sound_clip
from coach.definitions.model import Exercise, Routine
from coach.options import Options
from coach.script.compiler import Known, compile_known, draft
from coach.script.cues import BREATH_TONES
from coach.script.lengths import SpeechLength, estimate_speech_seconds
from coach.script.timeline import Timeline

if TYPE_CHECKING:
    from coach.play.stream import Stream
    from coach.voice.store import Voice

CALIBRATE_FROM_S = 20.0  # seconds of estimated speech before the voice's own pace is trusted
# Until then: what every engine's clips measured against the estimate, over healthy-back's
# phrases at 150 words a minute (espeak 0.72, festival 0.74, piper 0.68): trimmed clips are
# shorter than the estimate, which leaves room for pauses.
VOICE_SCALE = 0.71
# Sessions measure below their phrases (the quiet between them counts for a little): 2.3 to
# 2.6 LU with espeak and piper, 1.5 with festival (healthy-back, short-daily, bridge). The gain
# is then set by the true peak for the first two, exactly as measured, and 0.5 dB louder than
# measured for festival.
SESSION_BELOW_PHRASES_LU = 2.5


def stream(
    routine: Routine, exercises: Mapping[str, Exercise], options: Options, voice: Voice
) -> Stream:
    """The session's stream, its voice already at work on the phrases it lacks."""
    from coach.play.stream import Stream

    def made(phrases: tuple[str, ...]) -> dict[str, float]:
        """The lengths of the phrases the voice has already made (read from its cache)."""
        missing = set(voice.missing(phrases))
        return {text: voice.seconds(text) for text in phrases if text not in missing}

    def known(lengths: Mapping[str, float], minutes: int) -> Known:
        estimate = guess(lengths, voice.settings.rate)
        return compile_known(routine, exercises, options, lengths, estimate, minutes)

    # With every length known (all but the minutes line, which comes next) this settles the
    # minutes exactly as an export does; otherwise the opening says the voice-calibrated
    # estimate, and keeps saying it as lengths arrive.
    first = known(made(draft(routine, exercises, options, minutes=1)[1]), 1)
    minutes = max(1, round(first.timeline.duration_ms / 60_000))
    _, phrases = draft(routine, exercises, options, minutes)
    lengths = made(phrases)
    now = known(lengths, minutes)
    source = Stream(lambda lengths: known(lengths, minutes), voice, _gain(now, voice))
    source.start(phrases, lengths, now)
    return source


def guess(lengths: Mapping[str, float], rate: int) -> SpeechLength:
    """The estimate scaled by how this voice's phrases so far compare with it."""
    estimated = sum(estimate_speech_seconds(text) for text in lengths)
    if estimated >= CALIBRATE_FROM_S:
        scale = sum(lengths.values()) / estimated
    else:
        scale = VOICE_SCALE * 150 / rate

    def length(text: str) -> float:
        return estimate_speech_seconds(text) * scale

    return length


def _gain(known: Known, voice: Voice) -> float:
    """The export's gain when its analysis of this very mix is cached; else a close estimate,
    so that playing need not wait for the whole session to be measured."""
    from coach.audio.levels import gain_for, stored_levels
    from coach.voice.condition import CLIP_CEILING, CLIP_LOUDNESS

    if known.exact_ms >= known.timeline.duration_ms:
        levels = stored_levels(Mix(known.timeline, voice), voice.cache_dir)
        if levels is not None:
            return levels.gain
    peak = max([CLIP_CEILING, *(_peak(name) for name in _sounds(known.timeline))])
    loudness = CLIP_LOUDNESS - SESSION_BELOW_PHRASES_LU
    return db_to_gain(gain_for(loudness, peak))


def _sounds(timeline: Timeline) -> set[str]:
    return {sound.name for sound in timeline.sounds() if sound.name not in BREATH_TONES}


def _peak(name: str) -> float:
    return true_peak(sound_clip(name))
