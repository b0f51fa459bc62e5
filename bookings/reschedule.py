"""Reschedule (issue 12, point 3): the buyer moves a booking, the seller re-confirms or proposes other times.

A move is a Booking row with `moves` set (bookings.models.Booking.moves): pending, it
holds the proposed slot exactly as a new booking's hold does, so the slot engine, the
one-slot check and the database's no-overlap constraint keep everyone else off it while
the booking keeps its own slot. The seller answers through a signed link of its own
(bookings.links.SELLER_MOVE): accepting moves the booking onto the proposed slot (the
move row goes first, in the same transaction, so the constraint never sees both);
declining, or the hold ending, deletes the move row and the booking stays where it was.
Either way an event on the booking records it and emails the parties.

The seller may answer an invitation, or a move, with up to three other free times
instead; the buyer takes one in one click, under the station's lock, without another
round trip to the seller, who proposed it.

A move is no new booking: it is not counted against the buyer's active bookings or
the invitation caps (bookings.buyer_checks skips move rows).
"""

from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from charter.models import CharterVersion
from charter.selectors import charter_verdict_for_booking
from charter.services import charter_review_record
from stations.models import Station

from .abuse import slot_refusal
from .audit import event_record
from .buyer_checks import buyer_lock
from .exceptions import (
    CharterChanged,
    CharterViolation,
    InvalidTransition,
    MoveAlreadyPending,
    MoveTooLate,
    MoveUnavailable,
    ProposalUnavailable,
    SlotUnavailable,
    TooManyProposals,
)
from .models import Actor, Booking, BookingStatus, EventKind, ReminderDelivery, new_invite_nonce, new_reference
from .moves import move_details, move_end
from .selectors import hold_deadline, slot_key_to_datetime, station_booking_days, station_free_slots, station_slot
from .services import booking_expire
from .slots.availability import MIN_ANSWER_TIME
from .slots.booking_check import SlotChoice, slot_check
from .slots.cache import availability_changed
from .slots.seller_window import HOLD_MARGIN

S = BookingStatus
MAX_PROPOSALS = 3
SLOT_KEY = "%Y%m%dT%H%M%SZ"  # bookings.slots.engine.Slot.key

# The booking's fields a move row copies: the same exchange, at another time.
_COPIED = (
    "buyer_id",
    "seller_email",
    "seller_name",
    "language",
    "item_title",
    "item_description",
    "item_kind",
    "listing_url",
    "vehicle_plate",
    "buyer_charter_version_id",
)


def _still_movable(booking: Booking, now: datetime) -> bool:
    """Pending with its hold open, or confirmed, and still to come (a locked, fresh row)."""
    if booking.starts_at <= now or booking.is_move:
        return False
    return booking.status == S.CONFIRMED or (booking.status == S.PENDING and booking.hold_expires_at > now)


def _book_slot_for(*, booking: Booking, station: Station, starts_at: datetime, now: datetime, buyer) -> SlotChoice:
    """The one-slot check for a booking's new slot, under the station's lock (taken by the caller)."""
    kind = booking.space.kind
    try:
        choice = slot_check(
            station=station, kind=kind, starts_at=starts_at, now=now, buyer=buyer, reference=new_reference()
        )
    except SlotUnavailable as refused:
        raise slot_refusal(
            refused=refused,
            station=station,
            kind=kind,
            starts_at=starts_at,
            now=now,
            buyer=buyer,
            ignore_pressure=False,
        ) from None
    for lapsed in Booking.objects.filter(pk__in=choice.lapsed_booking_ids):
        booking_expire(booking=lapsed, now=now)  # the constraint must see them gone
    return choice


def _move_deadline(*, booking: Booking, station: Station, starts_at: datetime, now: datetime) -> datetime:
    """The seller's deadline for a move: a new booking's (the fair window), but answered before the
    current slot is near (both parties must know which time holds) and while a pending booking's own
    hold stands. MoveTooLate when that leaves no time."""
    deadline = min(hold_deadline(station=station, starts_at=starts_at, now=now), booking.starts_at - HOLD_MARGIN)
    if booking.status == S.PENDING:
        deadline = min(deadline, booking.hold_expires_at)
    if deadline <= now + MIN_ANSWER_TIME:
        raise MoveTooLate
    return deadline


def booking_move_request(
    *, booking: Booking, buyer, station: Station, starts_at: datetime, now: datetime | None = None
) -> Booking:
    """The buyer asks to move their booking to a free slot (this station or another): returns the move row.

    The booking keeps its slot; the move holds the new one until the seller answers
    or its deadline (the fair seller window, bookings.slots.seller_window) passes.
    Locks: the buyer, the station, then the booking (bookings.moves).
    """
    now = now or timezone.now()
    if booking.buyer_id != buyer.pk:
        raise InvalidTransition
    try:
        with transaction.atomic():
            buyer_lock(buyer=buyer, seller_email=None)
            station = Station.objects.select_for_update().get(pk=station.pk, is_active=True)
            booking = Booking.objects.select_for_update().select_related("space", "station").get(pk=booking.pk)
            if not _still_movable(booking, now):
                raise InvalidTransition
            if Booking.objects.filter(moves=booking, hold_expires_at__gt=now).exists():
                raise MoveAlreadyPending
            if station.pk == booking.station_id and starts_at == booking.starts_at:
                raise SlotUnavailable(SlotUnavailable.message)
            for lapsed in Booking.objects.filter(moves=booking):
                booking_expire(booking=lapsed, now=now)  # a lapsed move the sweep has not ended yet
            deadline = _move_deadline(booking=booking, station=station, starts_at=starts_at, now=now)
            choice = _book_slot_for(booking=booking, station=station, starts_at=starts_at, now=now, buyer=buyer)
            move = Booking.objects.create(
                moves=booking,
                station=station,
                space_id=choice.space_id,
                officer_id=choice.officer_id,
                starts_at=starts_at,
                ends_at=starts_at + station.slot_length,
                hold_expires_at=deadline,
                **{field: getattr(booking, field) for field in _COPIED},
            )
            Booking.objects.filter(pk=booking.pk).update(move_nonce=new_invite_nonce(), seller_proposals=[])
            booking.refresh_from_db()
            event_record(
                booking=booking,
                from_status=booking.status,
                to_status=booking.status,
                role=Actor.BUYER,
                user=buyer,
                kind=EventKind.MOVE_REQUESTED,
                details=move_details(booking=booking, move=move),
            )
    except IntegrityError as exc:
        raise SlotUnavailable from exc  # the database constraint caught a concurrent booking of that space
    return move


def _moved_fields(*, booking: Booking, target: Booking | SlotChoice, station: Station, starts_at: datetime) -> dict:
    """The booking's new place and time; a changed officer or time is told to the officer again."""
    officer_id = target.officer_id
    fields: dict[str, Any] = {
        "station_id": station.pk,
        "space_id": target.space_id,
        "officer_id": officer_id,
        "starts_at": starts_at,
        "ends_at": starts_at + station.slot_length,
        "seller_proposals": [],
        "updated_at": timezone.now(),
    }
    if officer_id != booking.officer_id or starts_at != booking.starts_at:
        fields["officer_notified_at"] = None
    return fields


def _reminders_restart(booking: Booking) -> None:
    # The reminders sent (or queued) were for the old time: the sweep sends them again for the new one.
    ReminderDelivery.objects.filter(booking=booking).delete()


def booking_move_accept(
    *,
    booking: Booking,
    charter_version: CharterVersion,
    charter_seen: int | None = None,
    now: datetime | None = None,
) -> Booking:
    """The seller re-confirms: the booking moves onto the slot its move held, and is confirmed there.

    The charter is accepted again (a pending booking is confirmed by this answer).
    """
    if charter_seen is not None and charter_seen != charter_version.pk:
        raise CharterChanged.for_version(charter_version)
    now = now or timezone.now()
    verdict = charter_verdict_for_booking(booking=booking, version=charter_version)
    if verdict.forbidden:
        raise CharterViolation(verdict)
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        move = (
            Booking.objects.select_for_update()
            .select_related("station")
            .filter(moves=booking, hold_expires_at__gt=now)
            .first()
        )
        if move is None:
            raise MoveUnavailable
        if not _still_movable(booking, now):
            raise InvalidTransition
        details = move_details(booking=booking, move=move)
        fields = _moved_fields(booking=booking, target=move, station=move.station, starts_at=move.starts_at)
        move.delete()  # first: the constraint must see the slot free for the booking
        from_status = booking.status
        Booking.objects.filter(pk=booking.pk).update(
            status=S.CONFIRMED, seller_charter_version=charter_version, seller_answered_at=now, **fields
        )
        availability_changed(booking.station_id)  # update() sends no signal: the old station, then the new
        booking.refresh_from_db()
        availability_changed(booking.station_id)
        _reminders_restart(booking)
        charter_review_record(booking=booking, version=charter_version, verdict=verdict, now=now)
        event_record(
            booking=booking,
            from_status=from_status,
            to_status=S.CONFIRMED,
            role=Actor.SELLER,
            kind=EventKind.MOVE_ACCEPTED,
            details=details,
        )
    return booking


def booking_move_decline(*, booking: Booking, note: str = "", now: datetime | None = None) -> Booking:
    """The seller declines the new time: the booking stays on its slot, the buyer is told."""
    move = Booking.objects.filter(moves=booking, hold_expires_at__gt=now or timezone.now()).first()
    if move is None or not move_end(move=move, kind=EventKind.MOVE_DECLINED, role=Actor.SELLER, note=note):
        raise MoveUnavailable
    booking.refresh_from_db()
    return booking


def proposable_slots(*, booking: Booking, now: datetime | None = None, limit: int = 24):
    """The free slots the seller may propose: the booking's station and kind, from the booking's day on.

    Around the time the buyer asked for is where another time most likely suits both.
    """
    days = station_booking_days(booking.station, now)
    first_day = max(days[0], timezone.localtime(booking.starts_at, booking.station.zone).date())
    slots = station_free_slots(
        station=booking.station,
        kind=booking.space.kind,
        first_day=first_day,
        last_day=days[-1],
        now=now,
        buyer=booking.buyer,
    )
    return [slot for slot in slots if slot.starts_at != booking.starts_at][:limit]


def booking_times_propose(
    *,
    booking: Booking,
    starts: list[datetime],
    charter_version: CharterVersion,
    charter_seen: int | None = None,
    now: datetime | None = None,
) -> Booking:
    """The seller answers an invitation (or a move) with one to three other free times of the station.

    The booking keeps its slot meanwhile (a pending one until its hold ends); a move
    waiting for this answer ends, declined. The times are not held: the buyer's click
    checks them again under the station's lock.
    """
    if charter_seen is not None and charter_seen != charter_version.pk:
        raise CharterChanged.for_version(charter_version)
    now = now or timezone.now()
    if not 1 <= len(set(starts)) <= MAX_PROPOSALS:
        raise TooManyProposals
    verdict = charter_verdict_for_booking(booking=booking, version=charter_version)
    if verdict.forbidden:
        raise CharterViolation(verdict)
    kind = booking.space.kind
    for starts_at in starts:
        if station_slot(station=booking.station, kind=kind, starts_at=starts_at, now=now, buyer=booking.buyer) is None:
            raise ProposalUnavailable
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("station").get(pk=booking.pk)
        if not _still_movable(booking, now):
            raise InvalidTransition
        move = Booking.objects.filter(moves=booking).first()
        if move is not None:
            move_end(move=move, kind=EventKind.MOVE_DECLINED, role=Actor.SELLER)
        keys = [moment.astimezone(UTC).strftime(SLOT_KEY) for moment in sorted(set(starts))]
        Booking.objects.filter(pk=booking.pk).update(
            seller_proposals=keys, seller_charter_version=charter_version, updated_at=now
        )
        booking.refresh_from_db()
        charter_review_record(booking=booking, version=charter_version, verdict=verdict, now=now)
        event_record(
            booking=booking,
            from_status=booking.status,
            to_status=booking.status,
            role=Actor.SELLER,
            kind=EventKind.TIMES_PROPOSED,
            details={"proposals": keys, "old_starts_at": booking.starts_at.isoformat()},
        )
    return booking


def booking_proposal_take(*, booking: Booking, buyer, key: str, now: datetime | None = None) -> Booking:
    """The buyer takes one of the seller's proposed times: the booking moves there and is confirmed.

    Locks: the buyer, the station, the booking (as booking_move_request).
    """
    now = now or timezone.now()
    starts_at = slot_key_to_datetime(key)
    if booking.buyer_id != buyer.pk or starts_at is None:
        raise ProposalUnavailable
    try:
        with transaction.atomic():
            buyer_lock(buyer=buyer, seller_email=None)
            station = Station.objects.select_for_update().get(pk=booking.station_id)
            booking = Booking.objects.select_for_update().select_related("space", "station").get(pk=booking.pk)
            if key not in booking.seller_proposals or not _still_movable(booking, now):
                raise ProposalUnavailable
            choice = _book_slot_for(booking=booking, station=station, starts_at=starts_at, now=now, buyer=buyer)
            for move in Booking.objects.filter(moves=booking):
                move_end(move=move, kind=EventKind.MOVE_WITHDRAWN, role=Actor.BUYER, user=buyer)
            details = {
                "old_starts_at": booking.starts_at.isoformat(),
                "old_station": booking.station_id,
                "new_starts_at": starts_at.isoformat(),
                "new_station": station.pk,
            }
            from_status = booking.status
            fields = _moved_fields(booking=booking, target=choice, station=station, starts_at=starts_at)
            Booking.objects.filter(pk=booking.pk).update(
                status=S.CONFIRMED, seller_answered_at=booking.seller_answered_at or now, **fields
            )
            availability_changed(booking.station_id)  # update() sends no signal: the old station, then the new
            booking.refresh_from_db()
            availability_changed(booking.station_id)
            _reminders_restart(booking)
            event_record(
                booking=booking,
                from_status=from_status,
                to_status=S.CONFIRMED,
                role=Actor.BUYER,
                user=buyer,
                kind=EventKind.PROPOSAL_TAKEN,
                details=details,
            )
    except IntegrityError as exc:
        raise ProposalUnavailable from exc
    return booking
