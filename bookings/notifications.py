"""The emails the service owes, each backed by a row that says it was sent (design invariant 4).

Every kind is sent the same way, by notification_send: in one transaction, claim the
row (a conditional UPDATE … WHERE not yet sent, or a unique INSERT) and, only when this
call claimed it, load what the email needs and send it; the commit comes after the mail
server took the message. A task delivered twice sends once (the second claim waits on
the first one's row lock, then finds the row claimed); one that fails, or whose worker
dies, leaves the row unclaimed for the retry, the redelivered message or the sweep.

A kind is its claim, its sending, the task that sends one and the query of what is left
unsent: the rows are the outbox (bookings.outbox), and notifications_requeue queues again,
for any kind, what a lost message left behind. The booking's own kinds are here; the
reminder (bookings.reminders.REMINDER) and the station's daily schedule
(bookings.schedule.DAILY_SCHEDULE) live with the rest of their logic.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from stations.models import SpaceKind

from .emails import booking_event_notify, officer_assignment_email, station_staff_emails, unstaffed_alert_email
from .models import Booking, BookingEvent, BookingStatus
from .outbox import (
    ALERT_UNSTAFFED_BOOKING,
    MAX_AGE,
    NOTIFY_BOOKING_EVENT,
    NOTIFY_OFFICER_ASSIGNMENT,
    enqueue,
    settle_time,
)

BATCH_SIZE = 500


@dataclass(frozen=True)
class Notification:
    name: str
    # Mark the row as sent, if nobody has: whether this call did.
    claim: Callable[[Any, datetime], bool]
    # Load and send, inside the claim's transaction: how many emails went.
    send: Callable[[Any, datetime], int]
    # The task that sends one (its name, bookings.outbox), called with the key's parts.
    task: str
    # The keys still unsent that a sweep queues again (each a tuple of the task's arguments):
    # past the settle time, so a message on its way is not doubled for nothing.
    unsent: Callable[[datetime], Iterable[tuple]]


def notification_send(kind: Notification, key: Any, *, now: datetime | None = None) -> int:
    """Claim `key`'s row for this kind and send; 0 when it was claimed already."""
    now = now or timezone.now()
    with transaction.atomic():
        if not kind.claim(key, now):
            return 0
        return kind.send(key, now)


def notifications_requeue(kind: Notification, *, now: datetime | None = None, queue=None) -> int:
    """Queue again every `kind` notification left unsent; how many were queued.

    `queue` replaces the broker (a test's list); the claims make an extra message harmless.
    """
    now = now or timezone.now()
    queued = 0
    for key in kind.unsent(now):
        if queue is None:
            queued += enqueue(kind.task, *key)
        else:
            queue(*key)
            queued += 1
    return queued


def ids_in_batches(ids: QuerySet, batch_size: int = BATCH_SIZE) -> Iterator[tuple[int]]:
    """A query's ids (`values_list("id", flat=True)`), read in batches by id: memory stays flat."""
    last_id = 0
    while True:
        batch = list(ids.filter(id__gt=last_id).order_by("id")[:batch_size])
        yield from ((row_id,) for row_id in batch)
        if len(batch) < batch_size:
            return
        last_id = batch[-1]


def _events_unsent(now: datetime) -> Iterator[tuple[int]]:
    # Given up after MAX_AGE: a two-day-old "booking requested" helps nobody.
    return ids_in_batches(
        BookingEvent.objects.filter(
            notified_at__isnull=True, at__lt=now - settle_time(), at__gte=now - MAX_AGE
        ).values_list("id", flat=True)
    )


def _upcoming_rooms(now: datetime):
    return Booking.objects.active(now).filter(space__kind=SpaceKind.ROOM, ends_at__gt=now)


def _officers_unnotified(now: datetime) -> Iterator[tuple[int]]:
    return ids_in_batches(
        _upcoming_rooms(now)
        .filter(
            status=BookingStatus.CONFIRMED,
            officer__isnull=False,
            officer_notified_at__isnull=True,
            updated_at__lt=now - settle_time(),
        )
        .values_list("id", flat=True)
    )


def _unstaffed_unalerted(now: datetime) -> Iterator[tuple[int]]:
    return ids_in_batches(
        _upcoming_rooms(now)
        .filter(officer__isnull=True, unstaffed_since__lt=now - settle_time(), unstaffed_alerted_at__isnull=True)
        .values_list("id", flat=True)
    )


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
    task=NOTIFY_BOOKING_EVENT,
    unsent=_events_unsent,
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
    task=NOTIFY_OFFICER_ASSIGNMENT,
    unsent=_officers_unnotified,
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
    task=ALERT_UNSTAFFED_BOOKING,
    unsent=_unstaffed_unalerted,
)


def events_notify_pending(*, now: datetime | None = None) -> int:
    """Queue again the notifications of recent events nobody claimed."""
    return notifications_requeue(BOOKING_EVENT, now=now)
