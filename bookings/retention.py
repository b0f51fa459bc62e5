"""Personal data does not linger (design note, invariant 9).

settings.BOOKINGS_RETENTION_DAYS (90 by default) after a booking's slot ended,
its personal data is erased in place, unless staff set an incident hold:

- the seller's name and email, the item's title and description, the listing URL,
  the plate, the cancellation reason and the notes of its events (free text that
  may name anyone);
- the buyer: the booking is detached from the buyer's account (buyer = NULL, and
  the buyer's own events lose their actor). The account is the buyer's and stays
  as long as they keep it, but it no longer says that this person met someone at
  a police station on that day; the booking also leaves the buyer's "My bookings".

What remains is what the statistics count: station, space, times, status and
outcome, the kind of item, the charter versions, the audit trail's transitions
(with the staff accounts that made them), and the reference. Rows are updated in
batches, each in its own transaction, and only rows not yet anonymised are
touched, so a run can stop anywhere and run again.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from .models import Actor, Booking, BookingEvent

BATCH_SIZE = 500


@dataclass
class RetentionReport:
    anonymised: int = 0
    by_status: Counter = field(default_factory=Counter)
    held: int = 0  # past the period but under an incident hold
    dry_run: bool = False


def retention_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.BOOKINGS_RETENTION_DAYS)


def bookings_past_retention(*, now: datetime):
    return Booking.objects.filter(anonymised_at__isnull=True, ends_at__lt=retention_cutoff(now))


def bookings_anonymise(
    *, now: datetime | None = None, batch_size: int = BATCH_SIZE, dry_run: bool = False, max_batches: int | None = None
) -> RetentionReport:
    """Anonymise the bookings past the retention period; with dry_run, only count them."""
    now = now or timezone.now()
    past = bookings_past_retention(now=now)
    report = RetentionReport(dry_run=dry_run, held=past.filter(retention_hold=True).count())
    due = past.filter(retention_hold=False)
    if dry_run:
        counts = due.order_by().values("status").annotate(n=Count("id")).values_list("status", "n")
        report.by_status.update(dict(counts))
        report.anonymised = sum(report.by_status.values())
        return report
    batches = 0
    while max_batches is None or batches < max_batches:
        rows = list(due.order_by("id").values_list("id", "status")[:batch_size])
        if not rows:
            break
        ids = [booking_id for booking_id, _status in rows]
        with transaction.atomic():
            # The conditions again: staff may have set a hold since the ids were read.
            done = Booking.objects.filter(pk__in=ids, anonymised_at__isnull=True, retention_hold=False).update(
                buyer=None,
                seller_name="",
                seller_email="",
                item_title="",
                item_description="",
                listing_url="",
                vehicle_plate="",
                cancel_reason="",
                anonymised_at=now,
            )
            BookingEvent.objects.filter(booking_id__in=ids).exclude(note="").update(note="")
            BookingEvent.objects.filter(
                booking_id__in=ids, actor_role__in=[Actor.BUYER, Actor.SELLER], actor__isnull=False
            ).update(actor=None)
        report.anonymised += done
        report.by_status.update(status for _id, status in rows)
        batches += 1
        if len(rows) < batch_size:
            break
    return report


def booking_set_retention_hold(*, booking: Booking, hold: bool) -> Booking:
    """Staff keep (or stop keeping) a booking's personal data past the retention period, for an incident."""
    Booking.objects.filter(pk=booking.pk).update(retention_hold=hold)
    booking.retention_hold = hold
    return booking
