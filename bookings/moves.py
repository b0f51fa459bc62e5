"""Ending a proposed move (a Booking row with `moves` set, bookings.reschedule): the row goes, the audit stays.

Low level, so that bookings.services can end a move whatever ended it (its hold lapsed
under the sweep, the booking moved was cancelled, a closure) without importing the
reschedule services, which build on it.

Locks, always in this order: the booking moved, then its move rows (the one-slot check
may end a lapsed move under a station's lock: station, booking, move).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .audit import event_record
from .models import Actor, Booking, EventKind


def move_details(*, booking: Booking, move: Booking) -> dict:
    """What the emails say of a move: the slot left and the slot proposed, with their stations."""
    return {
        "old_starts_at": booking.starts_at.isoformat(),
        "old_station": booking.station_id,
        "new_starts_at": move.starts_at.isoformat(),
        "new_station": move.station_id,
        "hold_expires_at": move.hold_expires_at.isoformat(),
    }


def move_end(*, move: Booking, kind: str, role: str = Actor.SYSTEM, user=None, note: str = "") -> bool:
    """End a pending move: its row (and so its hold) goes, an event on the booking moved says why.

    False when someone ended it first (the seller answered while the sweep ran).
    """
    if move.moves_id is None:
        return False
    with transaction.atomic():
        booking = Booking.objects.select_for_update().filter(pk=move.moves_id).first()
        locked = Booking.objects.select_for_update().filter(pk=move.pk, moves__isnull=False).first()
        if booking is None or locked is None:
            return False
        details = move_details(booking=booking, move=locked)
        locked.delete()
        event_record(
            booking=booking,
            from_status=booking.status,
            to_status=booking.status,
            role=role,
            user=user,
            note=note,
            kind=kind,
            details=details,
        )
    return True


def moves_end_open(*, booking: Booking, role: str = Actor.SYSTEM, user=None) -> int:
    """End every move of a booking that is itself ending (cancelled, expired, declined...)."""
    ended = 0
    for move in Booking.objects.filter(moves=booking):
        ended += move_end(move=move, kind=EventKind.MOVE_WITHDRAWN, role=role, user=user)
    return ended


def open_move(booking: Booking, now: datetime | None = None) -> Booking | None:
    """The booking's move waiting for the seller, hold still open; None if there is none."""
    return (
        Booking.objects.filter(moves=booking, hold_expires_at__gt=now or timezone.now())
        .select_related("station", "space")
        .first()
    )
