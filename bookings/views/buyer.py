"""The buyer's own bookings. A booking of someone else is a 404, never a 403 that confirms it exists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from ..exceptions import InvalidTransition
from ..forms import CancelForm
from ..models import Booking
from ..moves import open_move
from ..selectors import buyer_bookings, slot_key_to_datetime
from ..services import Actor, booking_cancel
from ._util import posted


@login_required
def my_bookings(request):
    return render(request, "bookings/my_bookings.html", {"bookings": buyer_bookings(buyer=request.user)})


def _own_booking(request, reference) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("station", "space", "buyer_charter_version"),
        reference=reference,
        buyer=request.user,
        moves__isnull=True,  # a proposed move is no booking of its own (bookings.reschedule)
    )


@login_required
def booking_detail(request, reference):
    booking = _own_booking(request, reference)
    return render(
        request,
        "bookings/booking_detail.html",
        {
            "booking": booking,
            "events": booking.events.all(),
            "cancel_form": CancelForm(),
            "pending_move": open_move(booking),
            "proposals": [(key, slot_key_to_datetime(key)) for key in booking.seller_proposals],
        },
    )


@login_required
@ratelimit(key="user", rate="10/m", method="POST", block=True)
@require_http_methods(["GET", "POST"])
def booking_cancel_view(request, reference):
    booking = _own_booking(request, reference)
    form = CancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            booking_cancel(booking=booking, role=Actor.BUYER, user=request.user, reason=form.cleaned_data["reason"])
        except InvalidTransition as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Booking %(reference)s is cancelled.") % {"reference": booking.reference})
        return redirect("bookings:detail", reference=booking.reference)
    return render(request, "bookings/booking_cancel.html", {"booking": booking, "form": form})
