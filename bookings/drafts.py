"""The booking wizard's drafts (bookings.models.BookingDraft): its answers between steps, for a short time only.

A draft holds an item's description and a seller's name and address before any
booking exists. It lives BOOKINGS_DRAFT_HOURS after its last change: older, the
wizard starts afresh (draft_get ignores it even before the sweep), and the hourly
retention sweep deletes it (drafts_delete_stale, from bookings.retention).
"""

import json
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from stations.models import SpaceKind, Station

from .abuse import BUYER_ABSENT, ban_window_start
from .models import BookingDraft, BookingStatus


def draft_cutoff(now: datetime) -> datetime:
    return now - timedelta(hours=settings.BOOKINGS_DRAFT_HOURS)


def draft_get(*, buyer, station: Station, now: datetime | None = None) -> dict:
    """The buyer's answers so far at this station; empty when there are none or they are too old."""
    now = now or timezone.now()
    draft = BookingDraft.objects.filter(buyer=buyer, station=station, saved_at__gte=draft_cutoff(now)).first()
    return dict(draft.answers) if draft else {}


def station_with_draft(*, slug: str, buyer, now: datetime | None = None) -> Station | None:
    """The active station, as a wizard step needs it, in one plain query (every step reads it).

    It carries the buyer's answers there as `draft_answers` (a dict, or None) and, as
    `may_be_banned`, whether the buyer has a no-show recent enough to ban them (only
    then is the ban worked out, bookings.abuse). `space_kinds` is the set of kinds of its
    active spaces: the wizard offers only what the station has (a room, a bay, or a safe
    exchange zone, which is never booked).
    """
    now = now or timezone.now()
    params = {
        "slug": slug,
        "buyer": buyer.pk,
        "cutoff": connection.ops.adapt_datetimefield_value(draft_cutoff(now)),
        "no_show": BookingStatus.NO_SHOW,
        "absent_buyer": BUYER_ABSENT[0],
        "absent_both": BUYER_ABSENT[1],
        "ban_from": connection.ops.adapt_datetimefield_value(ban_window_start(now)),
        "room": SpaceKind.ROOM,
        "bay": SpaceKind.BAY,
        "zone": SpaceKind.ZONE,
    }
    station = next(iter(Station.objects.raw(_WIZARD_STATION, params)), None)
    if station is not None:
        answers = station.draft_answers
        station.draft_answers = json.loads(answers) if isinstance(answers, str) else answers
        station.may_be_banned = bool(station.may_be_banned)
        flags = {SpaceKind.ROOM: station.has_room, SpaceKind.BAY: station.has_bay, SpaceKind.ZONE: station.has_zone}
        station.space_kinds = {kind for kind, present in flags.items() if present}
    return station


_WIZARD_STATION = """
SELECT s.*,
    (SELECT d.answers FROM bookings_bookingdraft d
        WHERE d.buyer_id = %(buyer)s AND d.station_id = s.id AND d.saved_at >= %(cutoff)s) AS draft_answers,
    EXISTS (SELECT 1 FROM bookings_booking b WHERE b.buyer_id = %(buyer)s AND b.status = %(no_show)s
        AND b.no_show_party IN (%(absent_buyer)s, %(absent_both)s) AND b.starts_at > %(ban_from)s) AS may_be_banned,
    EXISTS (SELECT 1 FROM stations_space sp WHERE sp.station_id = s.id AND sp.is_active AND sp.kind = %(room)s)
        AS has_room,
    EXISTS (SELECT 1 FROM stations_space sp WHERE sp.station_id = s.id AND sp.is_active AND sp.kind = %(bay)s)
        AS has_bay,
    EXISTS (SELECT 1 FROM stations_space sp WHERE sp.station_id = s.id AND sp.is_active AND sp.kind = %(zone)s)
        AS has_zone
FROM stations_station s WHERE s.slug = %(slug)s AND s.is_active
"""


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
