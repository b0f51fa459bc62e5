"""Priority rebooking, offered in the apology sent when the station cancels (closure, pressure).

What "priority" means here, and no more: the buyer's signed link (this purpose
only, 14 days) opens the station's booking wizard with the item and the seller
already filled in, and a booking made through it is taken even while the
station's pressure switch stops new bookings. It does not jump any queue: the
slots on offer are the free ones, with officers on the roster, like for anyone.
The link is the buyer's (their account must be logged in) and works once
(Booking.rebooked_from, checked under the buyer's row lock in booking_create).
"""

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


def rebooking_draft(booking: Booking) -> dict:
    """The wizard's answers for the item and the seller, taken from the cancelled booking."""
    return {
        "item": {
            "item_title": booking.item_title,
            "item_description": booking.item_description,
            "item_kind": booking.item_kind,
            "vehicle_plate": booking.vehicle_plate,
            "listing_url": booking.listing_url,
        },
        "seller": {"seller_email": booking.seller_email, "seller_name": booking.seller_name},
        "rebook": booking.pk,
    }
