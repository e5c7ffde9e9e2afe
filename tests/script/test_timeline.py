import json
import re

from helpers import compile_ids

from coach.options import Options
from coach.script.formats import from_json, to_json, to_text, to_vtt
from coach.script.timeline import Section, SectionKind, Sound, Speech, Timeline, clock


def small() -> Timeline:
    return Timeline(
        title="Tiny",
        routine="tiny",
        duration_ms=5000,
        settings="pace normal",
        events=Timeline.sort(
            [
                Speech(1200, 2500, "Hello."),
                Sound(0, 800, "bell"),
                Section(0, 5000, SectionKind.EXERCISE, "Tiny", "tiny"),
                Sound(3000, 3060, "tick"),
                Speech(3000, 4000, "Bye."),
            ]
        ),
    )


def test_sections_sort_before_what_they_contain():
    assert [e.type for e in small().events] == ["section", "sound", "speech", "sound", "speech"]


def test_json_is_the_public_shape():
    data = json.loads(to_json(small()))
    assert data["duration_s"] == 5.0
    assert data["events"][0] == {
        "start_s": 0.0,
        "end_s": 5.0,
        "type": "section",
        "kind": "exercise",
        "text": "Tiny",
        "exercise": "tiny",
    }
    assert data["events"][1] == {"start_s": 0.0, "end_s": 0.8, "type": "sound", "name": "bell"}
    assert data["events"][2] == {
        "start_s": 1.2,
        "end_s": 2.5,
        "type": "speech",
        "text": "Hello.",
        "role": "info",
    }
    for event in data["events"]:
        assert {"start_s", "end_s", "type"} <= event.keys()
        assert ("text" in event) or ("name" in event)


def test_text_cue_sheet_hides_ticks_and_shows_headings():
    text = to_text(small())
    assert text.splitlines()[0] == "Tiny: 00:05 (pace normal)"
    assert "00:00.000  == Tiny (00:05) ==" in text
    assert "00:01.200     Hello." in text
    assert "[bell]" in text and "tick" not in text
    assert text.rstrip().endswith("00:05.000  end")


def test_vtt_has_a_cue_per_spoken_line():
    vtt = to_vtt(small())
    assert vtt.startswith("WEBVTT\n\n")
    assert "00:00:01.200 --> 00:00:02.500\nHello." in vtt
    assert "NOTE Tiny" in vtt


def vtt_blocks(text: str) -> list[list[str]]:
    """The blocks of a WebVTT file, checked as a strict reader would check them."""
    header, *blocks = text.split("\n\n")
    assert header == "WEBVTT", "the header line must stand alone, followed by a blank line"
    out = []
    for block in filter(None, blocks):
        lines = block.strip("\n").split("\n")
        if lines[0].startswith("NOTE"):
            assert "-->" not in block and len(lines) == 1
        else:
            assert len(lines) == 2 and re.fullmatch(TIMING_LINE, lines[0]), block
            start, end = (_seconds(t) for t in lines[0].split(" --> "))
            assert end > start and lines[1].strip() and "-->" not in lines[1]
        out.append(lines)
    return out


TIMING_LINE = r"\d{2}:\d{2}:\d{2}\.\d{3} --> \d{2}:\d{2}:\d{2}\.\d{3}"


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def test_a_whole_session_is_valid_webvtt_with_cues_in_order():
    timeline = compile_ids("short-daily")
    blocks = vtt_blocks(to_vtt(timeline))
    cues = [b for b in blocks if not b[0].startswith("NOTE")]
    assert [c[1] for c in cues] == [e.text for e in timeline.speech()]
    starts = [_seconds(c[0].split(" --> ")[0]) for c in cues]
    assert starts == sorted(starts)


def test_titles_with_an_arrow_cannot_break_the_captions():
    arrow = Timeline(
        title="A --> B",
        routine="x",
        duration_ms=2000,
        events=(Speech(0, 1000, "Go --> now."),),
    )
    assert len(vtt_blocks(to_vtt(arrow))) == 2


def test_text_cue_sheet_reads_holds_and_rests_in_words_and_whole_seconds():
    text = to_text(compile_ids("healthy-back", options=Options(pace=0.75)))
    assert "(rest for 13 seconds)" in text and "(hold for 5 seconds)" in text
    assert ". Hold" not in text and ". Rest" not in text and "13.333" not in text


def test_clock_formats():
    assert clock(61_234) == "01:01.234"
    assert clock(3_723_000, precise=False) == "1:02:03"


def test_at_finds_events_under_way():
    found = small().at(1500)
    assert {e.type for e in found} == {"section", "speech"}


def test_full_session_json_round_trip_gives_the_same_timeline():
    timeline = compile_ids("bridge", options=Options(breath_tones=True))
    assert from_json(to_json(timeline)) == timeline
    assert {e.type for e in timeline.events} == {"section", "sound", "speech"}
