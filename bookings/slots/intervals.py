"""Sorted intervals for the roster: merging them, finding one that meets an interval, an officer's shifts.

Instants are compared only (bookings.slots.grid.Instant: aware datetimes, or integer
microseconds as the engine's loader reads them).
"""

from bisect import bisect_right
from itertools import accumulate
from operator import le
from typing import NamedTuple

from .grid import Instant


class Interval(NamedTuple):
    starts_at: Instant
    ends_at: Instant


def merge(intervals) -> list[Interval]:
    """Sorted, disjoint intervals covering the same time (touching ones joined)."""
    merged: list[Interval] = []
    for starts_at, ends_at in sorted(intervals):
        if merged and starts_at <= merged[-1].ends_at:
            if ends_at > merged[-1].ends_at:
                merged[-1] = Interval(merged[-1].starts_at, ends_at)
        else:
            merged.append(Interval(starts_at, ends_at))
    return merged


def overlaps_any(starts: list, ends: list, starts_at: Instant, ends_at: Instant) -> bool:
    """Whether [starts_at, ends_at) meets one of sorted, disjoint intervals given by their `starts` and `ends`."""
    i = bisect_right(ends, starts_at)
    return i < len(starts) and starts[i] < ends_at


class Shifts:
    """One officer's shifts, sorted by start, with the running maximum of their ends."""

    __slots__ = ("intervals", "starts", "ends", "reach", "disjoint")

    def __init__(self, intervals: list[Interval]):
        self.intervals = sorted(intervals)
        self.starts = [s for s, _e in self.intervals]
        self.ends = [e for _s, e in self.intervals]
        self.disjoint = all(map(le, self.ends[:-1], self.starts[1:]))
        self.reach = list(accumulate(self.ends, max))

    def covering(self, starts_at: Instant, ends_at: Instant) -> Interval | None:
        """The earliest-starting shift that covers the whole of [starts_at, ends_at)."""
        found = None
        i = bisect_right(self.starts, starts_at) - 1
        # Walk back while an earlier shift could still reach ends_at.
        while i >= 0 and self.reach[i] >= ends_at:
            if self.intervals[i].ends_at >= ends_at:
                found = self.intervals[i]
            i -= 1
        return found
