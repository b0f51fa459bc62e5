"""Which officer takes which room booking (design note, invariant 2: capacity follows the roster).

An officer may take a booking when one of their shifts covers the whole slot, no
absence overlaps it, they have no other booking at that time, and they have fewer
than the station's `officer_cap_per_shift` bookings in that shift.

`Roster` (bookings.slots.roster) holds those rules over prefetched rows and is shared by
the slot engine (bookings.slots) and by the services below, so the engine offers a
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
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext

from stations.models import Officer, SpaceKind, Station

from .models import Actor, Booking, BookingEvent, BookingStatus
from .notifications import OFFICER_ASSIGNMENT, UNSTAFFED_ALERT, notifications_requeue
from .outbox import ALERT_UNSTAFFED_BOOKING, NOTIFY_OFFICER_ASSIGNMENT, enqueue_on_commit
from .slots.availability import station_roster
from .slots.cache import availability_changed

logger = logging.getLogger(__name__)


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


def _officer_event(*, booking_id: int, status: str, officer_id: int | None, now: datetime) -> None:
    """The audit row of an officer change: the status stays, the note says who takes the booking now.

    Written already notified: the parties are not told of an officer change (the officer's own
    email has its claim on the booking, Booking.officer_notified_at). The note is in the
    installation's language, as it is written by no one's request.
    """
    with translation.override(settings.LANGUAGE_CODE):
        if officer_id is None:
            note = gettext("No officer of the roster can take this booking: the station's staff are alerted.")
        else:
            badge = Officer.objects.filter(pk=officer_id).values_list("badge_number", flat=True).first()
            note = gettext("Officer with badge %(badge)s assigned.") % {"badge": badge}
    BookingEvent.objects.create(
        booking_id=booking_id,
        at=now,
        actor_role=Actor.SYSTEM,
        from_status=status,
        to_status=status,
        note=note,
        notified_at=now,
    )


def _record_officer(*, booking_id: int, officer_id: int | None, current: dict, now: datetime) -> None:
    """Write the booking's officer (or its lack), with its audit row, and queue the emails that follow after commit.

    `current` holds the row's officer_id, unstaffed_since, unstaffed_alerted_at,
    officer_notified_at and status as read under the lock. Keeping the same officer writes no
    audit row; a booking already flagged without an officer is not recorded again.
    """
    if officer_id is not None:
        changes = {"unstaffed_since": None, "unstaffed_alerted_at": None}
        if officer_id != current["officer_id"]:
            changes |= {"officer_id": officer_id, "officer_notified_at": None}
            _officer_event(booking_id=booking_id, status=current["status"], officer_id=officer_id, now=now)
        Booking.objects.filter(pk=booking_id).update(**changes)
        notified = current["officer_notified_at"] if officer_id == current["officer_id"] else None
        if current["status"] == BookingStatus.CONFIRMED and notified is None:
            enqueue_on_commit(NOTIFY_OFFICER_ASSIGNMENT, booking_id)
        return
    if current["officer_id"] is not None or current["unstaffed_since"] is None:
        _officer_event(booking_id=booking_id, status=current["status"], officer_id=None, now=now)
    Booking.objects.filter(pk=booking_id).update(
        officer_id=None, officer_notified_at=None, unstaffed_since=current["unstaffed_since"] or now
    )
    if current["unstaffed_alerted_at"] is None:
        logger.warning("Booking %s: no officer of the roster can take it; alerting the station's staff", booking_id)
        enqueue_on_commit(ALERT_UNSTAFFED_BOOKING, booking_id)


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
        availability_changed(station_id)  # _record_officer writes with update(): no signal
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
        availability_changed(station_id)  # _record_officer writes with update(): no signal
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
    now = now or timezone.now()
    upcoming_rooms = Booking.objects.active(now).filter(space__kind=SpaceKind.ROOM, ends_at__gt=now)
    # Every station with room bookings to come: a change no signal reported (a bulk
    # update of shifts) leaves officers on record who no longer fit.
    station_ids = set(upcoming_rooms.order_by().values_list("station_id", flat=True).distinct())
    reassigned = [station_reassign_officers(station_id=station_id, now=now) for station_id in sorted(station_ids)]
    # Messages lost on the way (broker down, worker killed on the filesystem broker):
    # the claims make a second message harmless.
    requeued = notifications_requeue(OFFICER_ASSIGNMENT, now=now) + notifications_requeue(UNSTAFFED_ALERT, now=now)
    return {
        "stations": len(station_ids),
        "moved": sum(len(r.moved) for r in reassigned),
        "unstaffed": sum(len(r.unstaffed) for r in reassigned),
        "requeued": requeued,
    }
