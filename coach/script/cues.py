"""The cue sounds: their names and lengths (what each one marks is said beside it).

The compiler needs only the lengths; ``scripts/make_sounds.py`` makes the WAV files in
``sounds/`` to exactly these lengths, and the mixer loads them from the installed package.
Breath tones are not files: the mixer makes each one as long as its breath phase.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CueSound:
    name: str
    length_ms: int
    lead_ms: int  # how long after it starts the next words may begin (it rings on under them)


SOUNDS = {
    s.name: s
    for s in (
        CueSound("bell", 2400, 1200),  # an exercise begins
        CueSound("chime", 1200, 1000),  # a new set or the other side begins
        CueSound("tick", 60, 0),  # a second passes in a hold or a count-in
        CueSound("gong", 5000, 5000),  # the session is over
        CueSound("pause", 400, 400),  # playback paused
        CueSound("resume", 400, 400),  # playback resumes
    )
}
BREATH_TONES = ("inhale", "exhale")
