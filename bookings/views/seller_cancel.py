"""The seller cancels a confirmed exchange from the signed link in the confirmation and reminder emails.

The link is signed for this purpose only (not the invite's), names one booking and
its invite nonce, and expires when the slot starts. GET shows the booking, the booking
in their pocket (the QR code and the calendar file, served by the seller's invitation
link, which this page's holder was sent too) and a form; only POST cancels. Once
cancelled, the link only says so.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from ..exceptions import InvalidTransition
from ..forms import CancelForm
from ..links import booking_from_seller_cancel_token, seller_token
from ..models import Actor, BookingStatus
from ..services import booking_cancel
from ._util import from_signed_link, posted
from .pocket import seller_pocket_context
from .seller_language import seller_page_language


@ratelimit(key="ip", rate="60/m", method=ratelimit.ALL, block=True)
@ratelimit(key="ip", rate="10/m", method="POST", block=True)
@require_http_methods(["GET", "POST"])
@from_signed_link(
    booking_from_seller_cancel_token,
    expired=lambda request, booking: render(
        request, "bookings/seller/cancel.html", {"booking": booking, "over": True}, status=410
    ),
    language=seller_page_language,
)
def cancel(request, token, booking):
    if booking.status != BookingStatus.CONFIRMED:
        return render(request, "bookings/seller/cancel.html", {"booking": booking})
    form = CancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            booking_cancel(booking=booking, role=Actor.SELLER, reason=form.cleaned_data["reason"])
        except InvalidTransition as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The exchange is cancelled. The buyer and the station have been told."))
        return redirect("bookings:seller-cancel", token=token)
    return render(
        request,
        "bookings/seller/cancel.html",
        {
            "booking": booking,
            "form": form,
            "pocket": seller_pocket_context(booking, invite_token=seller_token(booking)),
        },
        status=400 if request.method == "POST" else 200,
    )
