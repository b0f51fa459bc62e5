"""When the station cannot host its bookings: a closure, or staff choosing to cancel under pressure.

The bookings hit are cancelled one by one through services.booking_cancel (role
staff, with a cause), so each gets its BookingEvent and the parties get the
apology email (emails.booking_event_notify) with the buyer's priority rebooking
link (bookings.rebooking).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from stations.models import Closure, Station

from .exceptions import InvalidTransition
from .models import Actor, Booking, BookingStatus, CancelCause
from .services import booking_cancel

CANCELLABLE = (BookingStatus.PENDING, BookingStatus.CONFIRMED)


def station_bookings_between(*, station: Station, starts_at: datetime | None, ends_at: datetime | None, now=None):
    """The station's active bookings still to end that overlap the period (open-ended where None)."""
    now = now or timezone.now()
    bookings = Booking.objects.active(now).filter(station=station, status__in=CANCELLABLE, ends_at__gt=now)
    if starts_at is not None:
        bookings = bookings.filter(ends_at__gt=starts_at)
    if ends_at is not None:
        bookings = bookings.filter(starts_at__lt=ends_at)
    return bookings.select_related("station", "space", "buyer").order_by("starts_at", "space__name")


def closure_affected_bookings(*, station: Station, starts_at: datetime, ends_at: datetime, now=None):
    return station_bookings_between(station=station, starts_at=starts_at, ends_at=ends_at, now=now)


def pressure_affected_bookings(*, station: Station, now=None):
    """What the pressure switch's period holds; nothing when the switch is off."""
    if not station.under_pressure:
        return Booking.objects.none()
    now = now or timezone.now()
    return station_bookings_between(
        station=station, starts_at=station.pressure_starts_at or now, ends_at=station.pressure_ends_at, now=now
    )


def _cancel_each(bookings, *, user, reason: str, cause: str) -> list[Booking]:
    cancelled = []
    for booking in bookings:
        try:
            booking_cancel(booking=booking, role=Actor.STAFF, user=user, reason=reason, cause=cause)
        except InvalidTransition:
            continue  # answered, cancelled or checked in meanwhile
        cancelled.append(booking)
    return cancelled


def closure_save(*, closure: Closure, user, now=None) -> list[Booking]:
    """Save a closure (new, or moved) and cancel the bookings it hits; returns them.

    Under the station's lock, as booking_create books: a booking made meanwhile has
    either committed before (and is cancelled here) or reads the closure in its one-slot
    check once the lock is free.
    """
    with transaction.atomic():
        Station.objects.select_for_update().filter(pk=closure.station_id).values_list("pk").first()
        closure.save()
        return closure_cancel_bookings(closure=closure, user=user, now=now)


def closure_cancel_bookings(*, closure: Closure, user, now=None) -> list[Booking]:
    """After a closure is saved: cancel the bookings it hits, each with the apology email."""
    bookings = closure_affected_bookings(
        station=closure.station, starts_at=closure.starts_at, ends_at=closure.ends_at, now=now
    )
    reason = gettext("The station is closed at that time: %(reason)s") % {"reason": closure.reason}
    return _cancel_each(bookings, user=user, reason=reason, cause=CancelCause.CLOSURE)


def pressure_cancel_bookings(*, station: Station, user, now=None) -> list[Booking]:
    """Staff chose to cancel the bookings already made in the pressure period."""
    reason = station.display_pressure_message or gettext("The station cannot host exchanges at that time.")
    return _cancel_each(
        pressure_affected_bookings(station=station, now=now), user=user, reason=reason, cause=CancelCause.PRESSURE
    )
