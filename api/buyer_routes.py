"""/api/v1/me/: the signed-in buyer's own bookings, for a page or an app on Safe Exchange's own site.

Authenticated by the site's session cookie, never by a partner key: a partner never reads
nor cancels a booking in anyone's name. A cancel is a POST checked against CSRF like every
form of the site (the X-CSRFToken header), and goes through the same service as the
booking page's button (bookings.services.booking_cancel).
"""

from datetime import datetime
from typing import Literal

from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.security import SessionAuth
from pydantic import BaseModel

from bookings.exceptions import InvalidTransition
from bookings.models import Actor, Booking
from bookings.selectors import buyer_bookings
from bookings.services import booking_cancel

from .errors import ApiError, ErrorOut
from .schemas import Text

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class BuyerSession(SessionAuth):
    """The site's session, signed in; anyone else gets the API's own 401 (not the partner key's)."""

    def _get_key(self, request):
        try:
            return super()._get_key(request)  # the CSRF check reads a form body, if it is one
        except MultiPartParserError:
            raise ApiError(400, "bad_request", _("The request's body cannot be read.")) from None

    def authenticate(self, request, key):
        if request.user.is_authenticated:
            return request.user
        raise ApiError(401, "not_signed_in", _("Sign in to Safe Exchange first."))


router = Router(auth=BuyerSession(), tags=["my bookings"])


class BookingOut(Schema):
    reference: str
    status: str = Field(description="pending, confirmed, declined, expired, cancelled, checked_in, completed, no_show")
    status_label: str = Field(description="The status in the request's language.")
    station: str = Field(description="The station's slug.")
    station_name: str
    space_kind: Literal["room", "bay"]
    starts_at: datetime
    ends_at: datetime
    item_title: str
    may_cancel: bool


class CancelIn(BaseModel):
    reason: Text = Field(min_length=1, max_length=500)


def _out(booking: Booking) -> dict:
    return {
        "reference": booking.reference,
        "status": booking.status,
        "status_label": booking.get_status_display(),
        "station": booking.station.slug,
        "station_name": booking.station.display_name,
        "space_kind": booking.space.kind,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "item_title": booking.item_title,
        "may_cancel": booking.can_be_cancelled,
    }


@router.get("/bookings", response={200: list[BookingOut], **ERRORS})
def my_bookings(request):
    """The signed-in buyer's bookings, latest first (the 200 latest; one statement)."""
    return [_out(booking) for booking in buyer_bookings(buyer=request.user)[:200]]


@router.post("/bookings/{reference}/cancel", response={200: BookingOut, **ERRORS})
def my_booking_cancel(request, reference: str, payload: CancelIn):
    """Cancel one of the signed-in buyer's bookings, with a reason the seller and the station read."""
    booking = buyer_bookings(buyer=request.user).filter(reference=reference[:12]).first()
    if booking is None:
        raise ApiError(404, "not_found", _("No such object."))
    try:
        booking = booking_cancel(booking=booking, role=Actor.BUYER, user=request.user, reason=payload.reason)
    except InvalidTransition as error:
        raise ApiError(409, "not_cancellable", str(error.message)) from None
    return _out(booking)
