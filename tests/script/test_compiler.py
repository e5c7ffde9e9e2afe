"""Compiler semantics: reps, sets, sides, holds, ranges, levels and pace, exactly."""

import itertools

import pytest
from helpers import catalog_with, compile_ids, fake_length, spoken

from coach.definitions.model import Level
from coach.errors import OptionError, UnknownIdError
from coach.options import Options
from coach.script.compiler import BREATH_MS, GAP_MS, compile_session, estimate_speech_seconds
from coach.script.timeline import Section, SectionKind, Sound, Speech

TOY = """\
exercises:
  - id: toy
    name: Toy
    purpose: For tests.
    setup: Lie down.
    reps: 4 to 8
    phases:
      - cue: Breathe out and press.
        short: Press.
        breath: out
        length: 4
      - hold: 5
        cue: Hold.
      - cue: Breathe in and relax.
        breath: in
        length: 3
  - id: sided
    name: Sided
    purpose: For tests.
    setup: Lie down.
    reps: 2
    sides: one-then-other
    first_side: left
    phases:
      - cue: Lift the {side} leg.
        length: 2
  - id: alt
    name: Alt
    purpose: For tests.
    setup: Lie down.
    reps: 3
    sides: alternate
    phases:
      - cue: Knees to the {side}.
        length: 2
      - hold: 2 breaths
        cue: Stay.
  - id: long-hold
    name: Long hold
    purpose: For tests.
    setup: Lie down.
    phases:
      - cue: Go.
      - hold: 10 to 20
        cue: Hold for {hold}.
        count: ticks
"""


def toy(*ids: str, **options) -> list:
    return compile_ids(*ids, options=Options(**options), yaml_text=TOY)


def reps_of(timeline, exercise: str) -> list[str]:
    return [s.title for s in timeline.sections(SectionKind.REP) if s.exercise == exercise]


def assert_no_speech_overlap(timeline):
    speech = list(timeline.speech())
    for before, after in itertools.pairwise(speech):
        assert after.start_ms >= before.end_ms + GAP_MS, (before, after)
    assert all(e.end_ms <= timeline.duration_ms for e in timeline.events)


def test_reps_are_counted_aloud_with_last_one_and_short_cues_after_the_first():
    timeline = toy("toy", reps=3)
    assert reps_of(timeline, "toy") == ["Rep 1 of 3", "Rep 2 of 3", "Rep 3 of 3"]
    words = spoken(timeline)
    assert words.count("One.") == 1 and words.count("Two.") == 1 and words.count("Last one.") == 1
    assert words.count("Breathe out and press.") == 1  # the full cue once ...
    assert words.count("Press.") == 2  # ... then the short one
    assert "Three reps." in words


@pytest.mark.parametrize(
    ("level", "reps"), [(Level.BEGINNER, 4), (Level.STANDARD, 6), (Level.ADVANCED, 8)]
)
def test_level_picks_low_middle_or_high_end_of_each_range(level, reps):
    timeline = toy("toy", "long-hold", level=level)
    assert len(reps_of(timeline, "toy")) == reps
    hold = next(s for s in timeline.sections(SectionKind.HOLD) if s.exercise == "long-hold")
    assert hold.end_ms - hold.start_ms == {4: 10_000, 6: 15_000, 8: 20_000}[reps]


def test_a_hold_starts_when_its_cue_ends_and_counts_down_on_whole_seconds():
    timeline = toy("toy", reps=1)
    cue = next(e for e in timeline.speech() if e.text == "Hold.")
    hold = next(timeline.sections(SectionKind.HOLD))
    assert hold.start_ms == cue.end_ms
    assert hold.end_ms - hold.start_ms == 5000
    counts = [e for e in timeline.speech() if hold.start_ms < e.start_ms < hold.end_ms]
    assert [c.text for c in counts] == ["Four", "Three", "Two", "One"]
    assert [c.start_ms - hold.start_ms for c in counts] == [1000, 2000, 3000, 4000]
    relax = next(e for e in timeline.speech() if e.text == "Breathe in and relax.")
    assert relax.start_ms == hold.end_ms


def test_ticks_instead_of_words_and_hold_placeholder_filled():
    timeline = toy("long-hold")
    hold = next(timeline.sections(SectionKind.HOLD))
    ticks = [
        e
        for e in timeline.sounds()
        if e.name == "tick" and hold.start_ms < e.start_ms < hold.end_ms
    ]
    assert len(ticks) == 14  # a 15 s hold: a tick at each whole second inside it
    assert "Hold for fifteen seconds." in spoken(timeline)


def test_a_number_too_long_for_its_second_becomes_a_tick():
    def slow_voice(text: str) -> float:
        return 0.95 if text == "Three" else fake_length(text)

    timeline = compile_ids("toy", options=Options(reps=1), yaml_text=TOY, length=slow_voice)
    assert "Three" not in spoken(timeline)
    assert_no_speech_overlap(timeline)


def test_one_side_then_the_other_announces_the_switch_and_counts_per_side():
    timeline = toy("sided", reps=3)
    assert reps_of(timeline, "sided") == [
        f"Rep {n} of 3 ({side})" for side in ("left", "right") for n in (1, 2, 3)
    ]
    words = spoken(timeline)
    assert "Start on the left side." in words and "Now switch to the right side." in words
    assert words.count("Lift the left leg.") == 3 and words.count("Lift the right leg.") == 3
    assert "Three reps on each side." in words


def test_alternate_does_both_sides_in_each_counted_rep():
    timeline = toy("alt")
    assert len(reps_of(timeline, "alt")) == 3
    words = spoken(timeline)
    assert words.count("Knees to the right.") == 3 and words.count("Knees to the left.") == 3
    first_right = words.index("Knees to the right.")
    assert words[first_right + 1 :].index("Knees to the left.") < words[first_right + 1 :].index(
        "Two."
    )


def test_breath_holds_cue_each_breath_at_the_pace():
    timeline = toy("alt", reps=1, pace=0.5)
    words = spoken(timeline)
    assert words.count("Breathe in.") == 2 and words.count("Last breath, in.") == 2
    hold = next(timeline.sections(SectionKind.HOLD))
    # Two breaths at half speed: each breath twice as long, never shorter than its cue.
    assert hold.end_ms - hold.start_ms >= 2 * BREATH_MS * 2


def test_sets_rest_between_them():
    timeline = toy("toy", reps=2, sets=3, rest=7)
    words = spoken(timeline)
    assert [w for w in words if w.startswith("Set ")] == [
        "Set one of three.",
        "Set two of three.",
        "Set three of three.",
    ]
    rests = [s for s in timeline.sections(SectionKind.REST) if s.exercise == "toy"]
    assert [r.end_ms - r.start_ms for r in rests] == [7000, 7000]
    assert len(reps_of(timeline, "toy")) == 6
    assert "Three sets of two reps." in words


def test_pace_scales_movements_and_rests_but_not_prescribed_holds():
    normal = toy("toy", reps=2)
    slow = toy("toy", reps=2, pace=0.5)
    assert slow.duration_ms > normal.duration_ms

    def press_phase_ms(timeline):
        start = next(e for e in timeline.speech() if e.text == "Press.").start_ms
        hold_cue = next(e for e in timeline.speech() if e.text == "Hold." and e.start_ms > start)
        return hold_cue.start_ms - start

    assert press_phase_ms(normal) == 4000
    assert press_phase_ms(slow) == 8000
    holds = [s.end_ms - s.start_ms for t in (normal, slow) for s in t.sections(SectionKind.HOLD)]
    assert set(holds) == {5000}


def test_hold_option_replaces_every_hold():
    timeline = toy("toy", "long-hold", reps=1, hold=3)
    assert {s.end_ms - s.start_ms for s in timeline.sections(SectionKind.HOLD)} == {3000}
    assert "Hold for three seconds." in spoken(timeline)


def test_a_movement_lasts_at_least_as_long_as_its_cue():
    def wordy(text: str) -> float:
        return 6.0 if text == "Breathe out and press." else fake_length(text)

    timeline = compile_ids("toy", options=Options(reps=1), yaml_text=TOY, length=wordy)
    assert_no_speech_overlap(timeline)


def test_only_skip_and_per_exercise_reps():
    catalog = catalog_with()
    routine = catalog.routine("healthy-back")
    only = compile_session(
        routine, catalog.exercises, Options(only=("bridge", "pelvic-tilt")), fake_length
    )
    assert [s.exercise for s in only.sections(SectionKind.EXERCISE)] == ["pelvic-tilt", "bridge"]
    skipped = compile_session(routine, catalog.exercises, Options(skip=("bridge",)), fake_length)
    assert "bridge" not in [s.exercise for s in skipped.sections(SectionKind.EXERCISE)]
    per = compile_session(
        routine, catalog.exercises, Options(reps=2, reps_for={"bridge": 4}), fake_length
    )
    assert len(reps_of(per, "bridge")) == 4 and len(reps_of(per, "pelvic-tilt")) == 2


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        (
            Options(only=("brigde",)),
            UnknownIdError,
            r"--only brigde: not in routine 'healthy-back' \(did you mean 'bridge'\?\)",
        ),
        (Options(skip=("spine-stretch",)), UnknownIdError, "not in routine"),
        (
            Options(reps_for={"hamstring-strech": 3}),
            UnknownIdError,
            "did you mean .hamstring-stretch.",
        ),
    ],
)
def test_bad_selections_are_refused(options, error, message):
    catalog = catalog_with()
    with pytest.raises(error, match=message):
        compile_session(catalog.routine("healthy-back"), catalog.exercises, options, fake_length)


def test_reps_for_a_sequence_exercise_is_refused_and_global_reps_leave_it_alone():
    catalog = catalog_with()
    routine = catalog.routine("middle-back")
    with pytest.raises(OptionError, match="has no reps"):
        compile_session(routine, catalog.exercises, Options(reps_for={"middle-back-rolling": 3}))
    default = compile_session(routine, catalog.exercises, Options(), fake_length)
    assert (
        compile_session(routine, catalog.exercises, Options(reps=9), fake_length).events
        == default.events
    )


def test_skipping_everything_is_an_error():
    with pytest.raises(OptionError, match="leave nothing"):
        compile_ids("bridge", options=Options(skip=("bridge",)))


def test_session_shape_opening_sections_next_up_and_closing():
    timeline = compile_ids("healthy-back")
    words = spoken(timeline)
    assert words[0] == "Healthy back."
    assert words[1].startswith("This session takes about") and words[1].endswith("minutes.")
    assert "If anything hurts" in words[2]
    assert words[-1].startswith("Form and regular practice")
    assert "Next up: Bridge." in words
    kinds = [s.kind for s in timeline.chapters()]
    assert kinds[0] is SectionKind.INTRO and kinds[-1] is SectionKind.OUTRO
    assert [c.title for c in timeline.chapters()][1:-1] == [
        "Pelvic tilt",
        "Knee to chest",
        "Double knee to chest",
        "Lower trunk rotation",
        "Hamstring stretch",
        "Bridge",
    ]
    chapters = timeline.chapters()
    assert chapters[0].start_ms == 0 and chapters[-1].end_ms == timeline.duration_ms
    assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(chapters))
    assert isinstance(timeline.events[-1], Sound | Speech | Section)
    gong = [e for e in timeline.sounds() if e.name == "gong"]
    assert gong and gong[0].end_ms == timeline.duration_ms


def test_the_spoken_length_matches_the_compiled_session():
    timeline = compile_ids("healthy-back", length=estimate_speech_seconds)
    minutes = round(timeline.duration_ms / 60_000)
    from coach.script import phrases

    assert phrases.session_length(minutes) in spoken(timeline)


@pytest.mark.parametrize(
    "routine",
    [
        "healthy-back",
        "low-back-daily",
        "middle-back",
        "posture-rolls",
        "seated-spine",
        "short-daily",
    ],
)
@pytest.mark.parametrize(
    "options",
    [
        Options(),
        Options(pace=2.0, level=Level.BEGINNER),
        Options(pace=0.5, reps=2, sets=2, hold=1, rest=0),
    ],
)
def test_speech_never_overlaps_in_any_builtin_routine(routine, options):
    timeline = compile_ids(routine, options=options)
    assert_no_speech_overlap(timeline)
    assert all(e.end_ms > e.start_ms for e in timeline.events)


def test_breath_tones_span_each_breath_phase_exactly():
    timeline = toy("toy", reps=1, breath_tones=True)
    tones = [e for e in timeline.sounds() if e.name in ("inhale", "exhale")]
    assert [t.name for t in tones] == ["exhale", "inhale"]
    assert [t.end_ms - t.start_ms for t in tones] == [4000, 3000]
    assert not [e for e in toy("toy", reps=1).sounds() if e.name in ("inhale", "exhale")]
