"""Booking again: the priority rebooking of a station's apology, and "book again" from My bookings.

Priority rebooking, offered in the apology sent when the station cancels (closure, pressure).

What "priority" means here, and no more: the buyer's signed link (this purpose
only, 14 days) opens the station's booking wizard with the item and the seller
already filled in, and a booking made through it is taken even while the
station's pressure switch stops new bookings. It does not jump any queue: the
slots on offer are the free ones, with officers on the roster, like for anyone.
The link is the buyer's (their account must be logged in) and works once
(Booking.rebooked_from, checked under the buyer's row lock in booking_create).
"""

from .drafts import draft_clear, draft_save
from .links import PRIORITY_REBOOKING, InvalidLink, booking_from_link, link_path, link_token
from .models import Booking, BookingStatus


def rebooking_token(booking: Booking) -> str:
    return link_token(PRIORITY_REBOOKING, booking)


def rebooking_path(booking: Booking) -> str:
    return link_path(PRIORITY_REBOOKING, booking)


def booking_for_rebooking(*, token: str, buyer) -> Booking | None:
    """The cancelled booking a valid, unused link of this buyer names; None otherwise."""
    still_to_rebook = (
        Booking.objects.filter(buyer=buyer, status=BookingStatus.CANCELLED, rebookings__isnull=True)
        .exclude(cancel_cause="")
        .select_related("station")
    )
    try:
        return booking_from_link(PRIORITY_REBOOKING, token, still_to_rebook)
    except InvalidLink:
        return None


def _item_answers(booking: Booking) -> dict:
    return {
        "item_title": booking.item_title,
        "item_description": booking.item_description,
        "item_kind": booking.item_kind,
        "vehicle_plate": booking.vehicle_plate,
        "listing_url": booking.listing_url,
    }


def rebooking_draft(booking: Booking) -> dict:
    """The wizard's answers for the item and the seller, taken from the cancelled booking."""
    return {
        "item": _item_answers(booking),
        "seller": {"seller_email": booking.seller_email, "seller_name": booking.seller_name},
        "rebook": booking.pk,
    }


# "Book again" (My bookings): a booking that will not take place, whatever the reason.
BOOK_AGAIN_STATUSES = (BookingStatus.DECLINED, BookingStatus.EXPIRED, BookingStatus.CANCELLED)


def can_book_again(booking: Booking) -> bool:
    """The buyer may start again from this booking: it ended before taking place, and the station still books."""
    return booking.current_status in BOOK_AGAIN_STATUSES and booking.station.is_active


def book_again_draft(booking: Booking) -> dict:
    """The wizard's answers to start again from: the same item at the same station, nothing more.

    Not the seller (who may be the one who declined), not the slot, and no priority:
    an ordinary booking, which the wizard and booking_create check like any other.
    """
    return {"item": _item_answers(booking)}


def book_again_start(*, booking: Booking) -> bool:
    """Start the buyer's wizard at the booking's station from its item, in a fresh draft; False if it may not."""
    if not can_book_again(booking):
        return False
    draft_clear(buyer=booking.buyer, station=booking.station)
    draft_save(buyer=booking.buyer, station=booking.station, **book_again_draft(booking))
    return True
