"""Which officer takes which room booking (design note, invariant 2: capacity follows the roster).

An officer may take a booking when one of their shifts covers the whole slot, no
absence overlaps it, they have no other booking at that time, and they have fewer
than the station's `officer_cap_per_shift` bookings in that shift.

`Roster` holds those rules over prefetched rows and is shared by the slot engine
(selectors.station_free_slots) and by the services below, so the engine offers a
room slot only when the assignment can staff it: booking_create takes the officer
the engine found, under the same per-station lock. The officer is *reserved* when
the booking is made (a pending booking holds its room and its officer until its
deadline) and confirmed, or moved to a less loaded colleague, when the seller
accepts; only then is the officer emailed.

When the roster changes (a shift removed or shortened, an absence, an officer made
inactive, a lower cap), station_reassign_officers keeps every assignment that still
fits and finds another officer for the others; a booking nobody can take is flagged
(unstaffed_since) and the station's staff are alerted, never dropped.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from stations.models import OfficerAbsence, Shift, SpaceKind, Station

from .models import Booking, BookingStatus
from .outbox import enqueue, enqueue_on_commit, settle_time

logger = logging.getLogger(__name__)

Interval = tuple[datetime, datetime]


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and a_end > b_start


class Roster:
    """A station's officers, shifts, absences and officer-holding bookings over a time window. No queries.

    `bookings` are the active room bookings as (booking id, officer id or None, starts_at,
    ends_at). A recorded officer who no longer fits (shift gone, absent, over the cap,
    two bookings at once) is not kept: that booking is listed in `unassigned` and its
    id in `misassigned`, so the engine treats it as needing an officer and the
    reassignment gives it one.
    """

    def __init__(self, *, cap: int, shifts, absences, bookings):
        self.cap = cap
        self.badges: dict[int, str] = {}
        self.shifts: dict[int, list[Interval]] = defaultdict(list)
        for officer_id, badge, starts_at, ends_at in shifts:
            self.badges[officer_id] = badge
            self.shifts[officer_id].append((starts_at, ends_at))
        for intervals in self.shifts.values():
            intervals.sort()
        self.absences: dict[int, list[Interval]] = defaultdict(list)
        for officer_id, starts_at, ends_at in absences:
            self.absences[officer_id].append((starts_at, ends_at))
        self.assigned: dict[int, list[tuple[int, datetime, datetime]]] = defaultdict(list)
        self.unassigned: list[tuple[int, datetime, datetime]] = []
        self.misassigned: set[int] = set()
        # Earlier bookings keep their officer first, so a lower cap moves the last ones.
        for booking_id, officer_id, starts_at, ends_at in sorted(bookings, key=lambda b: (b[2], b[0])):
            if officer_id is not None and self.is_free(officer_id, starts_at, ends_at):
                self.assigned[officer_id].append((booking_id, starts_at, ends_at))
            else:
                if officer_id is not None:
                    self.misassigned.add(booking_id)
                self.unassigned.append((booking_id, starts_at, ends_at))

    def covering_shift(self, officer_id: int, starts_at: datetime, ends_at: datetime) -> Interval | None:
        for shift_start, shift_end in self.shifts.get(officer_id, ()):
            if shift_start <= starts_at and shift_end >= ends_at:
                return shift_start, shift_end
        return None

    def load(self, officer_id: int, shift: Interval) -> int:
        """The officer's bookings within that shift."""
        return sum(1 for _id, s, e in self.assigned.get(officer_id, ()) if _overlaps(s, e, *shift))

    def is_free(self, officer_id: int, starts_at: datetime, ends_at: datetime) -> bool:
        shift = self.covering_shift(officer_id, starts_at, ends_at)
        if shift is None:
            return False
        if any(_overlaps(s, e, starts_at, ends_at) for s, e in self.absences.get(officer_id, ())):
            return False
        if any(_overlaps(s, e, starts_at, ends_at) for _id, s, e in self.assigned.get(officer_id, ())):
            return False  # never two bookings at once
        return self.load(officer_id, shift) < self.cap

    def free_officers(self, starts_at: datetime, ends_at: datetime) -> list[int]:
        """Officers who may take a booking at that time, least loaded in their shift first."""
        free = [officer_id for officer_id in self.shifts if self.is_free(officer_id, starts_at, ends_at)]
        return sorted(
            free,
            key=lambda o: (self.load(o, self.covering_shift(o, starts_at, ends_at)), self.badges[o], o),
        )

    def assign(self, booking_id: int, officer_id: int, starts_at: datetime, ends_at: datetime) -> None:
        self.unassigned = [b for b in self.unassigned if b[0] != booking_id]
        self.assigned[officer_id].append((booking_id, starts_at, ends_at))

    def officers_for(self, starts_at: datetime, ends_at: datetime) -> list[int]:
        """The officers a *new* booking at that time may take, least loaded first.

        Bookings already made that still lack an officer come first: they are
        staffed (in a copy, greedily, least loaded first) before a new booking may
        take who is left.
        """
        waiting = [b for b in self.unassigned if _overlaps(b[1], b[2], starts_at, ends_at)]
        if not waiting:
            return self.free_officers(starts_at, ends_at)
        trial = self._copy()
        for booking_id, s, e in waiting:
            candidates = trial.free_officers(s, e)
            if candidates:
                trial.assign(booking_id, candidates[0], s, e)
        return trial.free_officers(starts_at, ends_at)

    def _copy(self) -> "Roster":
        trial = Roster.__new__(Roster)
        trial.cap = self.cap
        trial.badges = self.badges
        trial.shifts = self.shifts
        trial.absences = self.absences
        trial.assigned = defaultdict(list, {o: list(b) for o, b in self.assigned.items()})
        trial.unassigned = list(self.unassigned)
        trial.misassigned = set(self.misassigned)
        return trial


def roster_shifts_and_absences(*, station: Station, starts_at: datetime, ends_at: datetime):
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
    shifts, absences, span_start, span_end = roster_shifts_and_absences(
        station=station, starts_at=starts_at, ends_at=ends_at
    )
    bookings = (
        Booking.objects.active(now)
        .filter(station=station, space__kind=SpaceKind.ROOM)
        .overlapping(span_start, span_end)
        .exclude(pk=exclude_booking_id)
        .values_list("id", "officer_id", "starts_at", "ends_at")
    )
    return Roster(cap=station.officer_cap_per_shift, shifts=shifts, absences=absences, bookings=list(bookings))


# --- services ------------------------------------------------------------------------------


@dataclass
class Reassignment:
    kept: int = 0
    moved: list[int] = field(default_factory=list)
    unstaffed: list[int] = field(default_factory=list)


def _still_to_staff(booking: Booking, now: datetime) -> bool:
    return (
        booking.space.kind == SpaceKind.ROOM
        and booking.ends_at > now
        and Booking.objects.active(now).filter(pk=booking.pk).exists()
    )


def _record_officer(*, booking_id: int, officer_id: int | None, current: dict, now: datetime) -> None:
    """Write the booking's officer (or its lack) and queue the emails that follow after commit.

    `current` holds the row's officer_id, unstaffed_since, unstaffed_alerted_at,
    officer_notified_at and status as read under the lock.
    """
    from .tasks import alert_unstaffed_booking, notify_officer_assignment

    if officer_id is not None:
        changes = {"unstaffed_since": None, "unstaffed_alerted_at": None}
        if officer_id != current["officer_id"]:
            changes |= {"officer_id": officer_id, "officer_notified_at": None}
        Booking.objects.filter(pk=booking_id).update(**changes)
        notified = current["officer_notified_at"] if officer_id == current["officer_id"] else None
        if current["status"] == BookingStatus.CONFIRMED and notified is None:
            enqueue_on_commit(notify_officer_assignment, booking_id)
        return
    Booking.objects.filter(pk=booking_id).update(
        officer_id=None, officer_notified_at=None, unstaffed_since=current["unstaffed_since"] or now
    )
    if current["unstaffed_alerted_at"] is None:
        logger.warning("Booking %s: no officer of the roster can take it; alerting the station's staff", booking_id)
        enqueue_on_commit(alert_unstaffed_booking, booking_id)


_CURRENT_FIELDS = ("officer_id", "unstaffed_since", "unstaffed_alerted_at", "officer_notified_at", "status")


def booking_assign_officer(*, booking_id: int, now: datetime | None = None) -> int | None:
    """The seller accepted: keep the reserved officer or move the booking to a less loaded one.

    Returns the officer's id, or None when nobody can take it (flagged, staff alerted).
    """
    now = now or timezone.now()
    with transaction.atomic():
        station_id = Booking.objects.filter(pk=booking_id).values_list("station_id", flat=True).first()
        if station_id is None:
            return None
        # Same lock as booking_create: the roster read here cannot change under us.
        station = Station.objects.select_for_update().get(pk=station_id)
        booking = Booking.objects.select_related("space").select_for_update(of=("self",)).get(pk=booking_id)
        if not _still_to_staff(booking, now):
            return booking.officer_id
        roster = station_roster(
            station=station,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            now=now,
            exclude_booking_id=booking.pk,
        )
        # Not officers_for(): this booking already holds its officer, it does not
        # queue behind bookings that lack one (the staffing sweep serves those).
        candidates = roster.free_officers(booking.starts_at, booking.ends_at)
        chosen = candidates[0] if candidates else None
        if booking.officer_id in candidates:
            load_of = lambda officer_id: roster.load(  # noqa: E731
                officer_id, roster.covering_shift(officer_id, booking.starts_at, booking.ends_at)
            )
            if load_of(booking.officer_id) <= load_of(chosen):
                chosen = booking.officer_id  # no churn for a tie
        current = {name: getattr(booking, name) for name in _CURRENT_FIELDS}
        _record_officer(booking_id=booking.pk, officer_id=chosen, current=current, now=now)
        return chosen


def station_reassign_officers(*, station_id: int, now: datetime | None = None) -> Reassignment:
    """After a roster change: keep what still fits, find officers for the rest, flag who is left."""
    now = now or timezone.now()
    result = Reassignment()
    with transaction.atomic():
        station = Station.objects.select_for_update().get(pk=station_id)
        upcoming = Booking.objects.active(now).filter(station=station, space__kind=SpaceKind.ROOM, ends_at__gt=now)
        last_end = upcoming.aggregate(last=Max("ends_at"))["last"]
        if last_end is None:
            return result
        roster = station_roster(station=station, starts_at=now, ends_at=last_end, now=now)
        to_staff = [b for b in roster.unassigned if b[2] > now]
        result.kept = sum(1 for bookings in roster.assigned.values() for _id, _s, e in bookings if e > now)
        if not to_staff:
            return result
        rows = {
            row["id"]: row for row in upcoming.filter(pk__in=[b[0] for b in to_staff]).values("id", *_CURRENT_FIELDS)
        }
        for booking_id, starts_at, ends_at in to_staff:
            candidates = roster.free_officers(starts_at, ends_at)
            officer_id = candidates[0] if candidates else None
            if officer_id is not None:
                roster.assign(booking_id, officer_id, starts_at, ends_at)
                result.moved.append(booking_id)
            else:
                result.unstaffed.append(booking_id)
            _record_officer(booking_id=booking_id, officer_id=officer_id, current=rows[booking_id], now=now)
    if result.moved or result.unstaffed:
        logger.info(
            "Station %s: %d booking(s) reassigned, %d without an officer",
            station_id,
            len(result.moved),
            len(result.unstaffed),
        )
    return result


def stations_staffing_sweep(*, now: datetime | None = None) -> dict:
    """The periodic backstop: reassign where the roster left bookings without an officer, and
    queue again the officer emails and staff alerts a lost message left unsent."""
    from .tasks import alert_unstaffed_booking, notify_officer_assignment

    now = now or timezone.now()
    upcoming_rooms = Booking.objects.active(now).filter(space__kind=SpaceKind.ROOM, ends_at__gt=now)
    # Every station with room bookings to come: a change no signal reported (a bulk
    # update of shifts) leaves officers on record who no longer fit.
    station_ids = set(upcoming_rooms.order_by().values_list("station_id", flat=True).distinct())
    reassigned = [station_reassign_officers(station_id=station_id, now=now) for station_id in sorted(station_ids)]
    # Messages lost on the way (broker down, worker killed on the filesystem broker):
    # the claims make a second message harmless.
    settle = now - settle_time()
    unnotified = list(
        upcoming_rooms.filter(
            status=BookingStatus.CONFIRMED,
            officer__isnull=False,
            officer_notified_at__isnull=True,
            updated_at__lt=settle,
        ).values_list("id", flat=True)
    )
    for booking_id in unnotified:
        enqueue(notify_officer_assignment, booking_id)
    unalerted = list(
        upcoming_rooms.filter(
            officer__isnull=True, unstaffed_since__lt=settle, unstaffed_alerted_at__isnull=True
        ).values_list("id", flat=True)
    )
    for booking_id in unalerted:
        enqueue(alert_unstaffed_booking, booking_id)
    return {
        "stations": len(station_ids),
        "moved": sum(len(r.moved) for r in reassigned),
        "unstaffed": sum(len(r.unstaffed) for r in reassigned),
        "requeued": len(unnotified) + len(unalerted),
    }
