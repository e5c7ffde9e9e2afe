"""Holds as a coach says them: equal in every rep, counted sparingly, never silent too long."""

import itertools

import pytest
from helpers import compile_ids, fake_length, spoken

from coach.definitions.model import Level
from coach.options import Guidance, Options
from coach.script.timeline import Role, SectionKind

HOLDS = """\
exercises:
  - id: short
    name: Short
    purpose: For tests.
    setup: Lie down.
    reps: 3
    phases:
      - cue: Lift up slowly with a long and careful first cue.
        short: Lift.
        breath: out
        length: 3
      - hold: 5
        cue: Hold it there, nice and still, and feel the gentle stretch along your low back and hips.
        short: Hold.
      - cue: And lower.
        breath: in
        length: 3
  - id: long
    name: Long
    purpose: For tests.
    setup: Lie down.
    reps: 2
    phases:
      - cue: Lift.
        length: 3
      - hold: 10 to 20
        cue: Stay in the stretch.
      - cue: And lower.
        length: 3
  - id: ticking
    name: Ticking
    purpose: For tests.
    setup: Lie down.
    phases:
      - cue: Go.
      - hold: 15
        cue: Hold for {hold}.
        count: ticks
  - id: breathing
    name: Breathing
    purpose: For tests.
    setup: Lie down.
    reps: 2
    phases:
      - cue: Squeeze.
        length: 3
      - hold: 3 breaths
        cue: Keep the squeeze, and breathe slowly into your stomach for {hold}.
        short: Keep it.
      - cue: And relax.
        length: 3
  - id: deep
    name: Deep
    purpose: For tests.
    setup: Lie down.
    phases:
      - cue: Back.
        length: 3
      - hold: 1 breath
        cue: Stay for one deep breath.
      - cue: Forward.
        length: 3
"""


def compiled(*ids, length=fake_length, **options):
    return compile_ids(*ids, options=Options(**options), yaml_text=HOLDS, length=length)


def holds_of(timeline, exercise):
    return [h for h in timeline.sections(SectionKind.HOLD) if h.exercise == exercise]


def inside(timeline, section):
    return [e for e in timeline.speech() if section.start_ms <= e.start_ms < section.end_ms]


def test_a_hold_starts_when_the_movement_ends_and_lasts_the_same_in_every_rep():
    timeline = compiled("short")
    holds = holds_of(timeline, "short")
    assert [h.end_ms - h.start_ms for h in holds] == [5000, 5000, 5000]
    # The long rep-1 hold cue does not fit a 5 s hold with room to hold still: the short one is said.
    assert [inside(timeline, h)[0].text for h in holds] == ["Hold."] * 3
    for hold in holds:
        cue = inside(timeline, hold)[0]
        assert cue.start_ms == hold.start_ms and cue.role is Role.HOLD
        release = next(e for e in timeline.speech() if e.start_ms >= hold.end_ms)
        assert release.start_ms == hold.end_ms and release.text == "And lower."


def test_a_short_hold_is_marked_by_ticks_not_numbers():
    timeline = compiled("short", reps=1)
    hold = holds_of(timeline, "short")[0]
    assert [e.role for e in inside(timeline, hold)] == [Role.HOLD]
    ticks = [
        s
        for s in timeline.sounds()
        if s.name == "tick" and hold.start_ms < s.start_ms < hold.end_ms
    ]
    assert [t.start_ms - hold.start_ms for t in ticks] == [1000, 2000, 3000, 4000]


@pytest.mark.parametrize(
    ("level", "seconds", "counted"), [(Level.BEGINNER, 10, 3), (Level.ADVANCED, 20, 5)]
)
def test_a_long_hold_says_its_length_reminds_to_breathe_at_halfway_and_counts_only_its_end(
    level, seconds, counted
):
    timeline = compiled("long", reps=1, level=level)
    hold = holds_of(timeline, "long")[0]
    assert hold.end_ms - hold.start_ms == seconds * 1000
    words = inside(timeline, hold)
    assert words[0].text == f"Stay in the stretch. {'Ten' if seconds == 10 else 'Twenty'} seconds."
    halfway = next(e for e in words if e.start_ms == hold.start_ms + seconds * 500)
    assert "breath" in halfway.text.lower() and halfway.role is Role.PROMPT
    numbers = [e for e in words if e.role is Role.COUNT]
    assert [n.text for n in numbers] == ["Five.", "Four.", "Three.", "Two.", "One."][-counted:]
    assert [hold.end_ms - n.start_ms for n in numbers] == [k * 1000 for k in range(counted, 0, -1)]


def test_rep_counts_and_countdown_numbers_never_sound_alike():
    words = spoken(compiled("long", level=Level.ADVANCED))
    reps = {w for w in words if w.startswith(("Rep ", "Last rep"))}
    counts = {"Five.", "Four.", "Three.", "Two.", "One."}
    assert reps and counts <= set(words) and not reps & counts


def test_a_count_with_ticks_says_its_length_and_ticks_the_uncovered_seconds():
    timeline = compiled("ticking")
    hold = holds_of(timeline, "ticking")[0]
    assert "Hold for fifteen seconds." in spoken(timeline)
    assert not [e for e in inside(timeline, hold) if e.role is Role.COUNT]
    speech = inside(timeline, hold)
    ticks = [
        s
        for s in timeline.sounds()
        if s.name == "tick" and hold.start_ms < s.start_ms < hold.end_ms
    ]
    assert ticks and all(not (e.start_ms <= t.start_ms <= e.end_ms) for t in ticks for e in speech)


def test_a_number_too_long_for_its_second_becomes_a_tick():
    def slow_voice(text: str) -> float:
        return 0.95 if text == "Three." else fake_length(text)

    timeline = compiled("long", reps=1, length=slow_voice)
    assert "Three." not in spoken(timeline) and "Two." in spoken(timeline)


def test_hold_option_replaces_every_hold_and_the_cue_says_the_seconds():
    timeline = compiled("long", "deep", reps=1, hold=12)
    assert {h.end_ms - h.start_ms for h in timeline.sections(SectionKind.HOLD)} == {12_000}
    words = spoken(timeline)
    # A breath-counted hold without {hold} in its cue no longer promises "one deep breath".
    assert "Stay for one deep breath." not in words and "Hold for twelve seconds." in words


def test_a_breath_hold_gives_every_rep_the_same_room_and_paces_deep_breaths():
    for pace, half in ((1.0, 4000), (0.75, 5333), (1.25, 3200)):
        timeline = compiled("breathing", pace=pace)
        holds = holds_of(timeline, "breathing")
        assert len({h.end_ms - h.start_ms for h in holds}) == 1
        words = inside(timeline, holds[1])
        assert words[0].text == "Keep it."
        breath_in = [e for e in words if e.role is Role.BREATH and e.text.endswith("in.")]
        assert [e.text for e in breath_in] == [
            "Breathe in.",
            "Second breath, in.",
            "Last breath, in.",
        ]
        assert [b.start_ms - a.start_ms for a, b in itertools.pairwise(breath_in)] == [2 * half] * 2
        assert holds[1].end_ms - breath_in[-1].start_ms == 2 * half


def test_one_deep_breath_is_four_seconds_in_and_four_out_at_normal_pace():
    timeline = compiled("deep")
    hold = holds_of(timeline, "deep")[0]
    words = {e.text: e for e in inside(timeline, hold)}
    assert words["And out."].start_ms - words["Breathe in."].start_ms == 4000
    assert hold.end_ms - words["And out."].start_ms == 4000


@pytest.mark.parametrize("guidance", list(Guidance))
def test_full_guidance_says_the_long_hold_cue_where_it_fits(guidance):
    words = spoken(compiled("breathing", guidance=guidance))
    long_cue = "Keep the squeeze, and breathe slowly into your stomach for three breaths."
    assert words.count(long_cue) == {"brief": 0, "standard": 1, "full": 2}[guidance.value]
