"""The desk checks each party's identity: a service (bookings.services' style) of its own.

Only the kind of document is kept, never its number: the booking says that the
person in front of the desk is the one it names, and holds nothing an identity
thief could use. The kind goes with the retention purge (bookings.retention): a
residence permit says something about a person.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from stations.admin_scoping import object_in_scope

from .exceptions import InvalidTransition, NotStationStaff
from .models import Actor, Booking, BookingEvent, BookingStatus, IdentityDocument, Party

S = BookingStatus


def booking_record_identity_check(
    *, booking: Booking, party: str, document: str, user, now: datetime | None = None
) -> Booking:
    """The desk checked one party's identity on a document of kind `document` (IdentityDocument).

    Only the kind is kept, never the document's number: the booking says that the
    person in front of the desk is the one it names, and nothing an identity thief
    could use. Staff of the booking's station only (or prefecture-wide accounts):
    NotStationStaff for anyone else. Checking again records the new document kind.
    """
    if party not in Party.values or document not in IdentityDocument.values:
        raise InvalidTransition
    if not _may_act_at_desk(user, booking):
        raise NotStationStaff
    now = now or timezone.now()
    with transaction.atomic():
        status = Booking.objects.select_for_update().filter(pk=booking.pk).values_list("status", flat=True).first()
        if status not in (S.CONFIRMED, S.CHECKED_IN):
            raise InvalidTransition
        Booking.objects.filter(pk=booking.pk).update(
            **{f"{party}_identity_document": document, f"{party}_identity_checked_at": now, "updated_at": now}
        )
        # The audit row of a change that moves no status: nothing to email, so it is claimed as sent.
        BookingEvent.objects.create(
            booking_id=booking.pk,
            at=now,
            actor=user,
            actor_role=Actor.STAFF,
            from_status=status,
            to_status=status,
            note=_IDENTITY_NOTES[party] % {"document": IdentityDocument(document).label},
            notified_at=now,
        )
        booking.refresh_from_db()
    return booking


_IDENTITY_NOTES = {
    Party.BUYER: gettext_lazy("Buyer's identity checked: %(document)s."),
    Party.SELLER: gettext_lazy("Seller's identity checked: %(document)s."),
}


def _may_act_at_desk(user, booking: Booking) -> bool:
    """An active staff account allowed to change bookings, of the booking's station (or of every station)."""
    return bool(
        user is not None
        and user.is_active
        and user.is_staff
        and user.has_perm("bookings.change_booking")
        and object_in_scope(user, booking)
    )
