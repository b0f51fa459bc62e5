"""The seller's answer window: how long they have to accept, counted in daytime hours (issue 12, point 5).

A booking made at 00:32 for 09:00 used to give the seller until 07:00: six and a half
hours, all of them at night. The hold deadline now leaves the seller at least
settings.BOOKINGS_SELLER_WINDOW_MIN_HOURS of daytime, quiet hours (22:00 to 07:00
station time by default) not counted: the station's window is stretched when its own
length gives fewer, and never runs later than HOLD_MARGIN before the slot. A slot too
close to give that much daytime is still bookable, but the buyer is told when they
pick it (`fair` is False).

Pure functions of their arguments (no clock, no database): the wall times are read in
the station's zone day by day, so a daylight saving change or midnight moves nothing.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The seller's acceptance window closes this long before the slot.
HOLD_MARGIN = timedelta(hours=2)


@dataclass(frozen=True)
class SellerWindow:
    deadline: datetime
    # The daytime hours between the booking and the deadline.
    daytime: timedelta
    # Whether that reaches the minimum: else the buyer is warned when picking the slot.
    fair: bool


def _daytime_ranges(start: datetime, zone: ZoneInfo, quiet_start: time, quiet_end: time):
    """The daytime ranges (quiet_end to quiet_start, station time) from the local day of `start` on, endless.

    In UTC: Python subtracts two datetimes of the same zone by their wall times, which
    would count the night of a time change an hour short or long.
    """
    day = start.astimezone(zone).date()
    while True:
        # 07:00 and 22:00 never fall in a daylight saving gap; in a repeated hour the first instant is meant.
        opens = datetime.combine(day, quiet_end, zone).astimezone(UTC)
        closes = datetime.combine(day, quiet_start, zone).astimezone(UTC)
        yield opens, closes
        day += timedelta(days=1)


def daytime_between(start: datetime, end: datetime, *, zone: ZoneInfo, quiet_start: time, quiet_end: time) -> timedelta:
    """The time between two instants that falls outside the quiet hours, station time."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    total = timedelta(0)
    for opens, closes in _daytime_ranges(start, zone, quiet_start, quiet_end):
        if opens >= end:
            return total
        overlap = min(closes, end) - max(opens, start)
        if overlap > timedelta(0):
            total += overlap
    return total  # pragma: no cover - the generator is endless


def daytime_reached(start: datetime, needed: timedelta, *, zone: ZoneInfo, quiet_start: time, quiet_end: time):
    """The instant by which `needed` daytime has passed since `start`."""
    start = start.astimezone(UTC)
    left = needed
    for opens, closes in _daytime_ranges(start, zone, quiet_start, quiet_end):
        begin = max(opens, start)
        if closes <= begin:
            continue
        if closes - begin >= left:
            return begin + left
        left -= closes - begin
    raise AssertionError("unreachable")  # pragma: no cover


def seller_window(
    *,
    now: datetime,
    starts_at: datetime,
    zone: ZoneInfo,
    window: timedelta,
    min_daytime: timedelta,
    quiet_start: time = time(22, 0),
    quiet_end: time = time(7, 0),
    margin: timedelta = HOLD_MARGIN,
) -> SellerWindow:
    """When the seller must answer by, for a booking made at `now` for a slot at `starts_at`.

    The station's `window`, stretched until it holds `min_daytime` of daytime, cut at
    `margin` before the slot.
    """
    now, starts_at = now.astimezone(UTC), starts_at.astimezone(UTC)  # real durations, see _daytime_ranges
    wanted = now + window
    if min_daytime > timedelta(0):
        wanted = max(wanted, daytime_reached(now, min_daytime, zone=zone, quiet_start=quiet_start, quiet_end=quiet_end))
    deadline = min(wanted, starts_at - margin)
    daytime = (
        daytime_between(now, deadline, zone=zone, quiet_start=quiet_start, quiet_end=quiet_end)
        if deadline > now
        else timedelta(0)
    )
    return SellerWindow(deadline=deadline, daytime=daytime, fair=daytime >= min_daytime)
