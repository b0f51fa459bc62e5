"""Reads: the slot engine and the lists the views show."""

from datetime import datetime, timedelta
from typing import NamedTuple

from django.db.models import Count

from stations.models import Station

from .models import HOLDING_STATUSES, Booking, BookingStatus

# The slot engine's entry points, for the views and the tests that read through selectors.
from .slots.availability import HOLD_MARGIN, station_booking_days, station_free_slots, station_slot  # noqa: F401
from .slots.engine import Slot, slot_key_to_datetime  # noqa: F401


def hold_deadline(*, station: Station, starts_at: datetime, now: datetime) -> datetime:
    """When the seller's acceptance window closes: the station's window, but never later than 2 h before."""
    return min(now + timedelta(hours=station.seller_window_hours), starts_at - HOLD_MARGIN)


def buyer_bookings(*, buyer):
    return Booking.objects.filter(buyer=buyer).select_related("station", "space").order_by("-starts_at")


class BuyerBookings(NamedTuple):
    upcoming: list[Booking]  # soonest first
    past: list[Booking]  # most recent first


def buyer_bookings_by_time(*, buyer, now: datetime) -> BuyerBookings:
    """The buyer's bookings still to take place, and the others: over, or ended before (declined, expired...).

    A booking is upcoming while it holds its slot (a pending one only until its
    deadline, bookings.models.holds_at) and has not ended. One query.
    """
    upcoming: list[Booking] = []
    past: list[Booking] = []
    for booking in buyer_bookings(buyer=buyer):
        holds = booking.status in HOLDING_STATUSES and not (
            booking.status == BookingStatus.PENDING and booking.hold_expires_at <= now
        )
        (upcoming if holds and booking.ends_at > now else past).append(booking)
    upcoming.reverse()
    return BuyerBookings(upcoming=upcoming, past=past)


def booking_statistics(
    *, stations=None, starts_from: datetime | None = None, starts_until: datetime | None = None
) -> dict:
    """Counts by status (outcomes included), space kind and item kind: what the retention purge keeps."""

    bookings = Booking.objects.all()
    if stations is not None:
        bookings = bookings.filter(station__in=stations)
    if starts_from is not None:
        bookings = bookings.filter(starts_at__gte=starts_from)
    if starts_until is not None:
        bookings = bookings.filter(starts_at__lt=starts_until)

    def count_by(field):
        return dict(bookings.order_by().values_list(field).annotate(n=Count("id")).values_list(field, "n"))

    return {
        "total": bookings.count(),
        "by_status": count_by("status"),
        "by_space_kind": count_by("space__kind"),
        "by_item_kind": count_by("item_kind"),
    }
