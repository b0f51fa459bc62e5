"""Limits against abuse of the booking service: the no-show ban, and why a held-back slot is refused.

No-show ban: a buyer who did not come to settings.BOOKINGS_NO_SHOW_BAN_THRESHOLD
exchanges within BOOKINGS_NO_SHOW_BAN_WINDOW_DAYS cannot book for
BOOKINGS_NO_SHOW_BAN_DAYS after the latest of them: each missed exchange cost an
officer's time and a seller's trip. Only no-shows where the buyer was absent count
(the desk records who did not come: a seller who stayed away is not the buyer's
fault). A no-show counts from its slot's start. Staff lift a ban with
booking_ban_lift(): no no-show before the lift counts any more, and the lift is kept
(who, when, why) as the audit.

The hold-back of slots a party freed is read by the slot engine (bookings.slots.holdback,
and the same rule in the engine's SQL); booking_create refuses such a slot under the
station's lock with the time it comes back (slot_refusal).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from stations.models import Station

from .exceptions import BookingBanned, BookingError, SlotHeldBack, SlotUnavailable
from .models import Booking, BookingBanLift, BookingStatus, NoShowParty
from .slots.availability import station_slot
from .slots.holdback import held_back_until

BUYER_ABSENT = (NoShowParty.BUYER, NoShowParty.BOTH)


def buyer_no_shows(*, buyer):
    """The buyer's no-shows where the buyer was absent, at any station."""
    return Booking.objects.filter(buyer=buyer, status=BookingStatus.NO_SHOW, no_show_party__in=BUYER_ABSENT)


def ban_window_start(now: datetime) -> datetime:
    """No-shows that started before this can no longer ban anyone."""
    window = timedelta(days=settings.BOOKINGS_NO_SHOW_BAN_WINDOW_DAYS)
    return now - timedelta(days=settings.BOOKINGS_NO_SHOW_BAN_DAYS) - window


def ban_until_from(no_show_starts: list[datetime], *, lifted_at: datetime | None, now: datetime) -> datetime | None:
    """The ban's end from the buyer's no-shows (their slots' starts) and the last lift; None when not banned."""
    threshold = settings.BOOKINGS_NO_SHOW_BAN_THRESHOLD
    if threshold <= 0:
        return None
    window = timedelta(days=settings.BOOKINGS_NO_SHOW_BAN_WINDOW_DAYS)
    length = timedelta(days=settings.BOOKINGS_NO_SHOW_BAN_DAYS)
    times = sorted(
        (at for at in no_show_starts if ban_window_start(now) < at <= now and (lifted_at is None or at >= lifted_at)),
        reverse=True,
    )
    # The latest no-show still within its ban that closes a window of `threshold`
    # no-shows sets the end; later ones end later, so the first found wins.
    for latest in times:
        if latest + length <= now:
            break
        if sum(1 for at in times if latest - window < at <= latest) >= threshold:
            return latest + length
    return None


def buyer_ban_until(*, buyer, now: datetime | None = None) -> datetime | None:
    """The moment the buyer may book again, or None when they may now."""
    if settings.BOOKINGS_NO_SHOW_BAN_THRESHOLD <= 0 or getattr(buyer, "pk", None) is None:
        return None
    now = now or timezone.now()
    last_lift = BookingBanLift.objects.filter(buyer=buyer).values("buyer").annotate(at=Max("lifted_at")).values("at")
    misses = list(
        buyer_no_shows(buyer=buyer)
        .filter(starts_at__gt=ban_window_start(now), starts_at__lte=now)
        .annotate(last_lift=Subquery(last_lift))
        .values_list("starts_at", "last_lift")
    )
    lifted_at = misses[0][1] if misses else None
    return ban_until_from([starts_at for starts_at, _lift in misses], lifted_at=lifted_at, now=now)


def ban_error(until: datetime | None, zone) -> BookingBanned | None:
    if until is None:
        return None
    return BookingBanned.until(
        until,
        zone,
        count=settings.BOOKINGS_NO_SHOW_BAN_THRESHOLD,
        days=settings.BOOKINGS_NO_SHOW_BAN_WINDOW_DAYS,
    )


def buyer_ban_error(*, buyer, station: Station, now: datetime | None = None) -> BookingBanned | None:
    """The refusal to show the buyer (dates in the station's time zone), or None when they may book."""
    return ban_error(buyer_ban_until(buyer=buyer, now=now), station.zone)


def slot_refusal(
    *,
    refused: SlotUnavailable,
    station: Station,
    kind: str,
    starts_at: datetime,
    now: datetime,
    buyer,
    ignore_pressure: bool,
) -> SlotUnavailable:
    """Why the one-slot check refused a slot: held back after a party freed it (with the time it comes
    back), or the check's own reason (taken, no officer free). Only runs when a booking is refused, so
    the second pass of the engine costs nothing else."""
    without_holdback = station_slot(
        station=station,
        kind=kind,
        starts_at=starts_at,
        now=now,
        buyer=buyer,
        ignore_pressure=ignore_pressure,
        holdback=False,
    )
    if without_holdback is None:
        return refused
    until = held_back_until(
        station=station, kind=kind, starts_at=starts_at, ends_at=starts_at + station.slot_length, now=now, buyer=buyer
    )
    return SlotHeldBack.until(until, station.zone) if until else refused


def ban_lift_candidates(*, station: Station | None = None, now: datetime | None = None):
    """Buyers whose no-shows could ban them now; with a station, only those who no-showed there.

    The admin offers these, so that a station's staff act only on buyers who missed
    an exchange at their own station, never on any account.
    """
    now = now or timezone.now()
    recent = now - timedelta(days=settings.BOOKINGS_NO_SHOW_BAN_WINDOW_DAYS + settings.BOOKINGS_NO_SHOW_BAN_DAYS)
    misses = Booking.objects.filter(
        status=BookingStatus.NO_SHOW, no_show_party__in=BUYER_ABSENT, starts_at__gt=recent, buyer__isnull=False
    )
    if station is not None:
        misses = misses.filter(station=station)
    return get_user_model().objects.filter(pk__in=misses.values("buyer")).order_by("email")


def booking_ban_lift(
    *, buyer, user, reason: str, station: Station | None = None, now: datetime | None = None
) -> BookingBanLift:
    """Staff lift a buyer's no-show ban, with a reason kept for the audit.

    `station`: the station of the staff member acting; the buyer must have missed an
    exchange there (a superuser passes None and may act on any buyer).
    """
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise BookingError(gettext("Say why the ban is lifted: the reason is kept."))
    if not ban_lift_candidates(station=station, now=now).filter(pk=buyer.pk).exists():
        raise BookingError(gettext("This buyer has no recent no-show at your station."))
    if buyer_ban_until(buyer=buyer, now=now) is None:
        raise BookingError(gettext("This buyer is not banned from booking."))
    return BookingBanLift.objects.create(buyer=buyer, lifted_by=user, station=station, reason=reason, lifted_at=now)
