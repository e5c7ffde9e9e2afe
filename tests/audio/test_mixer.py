import itertools

import numpy as np
import pytest

from coach.audio.mixer import (
    CODEC_HEADROOM,
    PEAK_CEILING,
    TARGET_LUFS,
    Mix,
    breath_tone,
    sound_clip,
)
from coach.audio.wav import RATE
from coach.script.cues import SOUNDS
from coach.script.timeline import Section, SectionKind, Sound, Speech, Timeline


class FakeClips:
    """Each phrase is a tone whose length and pitch come from its text."""

    def clip(self, text: str) -> np.ndarray:
        n = 2205 * len(text)
        return (0.05 * np.sin(np.arange(n) * (0.05 + len(text) / 100))).astype(np.float32)

    def peak(self, text: str) -> float:
        from coach.audio.loudness import true_peak

        return true_peak(self.clip(text))


def timeline(events, duration_ms=10_000) -> Timeline:
    return Timeline("T", "t", duration_ms, Timeline.sort(events))


def test_clips_land_on_their_samples():
    mix = Mix(timeline([Speech(1000, 1500, "abc"), Sound(3000, 3060, "tick")]), FakeClips())
    audio = mix.render(0, mix.length)
    assert len(audio) == 10 * RATE
    first = np.flatnonzero(audio)[0]
    assert first in (RATE, RATE + 1)  # a sine starts at zero
    assert np.allclose(audio[RATE : RATE + 6615], FakeClips().clip("abc"))
    tick = sound_clip("tick")
    assert np.allclose(audio[3 * RATE : 3 * RATE + len(tick)], tick)


def test_blocks_join_up_to_the_whole_render():
    events = [Speech(t, t + 500, f"p{t}") for t in range(0, 9000, 700)] + [Sound(100, 2500, "bell")]
    mix = Mix(timeline(events), FakeClips())
    whole = mix.render(0, mix.length)
    joined = np.concatenate(list(mix.blocks(size=3001)))
    assert np.array_equal(whole, joined)


def test_quiet_is_exactly_where_no_clip_is_placed():
    events = [Speech(t, t + 300, f"p{t % 7}") for t in range(200, 9000, 900)]
    events += [Sound(1000, 2500, "bell"), Speech(6000, 6100, "overlap")]
    mix = Mix(timeline(events), FakeClips())
    covered = np.zeros(mix.length, dtype=bool)
    for placed in mix.placed:
        covered[placed.start : placed.end] = True
    for start, end in [(0, mix.length), (RATE, 5 * RATE), (3000, 3001)]:
        spans = list(mix.quiet(start, end))
        quiet = np.zeros(mix.length, dtype=bool)
        for a, b in spans:
            quiet[a:b] = True
            assert not mix.render(a, b).any()
        # exactly the samples no clip covers, in order, as maximal stretches
        assert np.array_equal(quiet[start:end], ~covered[start:end])
        assert all(b < c for (_, b), (c, _) in itertools.pairwise(spans))


def test_measure_finds_the_gain_to_the_target():
    events = [Speech(t, t + 1000, "a long phrase here") for t in range(0, 60_000, 2000)]
    mix = Mix(timeline(events, 62_000), FakeClips())
    levels = mix.measure()
    assert levels.loudness + levels.gain_db == pytest.approx(TARGET_LUFS, abs=0.01)
    assert levels.true_peak + levels.gain_db <= PEAK_CEILING - CODEC_HEADROOM


def test_a_peaky_session_is_held_below_the_ceiling_with_the_codec_headroom():
    class Peaky(FakeClips):
        def clip(self, text: str) -> np.ndarray:
            quiet = super().clip(text) * 0.2
            quiet[100] = 0.9  # one click far above the speech
            return quiet

        def peak(self, text: str) -> float:
            from coach.audio.loudness import true_peak

            return true_peak(self.clip(text))

    mix = Mix(timeline([Speech(1000 * i, 1000 * i + 800, "peak") for i in range(1, 30)]), Peaky())
    levels = mix.measure()
    assert levels.true_peak + levels.gain_db == pytest.approx(PEAK_CEILING - CODEC_HEADROOM)
    assert levels.loudness + levels.gain_db < TARGET_LUFS  # the peak, not loudness, set the gain


def test_true_peak_matches_the_full_render_with_overlaps():
    from coach.audio.loudness import true_peak

    events = [
        Sound(0, 2400, "bell"),
        Speech(900, 2000, "overlapping words"),
        Speech(5000, 6000, "alone"),
    ]
    mix = Mix(timeline(events), FakeClips())
    assert mix.true_peak() == pytest.approx(true_peak(mix.render(0, mix.length)), abs=0.01)


def test_breath_tones_are_exactly_as_long_as_their_phase():
    assert len(breath_tone("inhale", 12345)) == 12345
    mix = Mix(timeline([Sound(1000, 4000, "inhale")]), FakeClips())
    audio = mix.render(0, mix.length)
    sounding = np.flatnonzero(np.abs(audio) > 1e-4)
    assert sounding[0] >= RATE and sounding[-1] < 4 * RATE


def test_cue_sounds_are_as_long_as_the_compiler_thinks():
    for name, cue in SOUNDS.items():
        assert len(sound_clip(name)) == round(cue.length_ms * RATE / 1000), name


def test_sections_make_no_sound():
    mix = Mix(timeline([Section(0, 10_000, SectionKind.EXERCISE, "x")]), FakeClips())
    assert not mix.render(0, mix.length).any()


# 14, 27 and 100 are lengths where sin(pi * k / (n - 1)) rounds just below zero at the end.
@pytest.mark.parametrize("length", [2, 14, 27, 100, 12345])
def test_breath_tones_are_finite_at_every_length(length):
    assert np.isfinite(breath_tone("exhale", length)).all()
