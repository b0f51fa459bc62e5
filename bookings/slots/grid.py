"""The slots of one station as a sorted grid: which of them an interval touches."""

from bisect import bisect_left, bisect_right
from datetime import datetime, timedelta


class SlotGrid:
    """Slot starts (sorted), each slot `length` long.

    touched() is two binary searches, or one dictionary lookup for the usual booking:
    exactly one slot long and on the grid, on a grid whose slots never overlap (they
    can, where two opening ranges of one day overlap out of step).
    """

    def __init__(self, starts: list[datetime], length: timedelta, *, regular: bool | None = None):
        """`regular`: whether no two slots overlap, when the caller knows it already (the engine does)."""
        self.starts = starts
        self.length = length
        if regular is None:
            regular = all(later - earlier >= length for earlier, later in zip(starts, starts[1:], strict=False))
        self._index = dict(zip(starts, range(len(starts)), strict=True)) if regular else {}

    def __len__(self) -> int:
        return len(self.starts)

    def touched(self, starts_at: datetime, ends_at: datetime) -> range:
        """Indexes of the slots that overlap [starts_at, ends_at)."""
        i = self._index.get(starts_at)
        if i is not None and ends_at - starts_at == self.length:
            return range(i, i + 1)
        return range(bisect_right(self.starts, starts_at - self.length), bisect_left(self.starts, ends_at))

    def covered(self, starts_at: datetime, ends_at: datetime) -> range:
        """Indexes of the slots that lie wholly within [starts_at, ends_at]."""
        return range(bisect_left(self.starts, starts_at), bisect_right(self.starts, ends_at - self.length))
