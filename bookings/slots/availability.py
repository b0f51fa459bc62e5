"""Loading the slot engine's inputs: a fixed number of queries whatever the range of days."""

from bisect import bisect_left
from datetime import date, datetime, timedelta
from functools import partial
from operator import attrgetter

from django.utils import timezone

from stations.models import BOOKABLE_SPACE_KINDS, OfficerAbsence, Shift, SpaceKind, Station

from ..models import Booking
from . import cache as slot_cache
from .engine import Slot, StationDay, free_slots
from .loading import EngineInputs, engine_inputs
from .roster import Roster
from .seller_window import HOLD_MARGIN

# The seller's acceptance window closes HOLD_MARGIN before the slot (bookings.slots.seller_window),
# and must leave the seller at least MIN_ANSWER_TIME to answer.
MIN_ANSWER_TIME = timedelta(minutes=30)


def station_local_today(station: Station, now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), station.zone).date()


def station_booking_days(station: Station, now: datetime | None = None) -> list[date]:
    """The local dates a buyer may pick, from today to the horizon."""
    today = station_local_today(station, now)
    return [today + timedelta(days=n) for n in range(station.horizon_days + 1)]


def earliest_start(station: Station, now: datetime) -> datetime:
    """The first instant a slot may start: the station's lead time, and time for the seller to answer."""
    return now + max(timedelta(minutes=station.lead_time_minutes), HOLD_MARGIN + MIN_ANSWER_TIME)


def local_day_window(first_day: date, last_day: date, zone) -> tuple[datetime, datetime]:
    """From the start of the first local day to the end of the last, with an hour's margin for time changes."""
    window_start = datetime.combine(first_day, datetime.min.time(), zone) - timedelta(hours=1)
    window_end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), zone) + timedelta(hours=1)
    return window_start, window_end


def roster_rows(*, station: Station, starts_at: datetime, ends_at: datetime):
    """Shifts of active officers overlapping the window, and their absences: two queries.

    Returns (shifts, absences, span_start, span_end), the span stretching the window
    over whole shifts, since the per-shift cap counts every booking of a shift.
    """
    shifts = list(
        Shift.objects.filter(
            officer__station=station, officer__is_active=True, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).values_list("officer_id", "officer__badge_number", "starts_at", "ends_at")
    )
    span_start = min([starts_at, *(s for _o, _b, s, _e in shifts)])
    span_end = max([ends_at, *(e for _o, _b, _s, e in shifts)])
    absences = list(
        OfficerAbsence.objects.filter(
            officer__station=station, starts_at__lt=span_end, ends_at__gt=span_start
        ).values_list("officer_id", "starts_at", "ends_at")
    )
    return shifts, absences, span_start, span_end


def station_roster(
    *, station: Station, starts_at: datetime, ends_at: datetime, now: datetime, exclude_booking_id: int | None = None
) -> Roster:
    """The roster around a window, from three queries."""
    shifts, absences, span_start, span_end = roster_rows(station=station, starts_at=starts_at, ends_at=ends_at)
    bookings = (
        Booking.objects.active(now)
        .filter(station=station, space__kind=SpaceKind.ROOM)
        .overlapping(span_start, span_end)
        .exclude(pk=exclude_booking_id)
        .values_list("id", "officer_id", "starts_at", "ends_at")
    )
    return Roster(cap=station.officer_cap_per_shift, shifts=shifts, absences=absences, bookings=list(bookings))


def station_free_slots(
    *,
    station: Station,
    kind: str,
    first_day: date,
    last_day: date,
    now: datetime | None = None,
    ignore_pressure: bool = False,
    buyer=None,
    holdback: bool = True,
    cached: bool = False,
) -> list[Slot]:
    """Free slots of one space kind between two local dates, inclusive.

    Opening hours minus closures minus slots where every space is held, within
    the lead time and the horizon; a room slot also needs an officer the
    assignment could give it (bookings.slots.roster). One query, whatever the
    range (bookings.slots.loading). The station's pressure switch drops the slots in
    its period, unless `ignore_pressure` (a priority rebooking). A slot a party freed
    minutes ago is not offered (bookings.slots.holdback) unless to its own `buyer`, or with
    `holdback` off (only to tell why a slot is refused). A safe exchange zone (SpaceKind.ZONE)
    has no slots.

    `cached`: the answer may come from the slot cache (bookings.slots.cache), for the pages
    that show slots; never for a decision (booking_create checks its slot under the lock).
    """
    now = now or timezone.now()
    # A safe exchange zone is walked into around the clock and never booked: asking for
    # its slots gets none, without a query (the zone's spaces are never loaded either).
    if not station.is_active or kind not in BOOKABLE_SPACE_KINDS:
        return []
    days = station_booking_days(station, now)
    first_day, last_day = max(first_day, days[0]), min(last_day, days[-1])
    if first_day > last_day:
        return []
    computed = partial(_computed, station=station, kind=kind, first_day=first_day, last_day=last_day, now=now)
    if not (cached and holdback) or slot_cache.changed_in_this_transaction(station.pk):
        return computed(ignore_pressure=ignore_pressure, buyer=buyer, holdback=holdback)[0]
    found = slot_cache.lookup(station_id=station.pk, kind=kind, first_day=first_day, last_day=last_day, now=now)
    kept = found.kept
    if kept is None:
        # For no buyer in particular, the pressure switch left to the read (both below).
        slots, inputs = computed(ignore_pressure=True, buyer=None, holdback=True)
        valid_until = now + timedelta(seconds=slot_cache.SLOT_CACHE_SECONDS)
        if inputs.changes_at is not None:
            valid_until = min(valid_until, inputs.changes_at)
        kept = slot_cache.Kept(found.tokens, now, valid_until, inputs.held_back_buyers, slots)
        slot_cache.keep(found, kept)
    if getattr(buyer, "pk", None) in kept.held_back_buyers:
        # This buyer may take back the slot they freed: not in the answer kept for everyone.
        return computed(ignore_pressure=ignore_pressure, buyer=buyer, holdback=True)[0]
    return _as_of(kept.slots, station=station, now=now, ignore_pressure=ignore_pressure)


def _as_of(slots: list[Slot], *, station: Station, now: datetime, ignore_pressure: bool) -> list[Slot]:
    """A kept answer as it stands at `now`: no slot before the earliest start, none the pressure switch stops."""
    slots = slots[bisect_left(slots, earliest_start(station, now), key=attrgetter("starts_at")) :]
    if not ignore_pressure and station.under_pressure:
        slots = [slot for slot in slots if not station.pressure_blocks(slot.starts_at, slot.ends_at)]
    return slots


def _computed(
    *,
    station: Station,
    kind: str,
    first_day: date,
    last_day: date,
    now: datetime,
    ignore_pressure: bool,
    buyer,
    holdback: bool,
) -> tuple[list[Slot], EngineInputs]:
    """The engine's answer over the (clamped) days, and the inputs it read."""
    window_start, window_end = local_day_window(first_day, last_day, station.zone)
    inputs = engine_inputs(
        station=station,
        kind=kind,
        window_start=window_start,
        window_end=window_end,
        now=now,
        buyer=buyer,
        with_holdback=holdback,
    )
    if not inputs.space_ids:
        return [], inputs
    roster = None
    if kind == SpaceKind.ROOM:
        roster = Roster(
            cap=station.officer_cap_per_shift,
            shifts=inputs.shifts,
            absences=inputs.absences,
            bookings=inputs.room_bookings,
        )
    day = StationDay(
        zone=station.zone,
        slot_length=station.slot_length,
        openings=inputs.openings,
        closures=inputs.closures,
        pressure_blocks=None if ignore_pressure or not station.under_pressure else station.pressure_blocks,
    )
    slots = free_slots(
        day,
        first_day=first_day,
        last_day=last_day,
        earliest=earliest_start(station, now),
        space_ids=inputs.space_ids,
        holdings=inputs.holdings,
        roster=roster,
        micros=True,
    )
    return slots, inputs


def station_slot(
    *,
    station: Station,
    kind: str,
    starts_at: datetime,
    now: datetime | None = None,
    ignore_pressure: bool = False,
    buyer=None,
    holdback: bool = True,
) -> Slot | None:
    """The free slot starting at `starts_at`, or None if it is not offered (any more)."""
    day = timezone.localtime(starts_at, station.zone).date()
    for slot in station_free_slots(
        station=station,
        kind=kind,
        first_day=day,
        last_day=day,
        now=now,
        ignore_pressure=ignore_pressure,
        buyer=buyer,
        holdback=holdback,
    ):
        if slot.starts_at == starts_at:
            return slot
    return None
