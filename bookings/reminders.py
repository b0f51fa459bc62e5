"""Reminders before a confirmed exchange, to the buyer and to the seller.

The lead times come from settings.BOOKINGS_REMINDER_LEAD_MINUTES (24 h and 2 h by
default). A periodic sweep finds what is due in the database, never a task
scheduled with a countdown: each due reminder becomes one ReminderDelivery row per
party (unique, so two sweeps cannot both create it) whose id is queued; the task
claims the row in the transaction that sends. Queries grow with batches, not rows.

A reminder is due from its lead time before the slot until the next shorter one
takes over, and only if the booking was confirmed before its time: a booking
confirmed 20 hours ahead gets the 2-hour reminder, not a "tomorrow" email minutes
after the confirmation that said the same.
"""

import logging
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from .calendar_file import booking_calendar_attachment
from .emails import booking_cancel_url, booking_context, send_templated_email
from .languages import party_language
from .models import Booking, BookingStatus, Party, ReminderDelivery
from .notifications import Notification, notification_send, notifications_requeue
from .outbox import SEND_REMINDER, enqueue

logger = logging.getLogger(__name__)

# A queued reminder still unsent after this is queued again (its message was lost:
# broker down, or a worker killed on the filesystem broker). Longer than a task's
# time limit, so a reminder being sent is not queued twice for nothing.
REQUEUE_AFTER = timedelta(minutes=15)
BATCH_SIZE = 500


def reminder_leads() -> list[int]:
    """Lead times in minutes, longest first."""
    return sorted(
        {int(minutes) for minutes in settings.BOOKINGS_REMINDER_LEAD_MINUTES if int(minutes) > 0}, reverse=True
    )


def _due(*, lead: int, next_lead: int, now: datetime):
    """Confirmed bookings whose `lead`-minute reminder is due and has no row yet."""
    lead_time = timedelta(minutes=lead)
    return Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        starts_at__gt=now + timedelta(minutes=next_lead),
        starts_at__lte=now + lead_time,
        seller_answered_at__lte=F("starts_at") - lead_time,
    ).exclude(Exists(ReminderDelivery.objects.filter(booking=OuterRef("pk"), lead_minutes=lead)))


def _queue_reminder(delivery_id: int) -> None:
    enqueue(SEND_REMINDER, delivery_id)


def reminders_sweep(
    *, now: datetime | None = None, batch_size: int = BATCH_SIZE, queue: Callable[[int], object] = _queue_reminder
) -> int:
    """Create and queue the reminders that are due; return how many were queued.

    Per lead time and per batch of bookings: one query for the ids, one insert, one
    query for the new rows' ids; then one pass over stale rows.
    """
    now = now or timezone.now()
    leads = reminder_leads()
    queued = 0
    for index, lead in enumerate(leads):
        next_lead = leads[index + 1] if index + 1 < len(leads) else 0
        due = _due(lead=lead, next_lead=next_lead, now=now).order_by("pk").values_list("pk", flat=True)
        last_id = 0
        while True:
            booking_ids = list(due.filter(pk__gt=last_id)[:batch_size])
            if not booking_ids:
                break
            ReminderDelivery.objects.bulk_create(
                [
                    ReminderDelivery(booking_id=booking_id, lead_minutes=lead, party=party, queued_at=now)
                    for booking_id in booking_ids
                    for party in Party.values
                ],
                ignore_conflicts=True,  # another sweep got there first: it queues those
            )
            fresh = ReminderDelivery.objects.filter(
                booking_id__in=booking_ids, lead_minutes=lead, queued_at=now, sent_at__isnull=True
            ).values_list("pk", flat=True)
            for delivery_id in fresh:
                queue(delivery_id)
                queued += 1
            if len(booking_ids) < batch_size:
                break
            last_id = booking_ids[-1]
    return queued + notifications_requeue(REMINDER, now=now, queue=queue)


def _reminders_lost(now: datetime, batch_size: int = BATCH_SIZE) -> Iterator[tuple[int]]:
    """Reminders queued and still unsent after REQUEUE_AFTER: their message was lost.

    Those no longer wanted are closed, not sent (the booking was cancelled or the slot began);
    the others are marked queued again, a batch at a time, as they are handed out.
    """
    stale = ReminderDelivery.objects.filter(sent_at__isnull=True, queued_at__lt=now - REQUEUE_AFTER)
    stale.exclude(booking__status=BookingStatus.CONFIRMED, booking__starts_at__gt=now).update(sent_at=now, skipped=True)
    last_id = 0
    while True:
        ids = list(stale.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return
        ReminderDelivery.objects.filter(pk__in=ids, sent_at__isnull=True).update(queued_at=now)
        logger.warning("Queued again %d reminder(s) whose message was lost", len(ids))
        yield from ((delivery_id,) for delivery_id in ids)
        if len(ids) < batch_size:
            return
        last_id = ids[-1]


def reminder_send(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Claim a reminder and send it; False when it was claimed already or is no longer due."""
    return bool(notification_send(REMINDER, delivery_id, now=now))


def _reminder_send_claimed(delivery_id: int, now: datetime) -> int:
    delivery = ReminderDelivery.objects.select_related(
        "booking__station",
        "booking__space",
        "booking__buyer",
        "booking__buyer_charter_version",
        "booking__seller_charter_version",
    ).get(pk=delivery_id)
    booking = delivery.booking
    if booking.status != BookingStatus.CONFIRMED or booking.starts_at <= now:
        ReminderDelivery.objects.filter(pk=delivery_id).update(skipped=True)
        return 0
    reminder_email(booking=booking, party=delivery.party, lead_minutes=delivery.lead_minutes)
    return 1


# A reminder to one party (ReminderDelivery.sent_at); a booking no longer due is skipped, claimed all the same.
REMINDER = Notification(
    "reminder",
    claim=lambda delivery_id, now: bool(
        ReminderDelivery.objects.filter(pk=delivery_id, sent_at__isnull=True).update(sent_at=now)
    ),
    send=_reminder_send_claimed,
    task=SEND_REMINDER,
    unsent=_reminders_lost,
)


def reminder_email(*, booking: Booking, party: str, lead_minutes: int) -> None:
    recipient = booking.buyer.email if party == Party.BUYER else booking.seller_email
    send_templated_email(
        template="booking-reminder",
        to=[recipient],
        context=booking_context(booking)
        | {
            "party": party,
            "lead_hours": lead_minutes // 60 if lead_minutes % 60 == 0 else None,
            "lead_minutes": lead_minutes,
            "cancel_url": booking_cancel_url(booking, party),
        },
        language=party_language(booking, party),
        attachments=[booking_calendar_attachment(booking, language=party_language(booking, party), attendee=recipient)],
    )
