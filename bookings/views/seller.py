"""The seller's side: no account, only the signed link from the invitation email.

GET shows the booking and two forms; only a POST changes anything.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from charter.models import BookingCharterReview
from charter.selectors import charter_current

from ..exceptions import (
    CharterChanged,
    CharterViolation,
    InvalidName,
    InvalidTransition,
    ProposalUnavailable,
    TooManyProposals,
)
from ..forms import DeclineForm, ProposeTimesForm, SellerAcceptForm
from ..links import booking_from_seller_token
from ..reschedule import booking_times_propose, proposable_slots
from ..selectors import slot_key_to_datetime
from ..services import booking_accept, booking_decline
from ._util import from_signed_link
from .pocket import seller_pocket_context
from .seller_language import seller_page_language


def _answered_context(booking, token) -> dict:
    """The seller's page of an answered invitation; once confirmed, the booking in their pocket too."""
    return {
        "booking": booking,
        "pocket": seller_pocket_context(booking, invite_token=token),
    }


@ratelimit(key="ip", rate="60/m", method=ratelimit.ALL, block=True)
@ratelimit(key="ip", rate="10/m", method="POST", block=True)
@require_http_methods(["GET", "POST"])
@from_signed_link(
    booking_from_seller_token,
    expired=lambda request, booking: render(
        request, "bookings/seller/expired_link.html", {"booking": booking}, status=410
    ),
    language=seller_page_language,
)
def invite(request, token, booking):
    if not booking.hold_is_open():
        return render(request, "bookings/seller/answered.html", _answered_context(booking, token))

    charter = charter_current()
    accept_form = SellerAcceptForm(request.POST if request.POST.get("action") == "accept" else None, charter=charter)
    decline_form = DeclineForm(request.POST if request.POST.get("action") == "decline" else None)
    # "Propose another time" (bookings.reschedule): the buyer takes one in one click.
    propose_form = ProposeTimesForm(
        request.POST if request.POST.get("action") == "propose" else None,
        charter=charter,
        slots=proposable_slots(booking=booking),
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "accept" and accept_form.is_valid():
                booking_accept(
                    booking=booking,
                    charter_version=charter,
                    charter_seen=accept_form.cleaned_data["charter_version"],
                    seller_first_name=accept_form.cleaned_data["first_name"],
                    seller_last_name=accept_form.cleaned_data["last_name"],
                )
                messages.success(request, _("Thank you: the exchange is confirmed. We have emailed you the details."))
                return redirect("bookings:seller-invite", token=token)
            if request.POST.get("action") == "decline" and decline_form.is_valid():
                booking_decline(booking=booking, note=decline_form.cleaned_data["note"])
                messages.success(request, _("You have declined. The buyer has been told."))
                return redirect("bookings:seller-invite", token=token)
            if request.POST.get("action") == "propose" and propose_form.is_valid():
                booking_times_propose(
                    booking=booking,
                    starts=[slot_key_to_datetime(key) for key in propose_form.cleaned_data["slots"]],
                    charter_version=charter,
                    charter_seen=propose_form.cleaned_data["charter_version"],
                )
                messages.success(request, _("Your times are sent to the buyer, who can take one in one click."))
                return redirect("bookings:seller-invite", token=token)
        except (
            InvalidTransition,
            CharterViolation,
            CharterChanged,
            InvalidName,
            ProposalUnavailable,
            TooManyProposals,
        ) as error:
            # CharterChanged: the page shown after the redirect holds the new version.
            messages.error(request, error.message)
            return redirect("bookings:seller-invite", token=token)
    return render(
        request,
        "bookings/seller/invite.html",
        {
            "booking": booking,
            "charter": charter,
            "charter_review": BookingCharterReview.objects.filter(booking=booking).first(),
            "accept_form": accept_form,
            "decline_form": decline_form,
            "propose_form": propose_form,
        },
        status=400 if request.method == "POST" else 200,
    )
