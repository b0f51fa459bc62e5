"""Slots a party freed minutes ago are held back from other buyers (bookings.abuse explains why)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef

from stations.models import Station

from ..models import Actor, Booking, BookingEvent, BookingStatus

# Freed by a party: the moves a buyer and a friend could time to hand a slot over.
# Staff cancellations (a closure, pressure, a cancel at the desk) are not held back:
# the station freed the slot, nobody chose the moment to pass it on, and a buyer
# sent the priority rebooking link after a closure or pressure must find it at
# once. An expired hold is not held back either (design invariant 3: a lapsed hold
# never blocks availability).
FREED_BY_A_PARTY = {"to_status__in": (BookingStatus.CANCELLED, BookingStatus.DECLINED)}
PARTIES = (Actor.BUYER, Actor.SELLER)


def holdback() -> timedelta:
    return timedelta(minutes=settings.BOOKINGS_CANCELLED_SLOT_HOLDBACK_MINUTES)


def held_back_bookings(*, now: datetime, buyer=None):
    """Bookings a party cancelled or declined less than the hold-back ago: they still hold their space and
    officer for everyone but their own buyer, who may take the slot back."""
    if holdback() <= timedelta(0):
        return Booking.objects.none()
    freed = BookingEvent.objects.filter(
        booking=OuterRef("pk"), actor_role__in=PARTIES, at__gt=now - holdback(), at__lte=now, **FREED_BY_A_PARTY
    )
    bookings = Booking.objects.filter(Exists(freed), status__in=FREED_BY_A_PARTY["to_status__in"])
    if getattr(buyer, "pk", None) is not None:
        bookings = bookings.exclude(buyer=buyer)
    return bookings


def held_back_until(*, station: Station, kind: str, starts_at: datetime, ends_at: datetime, now: datetime, buyer=None):
    """When the last booking held back on this slot (space kind) stops holding it; None if none does."""
    freed_at = (
        BookingEvent.objects.filter(
            booking__in=held_back_bookings(now=now, buyer=buyer)
            .filter(station=station, space__kind=kind)
            .overlapping(starts_at, ends_at),
            actor_role__in=PARTIES,
            **FREED_BY_A_PARTY,
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return freed_at + holdback() if freed_at else None
