"""The timing rules of every session, in one place.

Each rule is stated relative to the length of the words actually spoken (measured from the voice,
or estimated for a quick plan), so it holds for any voice and speaking rate. Times are in ms;
the ones said to be "at normal pace" scale with the pace (0.75 slow, 1.25 fast).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    gap_ms: int = 300  # between two utterances, so they never run together
    count_gap_ms: int = 100  # after a countdown number: a count keeps its own rhythm
    # After a movement or breath cue ends, the listener still has this long to do it, in rep 1
    # as in every rep: a movement lasts max(its own scaled length, cue end + this).
    move_after_ms: int = 1500  # at normal and slower paces
    move_after_fast_ms: int = 1200  # the least, at faster paces
    breath_phase_ms: int = 3000  # a movement breathing in or out lasts at least this, at any pace
    deep_breath_ms: int = 4000  # each half (in, out) of a counted breath, at normal pace
    # Holds in seconds keep their length at any pace, in whole seconds, and start when the
    # movement into them ends. Shorter than short_hold_s they are marked by ticks; longer ones
    # count down their last counted_last_s seconds aloud (counted_last_long_s from long_hold_s).
    short_hold_s: int = 6
    counted_last_s: int = 3
    long_hold_s: int = 15
    counted_last_long_s: int = 5
    halfway_from_s: int = 10  # holds this long say their length and get a breathing reminder
    # at the middle ("Halfway. Keep breathing.", or "Keep breathing." where that does not fit)
    settle_ms: int = 1000  # quiet holding between a short hold's cue and its end
    silence_ms: int = 7000  # the longest quiet between two utterances
    count_in_ticks: int = 3
    max_session_ms: int = 12 * 3_600_000

    def move_after(self, pace: float) -> int:
        """1.5 s at slow and normal pace, down to 1.2 s at fast."""
        return round(
            min(self.move_after_ms, max(self.move_after_fast_ms, self.move_after_ms / pace))
        )

    def breath_half(self, pace: float) -> int:
        """One half of a deep breath: 4 s at normal, 5.3 s at slow, 3.2 s at fast, never under
        the shortest breath phase (faster paces would make it a gasp)."""
        return max(self.breath_phase_ms, round(self.deep_breath_ms / pace))

    def counted_last(self, seconds: int) -> int:
        """How many of a hold's last seconds are counted down aloud."""
        if seconds < self.short_hold_s:
            return 0
        return self.counted_last_long_s if seconds >= self.long_hold_s else self.counted_last_s


TIMING = Timing()
MAX_HOURS = TIMING.max_session_ms // 3_600_000
