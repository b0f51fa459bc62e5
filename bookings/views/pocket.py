"""The booking in your pocket: its QR code and its calendar file, for the buyer and for the seller.

The buyer's are behind their account (someone else's booking is the 404 of an unknown
reference); the seller's behind the signed invitation link, which stays theirs once
answered (bookings.links). The QR exists while the exchange is to happen; the calendar
file too, and once a confirmed booking is cancelled it becomes the file that takes the
entry out of the calendar again (bookings.calendar_file).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from stations.directory import directions_href

from ..calendar_file import SCHEDULED, booking_calendar, calendar_filename, calendar_kind
from ..links import booking_from_seller_token
from ..models import Booking
from ..qr_code import booking_qr_svg
from ._util import from_signed_link

_BUYER_BOOKINGS = Booking.objects.select_related("station", "space")


def _qr_response(booking: Booking) -> HttpResponse:
    if booking.status not in SCHEDULED:
        raise Http404
    return HttpResponse(booking_qr_svg(booking), content_type="image/svg+xml")


def _calendar_response(request, booking: Booking, *, attendee: str) -> HttpResponse:
    kind = calendar_kind(booking)
    if kind is None:
        raise Http404
    # In the language of the page the link is on: the seller's may not be the buyer's.
    content = booking_calendar(booking, language=request.LANGUAGE_CODE, attendee=attendee, cancel=kind == "cancel")
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{calendar_filename(booking)}"'
    return response


def pocket_context(booking: Booking, *, qr_url: str, calendar_url: str) -> dict:
    """What a booking page shows of the booking in your pocket (templates/bookings/_pocket.html)."""
    return {
        "scheduled": booking.status in SCHEDULED,
        "qr_url": qr_url,
        "calendar_url": calendar_url,
        "calendar_kind": calendar_kind(booking),
        "directions_url": directions_href(booking.station),
    }


def seller_pocket_context(booking: Booking, *, invite_token: str) -> dict:
    """The seller's pocket: the QR code and the calendar file are served by their invitation link."""
    return pocket_context(
        booking,
        qr_url=reverse("bookings:seller-qr", kwargs={"token": invite_token}),
        calendar_url=reverse("bookings:seller-calendar", kwargs={"token": invite_token}),
    )


# Personal to the account or the link: never in a shared cache.
_private = cache_control(private=True, no_store=True)


def _own_booking(view):
    """The buyer's own booking, looked up before anything else: someone else's is a 404 whatever the method."""

    @wraps(view)
    def wrapper(request, reference):
        return view(request, get_object_or_404(_BUYER_BOOKINGS, reference=reference, buyer=request.user))

    return login_required(wrapper)


@_own_booking
@require_GET
@_private
def buyer_qr(request, booking):
    return _qr_response(booking)


@_own_booking
@require_GET
@_private
def buyer_calendar(request, booking):
    return _calendar_response(request, booking, attendee=request.user.email)


def _seller_link_lapsed(request, booking):
    # An invitation never answered, past its deadline: nothing to scan or to put in a calendar.
    return render(request, "bookings/seller/expired_link.html", {"booking": booking}, status=410)


@ratelimit(key="ip", rate="60/m", method=ratelimit.ALL, block=True)
@from_signed_link(booking_from_seller_token, expired=_seller_link_lapsed)
@require_GET
@_private
def seller_qr(request, token, booking):
    return _qr_response(booking)


@ratelimit(key="ip", rate="60/m", method=ratelimit.ALL, block=True)
@from_signed_link(booking_from_seller_token, expired=_seller_link_lapsed)
@require_GET
@_private
def seller_calendar(request, token, booking):
    return _calendar_response(request, booking, attendee=booking.seller_email)
