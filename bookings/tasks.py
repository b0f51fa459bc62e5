"""Thin tasks: they take ids, claim their work, and call services or emails."""

from celery import shared_task
from django.utils import timezone

from .emails import booking_event_notify
from .models import BookingEvent
from .services import bookings_expire_overdue


@shared_task
def notify_booking_event(event_id: int) -> int:
    # Claim the event first: a redelivered or repeated task finds it claimed
    # and sends nothing.
    claimed = BookingEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(notified_at=timezone.now())
    if not claimed:
        return 0
    event = BookingEvent.objects.select_related(
        "booking__station", "booking__space", "booking__buyer", "booking__buyer_charter_version"
    ).get(pk=event_id)
    return booking_event_notify(event=event)


@shared_task
def expire_overdue_holds() -> int:
    return bookings_expire_overdue()
