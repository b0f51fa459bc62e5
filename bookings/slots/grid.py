"""The slots of one station as a sorted grid: which of them an interval touches."""

from bisect import bisect_left, bisect_right
from typing import Any

# An instant on the grid: an aware datetime, or integer microseconds since the epoch as the
# engine's loader reads them (bookings.slots.engine.to_micros), with lengths then in
# microseconds too. The grid and the roster only compare instants and add lengths to them,
# never mixing the two forms: Any, as a union would make every comparison a type error.
Instant = Any  # datetime | int
Length = Any  # timedelta | int


class SlotGrid:
    """Slot starts (sorted), each slot `length` long.

    touched() is two binary searches, or one dictionary lookup for the usual booking:
    exactly one slot long and on the grid, on a grid whose slots never overlap (they
    can, where two opening ranges of one day overlap out of step).
    """

    def __init__(self, starts: list[Instant], length: Length, *, regular: bool | None = None):
        """`regular`: whether no two slots overlap, when the caller knows it already (the engine does)."""
        self.starts = starts
        self.length = length
        if regular is None:
            regular = all(later - earlier >= length for earlier, later in zip(starts, starts[1:], strict=False))
        self._index = dict(zip(starts, range(len(starts)), strict=True)) if regular else {}

    def __len__(self) -> int:
        return len(self.starts)

    def touched(self, starts_at: Instant, ends_at: Instant) -> range:
        """Indexes of the slots that overlap [starts_at, ends_at)."""
        i = self._index.get(starts_at)
        if i is not None and ends_at - starts_at == self.length:
            return range(i, i + 1)
        return range(bisect_right(self.starts, starts_at - self.length), bisect_left(self.starts, ends_at))

    def touched_by(self, intervals) -> set[int]:
        """The indexes of the slots any of the (start, end) intervals overlaps: touched() inlined for the usual
        booking (one slot long, on the grid), which the engine asks of every booking."""
        index, length, found = self._index, self.length, set()
        for starts_at, ends_at in intervals:
            i = index.get(starts_at)
            if i is not None and ends_at - starts_at == length:
                found.add(i)
            else:
                found.update(self.touched(starts_at, ends_at))
        return found

    def holders_by_slot(self, rows) -> dict[int, set]:
        """{slot index: the holders whose interval overlaps it} from (holder, start, end) rows (touched() inlined)."""
        index, length = self._index, self.length
        found: dict[int, set] = {}
        for holder, starts_at, ends_at in rows:
            i = index.get(starts_at)
            if i is not None and ends_at - starts_at == length:
                if i in found:
                    found[i].add(holder)
                else:
                    found[i] = {holder}
                continue
            for i in self.touched(starts_at, ends_at):
                found.setdefault(i, set()).add(holder)
        return found

    def covered(self, starts_at: Instant, ends_at: Instant) -> range:
        """Indexes of the slots that lie wholly within [starts_at, ends_at]."""
        return range(bisect_left(self.starts, starts_at), bisect_right(self.starts, ends_at - self.length))
