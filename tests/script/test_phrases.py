"""The coach's own words: numbers for every allowed length, sentence case, plurals, names."""

import pytest

from coach.definitions.model import Side
from coach.script import phrases


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zero"),
        (7, "seven"),
        (21, "twenty-one"),
        (100, "one hundred"),
        (115, "one hundred and fifteen"),
        (999, "nine hundred and ninety-nine"),
        (1000, "one thousand"),
        (1005, "one thousand and five"),
        (1205, "one thousand two hundred and five"),
        (43_200, "forty-three thousand two hundred"),
        (999_999, "nine hundred and ninety-nine thousand nine hundred and ninety-nine"),
    ],
)
def test_number_words(n, words):
    assert phrases.number(n) == words


def test_numbers_beyond_the_words_are_refused():
    with pytest.raises(ValueError, match="no words"):
        phrases.number(1_000_000)


@pytest.mark.parametrize(
    ("minutes", "said"),
    [
        (0, "one minute"),
        (1, "one minute"),
        (7, "seven minutes"),
        (60, "one hour"),
        (61, "one hour and one minute"),
        (135, "two hours and fifteen minutes"),
        (720, "twelve hours"),
    ],
)
def test_session_length_in_hours_and_minutes(minutes, said):
    assert phrases.session_length(minutes) == f"This session takes about {said}."


def test_plurals_and_figures():
    assert phrases.plural(1, "breath") == "one breath"
    assert phrases.plural(2, "breath") == "two breaths"
    assert (
        phrases.figure(1, "second") == "1 second" and phrases.figure(13, "second") == "13 seconds"
    )
    assert phrases.hold_words(None, 1) == "one deep breath"
    assert phrases.hold_words(None, 7) == "seven breaths"
    assert phrases.hold_words(20, None) == "twenty seconds"
    assert phrases.rest(1) == "Rest for one second."
    assert phrases.capital(phrases.hold_title(None, 1)) == "Hold for 1 breath"


def test_sentence_case_after_substitutions_and_names_in_running_text():
    assert phrases.fill("{side} knee to your chest.", Side.RIGHT) == "Right knee to your chest."
    assert phrases.fill("Hold. {hold} to go.", None, "ten seconds") == "Hold. Ten seconds to go."
    assert phrases.fill("Roll to the {other}.", Side.LEFT) == "Roll to the right."
    assert phrases.next_up("Knee to chest") == "Next up: knee to chest."
    assert phrases.done("Bridge") == "That is bridge done."
    assert phrases.in_text("TV stretch") == "TV stretch"


def test_placeholders_are_substituted_never_interpreted():
    text = "Hold {hold:>99} and {side!r} and {x}."
    assert phrases.fill(text, Side.RIGHT, "ten seconds") == text


def test_rep_counts_never_sound_like_countdown_numbers():
    reps = {phrases.rep_count(n, 20) for n in range(1, 21)}
    counts = {phrases.countdown(n) for n in range(1, 21)}
    assert not reps & counts
    assert phrases.rep_count(20, 20) == "Last rep." and phrases.rep_count(3, 20) == "Rep three."


def test_counted_breaths_are_ordinals_never_bare_numbers():
    assert [phrases.breath_word(i, 4) for i in range(1, 5)] == [
        "Breathe in.",
        "Second breath, in.",
        "Third breath, in.",
        "Last breath, in.",
    ]
    assert phrases.breath_word(25, 30) == "Breath twenty-five, in."
