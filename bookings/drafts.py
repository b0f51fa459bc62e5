"""The booking wizard's drafts (bookings.models.BookingDraft): its answers between steps, for a short time only.

A draft holds an item's description and a seller's name and address before any
booking exists. It lives BOOKINGS_DRAFT_HOURS after its last change: older, the
wizard starts afresh (draft_get ignores it even before the sweep), and the hourly
retention sweep deletes it (drafts_delete_stale, from bookings.retention).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import JSONField, OuterRef, Subquery
from django.utils import timezone

from stations.models import Station

from .models import BookingDraft


def draft_cutoff(now: datetime) -> datetime:
    return now - timedelta(hours=settings.BOOKINGS_DRAFT_HOURS)


def draft_get(*, buyer, station: Station, now: datetime | None = None) -> dict:
    """The buyer's answers so far at this station; empty when there are none or they are too old."""
    now = now or timezone.now()
    draft = BookingDraft.objects.filter(buyer=buyer, station=station, saved_at__gte=draft_cutoff(now)).first()
    return dict(draft.answers) if draft else {}


def station_with_draft(*, slug: str, buyer, now: datetime | None = None) -> Station | None:
    """The active station, carrying the buyer's answers there as `draft_answers` (None if none): one query."""
    now = now or timezone.now()
    answers = BookingDraft.objects.filter(buyer=buyer, station=OuterRef("pk"), saved_at__gte=draft_cutoff(now))
    return (
        Station.objects.filter(slug=slug, is_active=True)
        .annotate(draft_answers=Subquery(answers.values("answers")[:1], output_field=JSONField()))
        .first()
    )


def draft_save(*, buyer, station: Station, now: datetime | None = None, **answers) -> dict:
    """Add or replace answers (item=..., slot=..., seller=...); the draft's life starts again."""
    now = now or timezone.now()
    merged = draft_get(buyer=buyer, station=station, now=now) | answers
    BookingDraft.objects.update_or_create(buyer=buyer, station=station, defaults={"answers": merged, "saved_at": now})
    return merged


def draft_forget(*, buyer, station: Station, key: str) -> None:
    """Drop one answer (a slot that is gone, a room slot after the item became a vehicle)."""
    answers = draft_get(buyer=buyer, station=station)
    if key in answers:
        del answers[key]
        BookingDraft.objects.filter(buyer=buyer, station=station).update(answers=answers)


def draft_clear(*, buyer, station: Station) -> None:
    BookingDraft.objects.filter(buyer=buyer, station=station).delete()


def drafts_delete_stale(*, now: datetime, dry_run: bool = False) -> int:
    stale = BookingDraft.objects.filter(saved_at__lt=draft_cutoff(now))
    return stale.count() if dry_run else stale.delete()[0]
