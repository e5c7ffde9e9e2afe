"""Compiler semantics: reps, sets, sides, ranges, levels, pace, guidance and rests, exactly."""

import itertools

import pytest
from helpers import catalog_with, compile_ids, fake_length, spoken

from coach.definitions.model import Level
from coach.errors import OptionError, UnknownIdError
from coach.options import Guidance, Options
from coach.script import phrases
from coach.script.compiler import compile_session, vocabulary
from coach.script.lengths import MissingSpeechError, estimate_speech_seconds, measured
from coach.script.timeline import Role, SectionKind
from coach.script.timing import TIMING

TOY = """\
exercises:
  - id: toy
    name: Toy
    purpose: For tests.
    setup: Lie down.
    tips: Breathe easily throughout.
    cautions: Stop if it hurts.
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
  - id: turns
    name: Turns
    purpose: For tests.
    setup: Lie down.
    reps: 3
    sides: switch-each-rep
    phases:
      - cue: "{side} knee over."
        length: 2
"""


def toy(*ids: str, **options) -> list:
    return compile_ids(*ids, options=Options(**options), yaml_text=TOY)


def reps_of(timeline, exercise: str) -> list[str]:
    return [s.title for s in timeline.sections(SectionKind.REP) if s.exercise == exercise]


def test_reps_are_named_as_reps_with_the_full_cue_first_and_the_short_one_after():
    timeline = toy("toy", reps=3)
    assert reps_of(timeline, "toy") == ["Rep 1 of 3", "Rep 2 of 3", "Rep 3 of 3"]
    words = spoken(timeline)
    assert [w for w in words if w.startswith(("Rep ", "Last rep"))] == [
        "Rep one.",
        "Rep two.",
        "Last rep.",
    ]
    assert words.count("Breathe out and press.") == 1 and words.count("Press.") == 2
    assert "Three reps." in words


@pytest.mark.parametrize(
    ("guidance", "full_cues", "said", "unsaid"),
    [
        (Guidance.BRIEF, 0, [], ["For tests.", "Lie down.", "Stop if it hurts.", "That is toy done."]),
        (Guidance.STANDARD, 1, ["For tests.", "Lie down.", "Stop if it hurts."], ["Breathe easily throughout."]),
        (Guidance.FULL, 3, ["Lie down.", "Stop if it hurts.", "Breathe easily throughout."], []),
    ],
)  # fmt: skip
def test_guidance_decides_what_is_said_besides_counts_and_breaths(
    guidance, full_cues, said, unsaid
):
    words = spoken(toy("toy", reps=3, guidance=guidance))
    assert words.count("Breathe out and press.") == full_cues
    assert all(line in words for line in said)
    assert not any(line in words for line in unsaid)
    # Safety opens every session, whatever the guidance.
    assert words[2:4] == [phrases.DOCTOR, phrases.STOP_IF_PAIN]


@pytest.mark.parametrize(
    ("level", "reps"), [(Level.BEGINNER, 4), (Level.STANDARD, 6), (Level.ADVANCED, 8)]
)
def test_level_picks_low_middle_or_high_end_of_each_range(level, reps):
    assert len(reps_of(toy("toy", level=level), "toy")) == reps


def test_one_side_then_the_other_announces_the_switch_and_counts_per_side():
    timeline = toy("sided", reps=3)
    assert reps_of(timeline, "sided") == [
        f"Rep {n} of 3 ({side})" for side in ("left", "right") for n in (1, 2, 3)
    ]
    words = spoken(timeline)
    assert "Start on the left side." in words and "Now switch to the right side." in words
    assert words.count("Lift the left leg.") == 3 and words.count("Lift the right leg.") == 3
    assert "Three reps on each side." in words


def test_alternate_does_both_sides_in_each_rep():
    words = spoken(toy("alt"))
    assert words.count("Knees to the right.") == 3 and words.count("Knees to the left.") == 3
    rep_two = words.index("Rep two.")
    assert words[rep_two - 2 : rep_two] == ["Knees to the right.", "Knees to the left."]


def test_switch_each_rep_goes_to_the_next_side_every_rep_in_sentence_case():
    words = spoken(toy("turns"))
    assert [w for w in words if w.endswith("knee over.")] == [
        "Right knee over.",
        "Left knee over.",
        "Right knee over.",
    ]
    assert "Three reps, switching sides each time." in words


def test_a_routine_that_turns_sides_off_does_the_exercise_on_one_side():
    yaml_text = TOY + (
        "routines:\n  - id: one-side\n    name: One side\n    description: d\n"
        "    exercises:\n      - id: alt\n        sides: none\n"
    )
    words = spoken(compile_ids("one-side", yaml_text=yaml_text))
    assert words.count("Knees to the right.") == 3 and "Knees to the left." not in words


def test_a_movement_lasts_its_own_time_and_always_leaves_time_to_move_after_its_cue():
    def wordy(text: str) -> float:
        return 6.0 if text == "Breathe out and press." else fake_length(text)

    for pace, least in ((0.75, 1500), (1.0, 1500), (1.25, 1200)):
        timeline = compile_ids(
            "toy", options=Options(reps=2, pace=pace), yaml_text=TOY, length=wordy
        )
        speech = list(timeline.speech())
        for cue, after in itertools.pairwise(speech):
            if cue.role is Role.MOVE:
                assert after.start_ms - cue.end_ms >= least, (pace, cue, after)
        press = next(e for e in speech if e.text == "Press.")
        hold = next(h for h in timeline.sections(SectionKind.HOLD) if h.start_ms > press.start_ms)
        assert hold.start_ms - press.start_ms == round(4000 / pace)  # the movement's own time


def test_a_breath_phase_is_never_squeezed_below_three_seconds():
    timeline = toy("toy", reps=2, pace=2.0)
    relax = [e for e in timeline.speech() if e.text in ("Breathe in and relax.",)]
    rep_two = next(e for e in timeline.speech() if e.text == "Last rep.")
    assert rep_two.start_ms - relax[0].start_ms >= TIMING.breath_phase_ms


def test_sets_rest_between_them_in_whole_seconds():
    timeline = toy("toy", reps=2, sets=3, rest=7)
    words = spoken(timeline)
    assert [w for w in words if w.startswith("Set ")] == [
        "Set one of three.",
        "Set two of three.",
        "Set three of three.",
    ]
    rests = [s for s in timeline.sections(SectionKind.REST) if s.exercise == "toy"]
    assert [r.end_ms - r.start_ms for r in rests] == [7000, 7000]
    assert [r.title for r in rests] == ["Rest for 7 seconds"] * 2
    assert "Three sets of two reps." in words and "Rest for seven seconds." in words


def test_a_rest_scaled_by_the_pace_is_said_and_done_in_whole_seconds():
    timeline = compile_ids("healthy-back", options=Options(pace=0.75), length=fake_length)
    rests = list(timeline.sections(SectionKind.REST))
    assert {r.end_ms - r.start_ms for r in rests} == {13_000}  # 10 s / 0.75, rounded
    assert "Rest for thirteen seconds." in spoken(timeline)
    assert not any("zero" in w for w in spoken(timeline))


def test_no_rest_means_no_rest_section_and_no_zero():
    timeline = compile_ids("healthy-back", options=Options(rest=0), length=fake_length)
    assert not list(timeline.sections(SectionKind.REST))
    assert "Next up: bridge." in spoken(timeline)


def test_rests_under_a_second_are_refused():
    with pytest.raises(OptionError, match=r"--rest 0\.4: give 0 for no rest, or 1 second or more"):
        Options(rest=0.4)


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


@pytest.mark.parametrize("targets", [["healthy-back"], ["bridge"], ["short-daily"]])
def test_every_session_opens_with_the_doctor_and_stop_if_pain_lines(targets):
    words = spoken(compile_ids(*targets))
    assert words[1].startswith("This session takes about")
    assert words[2:4] == [phrases.DOCTOR, phrases.STOP_IF_PAIN]
    assert words.count(phrases.DOCTOR) == 1


def test_session_shape_sections_next_up_in_running_text_and_closing():
    timeline = compile_ids("healthy-back")
    words = spoken(timeline)
    assert words[0] == "Healthy back."
    assert "Next up: bridge." in words and "That is knee to chest done." in words
    assert words[-1].startswith("Good form")
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
    gong = [e for e in timeline.sounds() if e.name == "gong"]
    assert gong and gong[0].end_ms == timeline.duration_ms


def test_the_spoken_length_matches_the_compiled_session():
    timeline = compile_ids("healthy-back", length=estimate_speech_seconds)
    minutes = round(timeline.duration_ms / 60_000)
    assert phrases.session_length(minutes) in spoken(timeline)


def test_sessions_over_twelve_hours_are_refused_early_with_one_line():
    catalog = catalog_with()
    with pytest.raises(OptionError) as refused:
        compile_session(
            catalog.routine("healthy-back"), catalog.exercises, Options(reps=40, sets=10)
        )
    assert "more than 12 hours" in str(refused.value) and "\n" not in str(refused.value)
    assert "--reps or --sets" in str(refused.value)


def test_the_longest_allowed_sessions_have_words_for_their_length():
    catalog = catalog_with()
    timeline = compile_session(
        catalog.routine("healthy-back"), catalog.exercises, Options(reps=20, sets=6)
    )
    assert timeline.duration_ms > 3 * 3_600_000
    assert any(w.startswith("This session takes about") and "hour" in w for w in spoken(timeline))


@pytest.mark.parametrize("factor", [0.35, 0.7, 1.3])
@pytest.mark.parametrize("pace", [0.75, 1.0, 1.25])
def test_vocabulary_lists_every_phrase_a_voice_of_any_speed_will_need(factor, pace):
    """Measured lengths may differ from the estimate: the prepared table must still do."""
    catalog = catalog_with()
    for ident, guidance in itertools.product(sorted(catalog.routines), Guidance):
        routine = catalog.routine(ident)
        options = Options(pace=pace, guidance=guidance)
        table = {
            t: estimate_speech_seconds(t) * factor
            for t in vocabulary(routine, catalog.exercises, options)
        }
        try:
            compile_session(routine, catalog.exercises, options, measured(table))
        except MissingSpeechError as missing:
            # Only the spoken length of the session may be new once lengths are measured.
            assert missing.text.startswith("This session takes about"), missing.text


def test_breath_tones_span_each_breath_phase_exactly():
    timeline = toy("toy", reps=1, breath_tones=True)
    tones = [e for e in timeline.sounds() if e.name in ("inhale", "exhale")]
    assert [t.name for t in tones] == ["exhale", "inhale"]
    speech = {e.text: e for e in timeline.speech()}
    exhale, inhale = tones
    assert exhale.start_ms == speech["Breathe out and press."].start_ms
    assert inhale.start_ms == speech["Breathe in and relax."].start_ms
    assert not [e for e in toy("toy", reps=1).sounds() if e.name in ("inhale", "exhale")]
