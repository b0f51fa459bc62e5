"""The emails the service owes, each backed by a row that says it was sent (design invariant 4).

Every kind is sent the same way, by notification_send: in one transaction, claim the
row (a conditional UPDATE … WHERE not yet sent, or a unique INSERT) and, only when this
call claimed it, load what the email needs and send it; the commit comes after the mail
server took the message. A task delivered twice sends once (the second claim waits on
the first one's row lock, then finds the row claimed); one that fails, or whose worker
dies, leaves the row unclaimed for the retry, the redelivered message or the sweep.

A kind is its claim and its sending. The booking's own kinds are here; the reminder
(bookings.reminders.REMINDER) and the station's daily schedule
(bookings.schedule.DAILY_SCHEDULE) live with the rest of their logic.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from .emails import booking_event_notify, officer_assignment_email, station_staff_emails, unstaffed_alert_email
from .models import Booking, BookingEvent, BookingStatus


@dataclass(frozen=True)
class Notification:
    name: str
    # Mark the row as sent, if nobody has: whether this call did.
    claim: Callable[[Any, datetime], bool]
    # Load and send, inside the claim's transaction: how many emails went.
    send: Callable[[Any, datetime], int]


def notification_send(kind: Notification, key: Any, *, now: datetime | None = None) -> int:
    """Claim `key`'s row for this kind and send; 0 when it was claimed already."""
    now = now or timezone.now()
    with transaction.atomic():
        if not kind.claim(key, now):
            return 0
        return kind.send(key, now)


def _event_send(event_id: int, _now: datetime) -> int:
    event = BookingEvent.objects.select_related(
        "booking__station",
        "booking__space",
        "booking__buyer",
        "booking__buyer_charter_version",
        "booking__officer__user",
    ).get(pk=event_id)
    return booking_event_notify(event=event)


def _officer_send(booking_id: int, _now: datetime) -> int:
    officer_assignment_email(
        booking=Booking.objects.select_related("officer__user", "station", "space").get(pk=booking_id)
    )
    return 1


def _unstaffed_send(booking_id: int, _now: datetime) -> int:
    booking = Booking.objects.select_related("station", "space").get(pk=booking_id)
    recipients = station_staff_emails(booking.station)
    if recipients:
        unstaffed_alert_email(booking=booking, recipients=recipients)
    return len(recipients)


# The parties' email for a change of status (BookingEvent.notified_at).
BOOKING_EVENT = Notification(
    "booking event",
    claim=lambda event_id, now: bool(
        BookingEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(notified_at=now)
    ),
    send=_event_send,
)
# The officer's email once a confirmed booking is theirs (Booking.officer_notified_at).
OFFICER_ASSIGNMENT = Notification(
    "officer assignment",
    claim=lambda booking_id, now: bool(
        Booking.objects.filter(
            pk=booking_id, status=BookingStatus.CONFIRMED, officer__isnull=False, officer_notified_at__isnull=True
        ).update(officer_notified_at=now)
    ),
    send=_officer_send,
)
# The station staff's alert when no officer can take a booking (Booking.unstaffed_alerted_at).
UNSTAFFED_ALERT = Notification(
    "unstaffed alert",
    claim=lambda booking_id, now: bool(
        Booking.objects.filter(
            pk=booking_id, officer__isnull=True, unstaffed_since__isnull=False, unstaffed_alerted_at__isnull=True
        ).update(unstaffed_alerted_at=now)
    ),
    send=_unstaffed_send,
)
