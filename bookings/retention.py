"""Personal data does not linger (design note, invariant 9).

settings.BOOKINGS_RETENTION_DAYS (90 by default) after a booking's slot ended,
its personal data is erased in place, unless staff set an incident hold:

- the seller's name and email, the first and last name the seller gave, the kind of
  identity document the desk checked for each party (a residence permit says
  something about a person), the item's title and description, the listing URL,
  the plate, the cancellation reason and the notes of its events, and the staff's
  reasons for overriding the charter's verdict with the words it matched (free
  text that may name anyone or hold a phone number);
- the buyer: the booking is detached from the buyer's account (buyer = NULL, and
  the buyer's own events lose their actor). The account is the buyer's and stays
  as long as they keep it, but it no longer says that this person met someone at
  a police station on that day; the booking also leaves the buyer's "My bookings".

What remains is what the statistics count: station, space, times, status and
outcome, the kind of item, the charter versions, the audit trail's transitions
(with the staff accounts that made them), and the reference. Rows are updated in
batches, each in its own transaction, and only rows not yet anonymised are
touched, so a run can stop anywhere and run again.

The same sweep erases the free text that is not a booking's but names people,
once it is as old as the period: the reasons of officers' absences (they may be
medical) and of lifted no-show bans, deletes the sellers' proposals that ended as
long ago (their booking, if a buyer took one, keeps what it needs), and deletes the
booking wizard's drafts past their own, much shorter, life (bookings.drafts). Expired sessions are
deleted by their own hourly task (sessions_clear_expired).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from charter.models import BookingCharterReview, CharterOverride
from stations.models import OfficerAbsence

from .drafts import drafts_delete_stale
from .models import Actor, Booking, BookingBanLift, BookingEvent, SellerProposal

BATCH_SIZE = 500


@dataclass
class RetentionReport:
    anonymised: int = 0
    by_status: Counter = field(default_factory=Counter)
    held: int = 0  # past the period but under an incident hold
    drafts: int = 0  # wizard drafts deleted
    other_notes: int = 0  # absence and ban-lift reasons erased
    proposals: int = 0  # sellers' proposals deleted
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
    report.drafts = drafts_delete_stale(now=now, dry_run=dry_run)
    report.other_notes = _other_notes_erase(now=now, dry_run=dry_run)
    report.proposals = _proposals_delete(now=now, dry_run=dry_run)
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
                seller_first_name="",
                seller_last_name="",
                buyer_identity_document="",
                seller_identity_document="",
                seller_email="",
                seller_mailbox="",
                item_title="",
                item_description="",
                listing_url="",
                vehicle_plate="",
                cancel_reason="",
                anonymised_at=now,
            )
            BookingEvent.objects.filter(booking_id__in=ids).exclude(note="").update(note="")
            # The staff who overrode a verdict stay on record; their reasons may name the parties.
            BookingCharterReview.objects.filter(booking_id__in=ids).update(term="", override_reason="")
            CharterOverride.objects.filter(review__booking_id__in=ids).exclude(reason="").update(reason="")
            BookingEvent.objects.filter(
                booking_id__in=ids, actor_role__in=[Actor.BUYER, Actor.SELLER], actor__isnull=False
            ).update(actor=None)
        report.anonymised += done
        report.by_status.update(status for _id, status in rows)
        batches += 1
        if len(rows) < batch_size:
            break
    return report


def _other_notes_erase(*, now: datetime, dry_run: bool) -> int:
    """Erase the free-text reasons, older than the period, that belong to no booking (no incident hold applies)."""
    cutoff = retention_cutoff(now)
    rows = [
        OfficerAbsence.objects.filter(ends_at__lt=cutoff).exclude(reason=""),
        # Only the reason goes: the lift's date keeps deciding which no-shows count.
        BookingBanLift.objects.filter(lifted_at__lt=cutoff).exclude(reason=""),
    ]
    return sum(qs.count() if dry_run else qs.update(reason="") for qs in rows)


def _proposals_delete(*, now: datetime, dry_run: bool) -> int:
    """Delete the sellers' proposals that ended before the period: the seller's and buyer's addresses go with them."""
    ended = SellerProposal.objects.filter(expires_at__lt=retention_cutoff(now))
    return ended.count() if dry_run else ended.delete()[0]


def sessions_clear_expired() -> None:
    """Delete expired sessions (Django never does by itself): the clearsessions command, for Celery beat."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


def booking_set_retention_hold(*, booking: Booking, hold: bool) -> Booking:
    """Staff keep (or stop keeping) a booking's personal data past the retention period, for an incident."""
    Booking.objects.filter(pk=booking.pk).update(retention_hold=hold)
    booking.retention_hold = hold
    return booking
