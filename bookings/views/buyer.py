"""The buyer's own bookings. A booking of someone else is a 404, never a 403 that confirms it exists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from ..exceptions import InvalidTransition
from ..forms import CancelForm
from ..models import Booking
from ..rebooking import BOOK_AGAIN_STATUSES, book_again_start, can_book_again
from ..selectors import buyer_bookings_by_time
from ..services import Actor, booking_cancel
from ._util import posted
from .pocket import pocket_context


@login_required
def my_bookings(request):
    bookings = buyer_bookings_by_time(buyer=request.user, now=timezone.now())
    return render(
        request,
        "bookings/my_bookings.html",
        {"upcoming": bookings.upcoming, "past": bookings.past, "book_again": BOOK_AGAIN_STATUSES},
    )


def _own_booking(request, reference) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("station", "space", "buyer_charter_version"),
        reference=reference,
        buyer=request.user,
    )


@login_required
def booking_detail(request, reference):
    booking = _own_booking(request, reference)
    pocket = pocket_context(
        booking,
        qr_url=reverse("bookings:qr", kwargs={"reference": reference}),
        calendar_url=reverse("bookings:calendar", kwargs={"reference": reference}),
    )
    return render(
        request,
        "bookings/booking_detail.html",
        {
            "booking": booking,
            "events": booking.events.all(),
            "cancel_form": CancelForm(),
            "pocket": pocket,
            "can_book_again": can_book_again(booking),
        },
    )


@login_required
@ratelimit(key="user", rate="10/m", method="POST", block=True)
def book_again(request, reference):
    """The wizard again, from a booking that did not take place: same station, same item (POST: it writes a draft)."""
    booking = _own_booking(request, reference)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not book_again_start(booking=booking):
        messages.error(request, _("This booking cannot be made again from here; book a new exchange instead."))
        return redirect("bookings:mine")
    messages.info(
        request,
        _("The item is filled in from booking %(reference)s: check it, then pick a new time.")
        % {"reference": booking.reference},
    )
    return redirect("bookings:item", slug=booking.station.slug)


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
