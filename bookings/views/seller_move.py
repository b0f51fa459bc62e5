"""The seller's answer to a reschedule (bookings.reschedule), from the signed link of the move's email.

GET shows the current and the proposed time with three forms: accept (the charter again),
decline, or propose one to three other times. Only a POST changes anything. The link
names the booking and the current move (bookings.links.SELLER_MOVE): once the move is
answered or lapsed the page only says where the booking stands.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from charter.selectors import charter_current

from ..exceptions import BookingError
from ..forms import CharterAcceptanceForm, DeclineForm, ProposeTimesForm
from ..links import booking_from_seller_move_token
from ..moves import open_move
from ..reschedule import (
    booking_move_accept,
    booking_move_decline,
    booking_times_propose,
    proposable_slots,
)
from ..selectors import slot_key_to_datetime
from ._util import from_signed_link


def _bound(request, action):
    return request.POST if request.method == "POST" and request.POST.get("action") == action else None


def _answer(request, *, booking, move, charter, forms) -> bool:
    """Run the action the POST names; True when it was done."""
    action = request.POST.get("action")
    accept_form, decline_form, propose_form = forms
    if action == "accept" and accept_form.is_valid():
        booking_move_accept(
            booking=booking, charter_version=charter, charter_seen=accept_form.cleaned_data["charter_version"]
        )
        messages.success(request, _("Thank you: the exchange is moved to the new time. We have emailed you."))
        return True
    if action == "decline" and decline_form.is_valid():
        booking_move_decline(booking=booking, note=decline_form.cleaned_data["note"])
        messages.success(request, _("You have declined the new time: the exchange keeps its time. The buyer is told."))
        return True
    if action == "propose" and propose_form.is_valid():
        booking_times_propose(
            booking=booking,
            starts=[slot_key_to_datetime(key) for key in propose_form.cleaned_data["slots"]],
            charter_version=charter,
            charter_seen=propose_form.cleaned_data["charter_version"],
        )
        messages.success(request, _("Your times are sent to the buyer, who can take one in one click."))
        return True
    return False


@ratelimit(key="ip", rate="60/m", method=ratelimit.ALL, block=True)
@ratelimit(key="ip", rate="10/m", method="POST", block=True)
@require_http_methods(["GET", "POST"])
@from_signed_link(booking_from_seller_move_token, expired=None)
def answer_move(request, token, booking):
    move = open_move(booking)
    if move is None:
        return render(request, "bookings/seller/move_answered.html", {"booking": booking})
    charter = charter_current()
    forms = (
        CharterAcceptanceForm(_bound(request, "accept"), charter=charter),
        DeclineForm(_bound(request, "decline")),
        ProposeTimesForm(_bound(request, "propose"), charter=charter, slots=proposable_slots(booking=booking)),
    )
    if request.method == "POST":
        try:
            if _answer(request, booking=booking, move=move, charter=charter, forms=forms):
                return redirect("bookings:seller-move", token=token)
        except BookingError as error:
            messages.error(request, error.message)
            return redirect("bookings:seller-move", token=token)
    accept_form, decline_form, propose_form = forms
    return render(
        request,
        "bookings/seller/move.html",
        {
            "booking": booking,
            "move": move,
            "charter": charter,
            "accept_form": accept_form,
            "decline_form": decline_form,
            "propose_form": propose_form,
        },
        status=400 if request.method == "POST" else 200,
    )
