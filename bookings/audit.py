"""The audit row every state change writes, and the emails and officer work it queues once committed."""

from .models import Booking, BookingEvent, BookingStatus, EventKind
from .outbox import ASSIGN_OFFICER, NOTIFY_BOOKING_EVENT, enqueue_on_commit


def event_record(
    *,
    booking: Booking,
    from_status: str,
    to_status: str,
    role: str,
    user=None,
    note: str = "",
    kind: str = "",
    details: dict | None = None,
) -> BookingEvent:
    event = BookingEvent.objects.create(
        booking=booking,
        from_status=from_status,
        to_status=to_status,
        actor=user,
        actor_role=role,
        note=note,
        kind=kind,
        details=details or {},
    )
    enqueue_on_commit(NOTIFY_BOOKING_EVENT, event.id)
    moved = kind in (EventKind.MOVE_ACCEPTED, EventKind.PROPOSAL_TAKEN)
    if to_status == BookingStatus.CONFIRMED and (from_status != to_status or moved) and booking.needs_officer:
        # The officer reserved at booking time (or for the new slot) is confirmed, or a
        # less loaded one chosen, and told; see bookings.assignment.
        enqueue_on_commit(ASSIGN_OFFICER, booking.pk)
    return event
