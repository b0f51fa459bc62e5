"""Every change of a booking's state happens here, in one transaction with its audit row.

Side effects (emails) are enqueued with transaction.on_commit, so a rolled-back
change sends nothing.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.names import person_name_clean
from charter.models import BookingCharterReview, CharterVersion
from charter.selectors import charter_check, charter_current, charter_verdict_for_booking
from charter.services import charter_review_create, charter_review_record
from stations.models import SpaceKind, Station

from .abuse import slot_refusal
from .audit import event_record
from .buyer_checks import buyer_checks, buyer_lock
from .drafts import draft_clear
from .exceptions import (
    BookingError,
    CharterChanged,
    CharterViolation,
    InvalidName,
    InvalidTransition,
    RebookingUnavailable,
    SellerIsBuyer,
    SlotUnavailable,
)
from .invitations import seller_is_buyer
from .models import (
    OUTCOME_STATUSES,
    TRANSITIONS,
    Actor,
    Booking,
    BookingStatus,
    CharterRefusal,
    EventKind,
    ItemKind,
    NoShowParty,
    Party,
    new_reference,
)
from .moves import move_end, moves_end_open
from .selectors import hold_deadline
from .slots.booking_check import slot_check
from .slots.cache import availability_changed

S = BookingStatus


_record_event = event_record


def _transition(
    *, booking: Booking, allowed_from: tuple, to_status: str, role: str, user=None, note: str = "", **fields
) -> Booking:
    """Move a booking from one of `allowed_from` to `to_status`, or raise InvalidTransition.

    `allowed_from` narrows the lifecycle (models.TRANSITIONS) for this service; a move the
    lifecycle does not have is refused whatever the caller allows.

    The row lock makes two concurrent transitions of the same booking (a seller
    accepting while the buyer cancels) take turns: the second sees the new state.
    """
    with transaction.atomic():
        locked = Booking.objects.select_for_update().filter(pk=booking.pk).values_list("status", "moves_id").first()
        current, moves_id = locked or (None, None)
        # A proposed move has no lifecycle of its own: bookings.moves ends it.
        if current is None or moves_id or current not in allowed_from or to_status not in TRANSITIONS.get(current, ()):
            raise InvalidTransition
        Booking.objects.filter(pk=booking.pk).update(status=to_status, updated_at=timezone.now(), **fields)
        availability_changed(booking.station_id)  # update() sends no signal (bookings.slots.invalidation)
        booking.refresh_from_db()
        _record_event(booking=booking, from_status=current, to_status=to_status, role=role, user=user, note=note)
        if to_status != S.CONFIRMED:
            # The booking ends (or is under way): a move still waiting for the seller goes with it.
            moves_end_open(booking=booking)
    return booking


def booking_create(
    *,
    buyer,
    station: Station,
    starts_at: datetime,
    item_title: str,
    item_description: str = "",
    item_kind: str = ItemKind.GOODS,
    listing_url: str = "",
    vehicle_plate: str = "",
    seller_email: str,
    seller_name: str,
    language: str | None = None,
    rebooked_from: Booking | None = None,
    clear_draft: bool = False,
    charter_seen: int | None = None,
) -> Booking:
    """Book a free slot for the buyer and invite the seller. Raises a BookingError subclass when it cannot.

    `rebooked_from`: a booking the station cancelled (closure, pressure), rebooked with
    the priority link of its apology email (bookings.rebooking): the pressure switch
    does not stop it, and the link works once. `clear_draft`: the wizard's answers at
    this station go with the booking (bookings.drafts), in the same transaction.
    `charter_seen`: the id of the charter version the buyer read; CharterChanged when
    another one has been published since (the booking records the one accepted).

    Locks, always in this order: the buyer (with the seller's mailbox), then the
    station. Under the station's lock only the one-slot check and the inserts run
    (bookings.slots.booking_check), so bookings at one station queue for a few
    round trips each.
    """
    if seller_is_buyer(buyer=buyer, seller_email=seller_email):
        raise SellerIsBuyer
    charter = charter_current()
    if charter_seen is not None and charter_seen != charter.pk:
        raise CharterChanged.for_version(charter)
    verdict = charter_check(version=charter, title=item_title, description=item_description)
    if verdict.forbidden:
        raise CharterViolation(verdict)
    if verdict.is_vehicle:
        item_kind = ItemKind.VEHICLE  # the charter sends a vehicle to a parking bay, whatever was declared
    kind = SpaceKind.BAY if item_kind == ItemKind.VEHICLE else SpaceKind.ROOM
    now = timezone.now()
    priority = rebooked_from is not None
    reference = new_reference()
    try:
        with transaction.atomic():
            buyer_lock(buyer=buyer, seller_email=seller_email)
            buyer_checks(buyer=buyer, seller_email=seller_email, station=station, now=now, rebooked_from=rebooked_from)
            if rebooked_from is not None:
                _check_rebooking(rebooked_from=rebooked_from, buyer=buyer, station=station)
            if clear_draft:
                draft_clear(buyer=buyer, station=station)
            # The locked row's switch and roster settings count, not the caller's copy of the station.
            station = Station.objects.select_for_update().get(pk=station.pk)
            try:
                choice = slot_check(
                    station=station,
                    kind=kind,
                    starts_at=starts_at,
                    now=now,
                    buyer=buyer,
                    reference=reference,
                    ignore_pressure=priority,
                )
            except SlotUnavailable as refused:
                raise slot_refusal(  # taken, no officer, or held back after a cancellation (bookings.abuse)
                    refused=refused,
                    station=station,
                    kind=kind,
                    starts_at=starts_at,
                    now=now,
                    buyer=buyer,
                    ignore_pressure=priority,
                ) from None
            for lapsed in Booking.objects.filter(pk__in=choice.lapsed_booking_ids):
                booking_expire(booking=lapsed, now=now)  # the constraint must see them gone
            booking = Booking.objects.create(
                reference=_unused_reference() if choice.reference_taken else reference,
                station=station,
                space_id=choice.space_id,
                # Reserved under the station's lock (bookings.assignment); confirmed when the seller accepts.
                officer_id=choice.officer_id,
                starts_at=starts_at,
                ends_at=starts_at + station.slot_length,
                hold_expires_at=hold_deadline(station=station, starts_at=starts_at, now=now),
                buyer=buyer,
                seller_email=seller_email.strip(),
                seller_name=seller_name.strip(),
                language=language or translation.get_language() or settings.LANGUAGE_CODE,
                item_title=item_title.strip(),
                item_description=item_description.strip(),
                item_kind=item_kind,
                listing_url=listing_url,
                vehicle_plate=vehicle_plate.strip().upper() if item_kind == ItemKind.VEHICLE else "",
                buyer_charter_version=charter,
                rebooked_from=rebooked_from,
            )
            charter_review_create(booking=booking, version=charter, verdict=verdict, now=now)
            _record_event(booking=booking, from_status="", to_status=S.PENDING, role=Actor.BUYER, user=buyer)
    except IntegrityError as exc:
        # The database constraint caught a concurrent booking of the same space.
        raise SlotUnavailable from exc
    return booking


def _unused_reference() -> str:
    # Only 25**5 references exist, so draws collide as bookings pile up; left to
    # the unique constraint, a collision would surface as a misleading
    # SlotUnavailable. booking_create's first draw is checked within the slot
    # check's statement; this further loop runs only when that one was taken.
    while True:
        reference = new_reference()
        if not Booking.objects.filter(reference=reference).exists():
            return reference


def charter_refusal_record(*, station: Station, category: str, version: CharterVersion | None = None) -> None:
    """The wizard refused an item under the charter: counted for the statistics, nothing personal kept."""

    CharterRefusal.objects.create(station=station, category=category or "", version=version)


def _check_rebooking(*, rebooked_from: Booking, buyer, station: Station) -> None:
    """The priority link is the buyer's, for a booking the station cancelled, and works once (buyer row locked)."""
    if (
        rebooked_from.buyer_id != buyer.pk
        or rebooked_from.station_id != station.pk
        or rebooked_from.status != S.CANCELLED
        or not rebooked_from.cancel_cause
        or Booking.objects.filter(rebooked_from=rebooked_from).exists()
    ):
        raise RebookingUnavailable


def booking_accept(
    *,
    booking: Booking,
    charter_version: CharterVersion,
    seller_first_name: str,
    seller_last_name: str,
    charter_seen: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Booking:
    """The seller accepts the invitation and the charter, giving their name; the charter is checked again on the item.

    `charter_seen`: the id of the version the seller read; CharterChanged when it is not
    `charter_version` (the current one) any more. The seller's first and last name are
    required (InvalidName otherwise): the desk checks them against an identity document.
    """
    if charter_seen is not None and charter_seen != charter_version.pk:
        raise CharterChanged.for_version(charter_version)
    try:
        seller_first_name, seller_last_name = person_name_clean(seller_first_name), person_name_clean(seller_last_name)
    except ValidationError as error:
        raise InvalidName.from_validation_error(error) from None
    now = now or timezone.now()
    if not booking.hold_is_open(now):
        raise InvalidTransition
    verdict = charter_verdict_for_booking(booking=booking, version=charter_version)  # a staff override wins
    if verdict.forbidden:
        raise CharterViolation(verdict)
    with transaction.atomic():
        booking = _transition(
            booking=booking,
            allowed_from=(S.PENDING,),
            to_status=S.CONFIRMED,
            role=Actor.SELLER,
            note=note,
            seller_charter_version=charter_version,
            seller_answered_at=now,
            seller_first_name=seller_first_name,
            seller_last_name=seller_last_name,
        )
        charter_review_record(booking=booking, version=charter_version, verdict=verdict, now=now)
    return booking


def booking_decline(*, booking: Booking, note: str = "", now: datetime | None = None) -> Booking:
    now = now or timezone.now()
    if not booking.hold_is_open(now):
        raise InvalidTransition
    return _transition(
        booking=booking,
        allowed_from=(S.PENDING,),
        to_status=S.DECLINED,
        role=Actor.SELLER,
        note=note,
        seller_answered_at=now,
    )


def booking_expire(*, booking: Booking, now: datetime | None = None) -> Booking:
    now = now or timezone.now()
    if booking.hold_expires_at > now:
        raise InvalidTransition
    if booking.is_move:
        # The seller did not re-confirm in time: the booking stays on its slot, the buyer is told.
        if not move_end(move=booking, kind=EventKind.MOVE_EXPIRED):
            raise InvalidTransition
        return booking
    return _transition(booking=booking, allowed_from=(S.PENDING,), to_status=S.EXPIRED, role=Actor.SYSTEM)


def bookings_expire_overdue(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Expire every pending booking past its deadline; safe to run concurrently and repeatedly."""
    now = now or timezone.now()
    expired = 0
    overdue = Booking.objects.filter(status=S.PENDING, hold_expires_at__lte=now).order_by("id")[:batch_size]
    for booking in overdue:
        try:
            booking_expire(booking=booking, now=now)
            expired += 1
        except InvalidTransition:
            pass  # answered or expired by someone else meanwhile
    return expired


def booking_cancel(*, booking: Booking, role: str, user=None, reason: str = "", cause: str = "") -> Booking:
    """Cancel a pending or confirmed booking; a `cause` (CancelCause, staff only) sends the apology instead."""
    # A party may cancel only ahead of the slot and while the hold stands (else
    # a no-show could be rewritten as a cancellation); staff may cancel any time.
    if role != Actor.STAFF and not booking.can_be_cancelled:
        raise InvalidTransition
    if booking.is_move:
        # A closure or staff end a proposed move, never the booking it would have moved.
        if not move_end(move=booking, kind=EventKind.MOVE_WITHDRAWN, role=role, user=user, note=reason):
            raise InvalidTransition
        return booking
    return _transition(
        booking=booking,
        allowed_from=(S.PENDING, S.CONFIRMED),
        to_status=S.CANCELLED,
        role=role,
        user=user,
        note=reason,
        cancel_reason=reason,
        cancel_cause=cause if role == Actor.STAFF else "",
    )


# --- at the check-in desk ---------------------------------------------------------------------


def booking_check_in(*, booking: Booking, user, note: str = "") -> Booking:
    """Staff check the booking in: both parties marked present, or staff decide to go ahead without that."""
    return _transition(
        booking=booking, allowed_from=(S.CONFIRMED,), to_status=S.CHECKED_IN, role=Actor.STAFF, user=user, note=note
    )


def booking_mark_present(*, booking: Booking, party: str, user, now: datetime | None = None) -> Booking:
    """The desk saw one party arrive; when both are there, the booking is checked in.

    Marking a party present again changes nothing. A booking already checked in
    (staff went ahead with one party) still records the late party's arrival.
    """
    if party not in Party.values:
        raise InvalidTransition
    now = now or timezone.now()
    field = f"{party}_present_at"
    with transaction.atomic():
        locked = (
            Booking.objects.select_for_update()
            .filter(pk=booking.pk)
            .values("status", "buyer_present_at", "seller_present_at")
            .first()
        )
        if locked is None or locked["status"] not in (S.CONFIRMED, S.CHECKED_IN):
            raise InvalidTransition
        row: dict[str, Any] = dict(locked)
        if row[field] is None:
            Booking.objects.filter(pk=booking.pk).update(**{field: now, "updated_at": now})
            row[field] = now
        booking.refresh_from_db()
        if row["status"] == S.CONFIRMED and row["buyer_present_at"] and row["seller_present_at"]:
            booking = _transition(
                booking=booking,
                allowed_from=(S.CONFIRMED,),
                to_status=S.CHECKED_IN,
                role=Actor.STAFF,
                user=user,
                note=gettext("Buyer and seller present."),
            )
    return booking


OUTCOMES = OUTCOME_STATUSES
# An incident or a refused item can end a booking before (or without) the check-in.
_OUTCOMES_BEFORE_CHECK_IN = (S.INCIDENT, S.REFUSED)


def booking_record_outcome(
    *, booking: Booking, outcome: str, user, note: str = "", refusal_category: str = ""
) -> Booking:
    """Completed, aborted, refused under the charter, or an incident (a note is required, and
    an incident keeps the personal data past the retention period: bookings.retention)."""
    if outcome not in OUTCOMES:
        raise InvalidTransition
    note = note.strip()
    fields: dict[str, object] = {}
    if outcome == S.INCIDENT:
        if not note:
            raise BookingError(gettext("Describe the incident: the note is kept with the booking."))
        fields["retention_hold"] = True
    if outcome == S.REFUSED:
        fields["refusal_category"] = refusal_category or _reviewed_category(booking)
    allowed = (S.CONFIRMED, S.CHECKED_IN) if outcome in _OUTCOMES_BEFORE_CHECK_IN else (S.CHECKED_IN,)
    return _transition(
        booking=booking, allowed_from=allowed, to_status=outcome, role=Actor.STAFF, user=user, note=note, **fields
    )


def _reviewed_category(booking: Booking) -> str:
    return BookingCharterReview.objects.filter(booking_id=booking.pk).values_list("category", flat=True).first() or ""


def bookings_mark_no_shows(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Confirmed bookings nobody checked in for, settings.BOOKINGS_NO_SHOW_GRACE_MINUTES after the start."""
    now = now or timezone.now()
    grace = settings.BOOKINGS_NO_SHOW_GRACE_MINUTES
    note = gettext("Nobody checked in within %(minutes)d minutes of the start.") % {"minutes": grace}
    overdue = Booking.objects.filter(status=S.CONFIRMED, starts_at__lte=now - timedelta(minutes=grace)).exclude(
        buyer_present_at__isnull=False, seller_present_at__isnull=False
    )  # both came: the desk checks it in, never the sweep
    marked = 0
    for booking in overdue.order_by("id")[:batch_size]:
        try:
            booking_mark_no_show(booking=booking, note=note)
            marked += 1
        except BookingError:
            pass  # checked in, cancelled or marked present meanwhile: the desk decides
    return marked


def booking_mark_no_show(*, booking: Booking, user=None, note: str = "", party: str = "") -> Booking:
    """Nobody, or only one party, came. `party` says who did not come; by default it follows
    who the desk marked present (neither: both parties)."""
    with transaction.atomic():
        locked = (
            Booking.objects.select_for_update()
            .filter(pk=booking.pk)
            .values("status", "buyer_present_at", "seller_present_at")
            .first()
        )
        if locked is None or locked["status"] != S.CONFIRMED:
            raise InvalidTransition
        row: dict[str, Any] = dict(locked)
        came = {p for p in Party.values if row[f"{p}_present_at"] is not None}
        absent: dict[str, set[str]] = {
            NoShowParty.BUYER: {Party.BUYER},
            NoShowParty.SELLER: {Party.SELLER},
            NoShowParty.BOTH: set(Party),
        }
        if not party:
            missing = set(Party) - came
            if not missing:
                raise BookingError(gettext("Both parties were marked present: check the booking in."))
            party = NoShowParty.BOTH if len(missing) == 2 else NoShowParty(missing.pop())
        if party not in absent:
            raise InvalidTransition
        if absent[party] & came:
            raise BookingError(gettext("That party was marked present: record who did not come."))
        return _transition(
            booking=booking,
            allowed_from=(S.CONFIRMED,),
            to_status=S.NO_SHOW,
            role=Actor.STAFF if user else Actor.SYSTEM,
            user=user,
            note=note,
            no_show_party=party,
        )
