"""The buyer's side of a reschedule (bookings.reschedule): pick a new slot, or take one the seller proposed.

The booking's own page links here; the picker is the wizard's (bookings.views.slot_picker),
at the booking's station or another, for the booking's kind of space.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from stations.models import Station

from ..exceptions import BookingError
from ..models import Booking
from ..moves import open_move
from ..reschedule import booking_move_request, booking_proposal_take
from ..selectors import slot_key_to_datetime, station_seller_window
from .slot_picker import partial_requested, slot_picker, varies_on_htmx


def _own_booking(request, reference) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("station", "space"),
        reference=reference,
        buyer=request.user,
        moves__isnull=True,
    )


@login_required
def move_start(request, reference):
    booking = _own_booking(request, reference)
    return redirect("bookings:move", reference=booking.reference, slug=booking.station.slug)


@login_required
@ratelimit(key="user", rate="10/m", method="POST", block=True)
@require_http_methods(["GET", "POST"])
def move(request, reference, slug):
    booking = _own_booking(request, reference)
    if not booking.can_be_moved:
        messages.error(request, _("This booking can no longer be moved."))
        return redirect("bookings:detail", reference=booking.reference)
    if open_move(booking) is not None:
        messages.info(request, _("A move of this booking is already waiting for the seller's answer."))
        return redirect("bookings:detail", reference=booking.reference)
    station = Station.objects.filter(slug=slug, is_active=True).first()
    if station is None:
        raise Http404
    picker = slot_picker(
        request,
        station=station,
        kind=booking.space.kind,
        buyer=request.user,
        exclude=booking.starts_at if station.pk == booking.station_id else None,
    )
    if request.method == "POST" and picker.form.is_valid():
        starts_at = slot_key_to_datetime(picker.form.cleaned_data["slot"])
        try:
            moved = booking_move_request(booking=booking, buyer=request.user, station=station, starts_at=starts_at)
        except BookingError as error:
            messages.error(request, error.message)
            return redirect("bookings:move", reference=booking.reference, slug=station.slug)
        messages.success(
            request,
            _("We have asked the seller to confirm the new time. Until they answer, your booking keeps its time."),
        )
        window = station_seller_window(station=station, starts_at=moved.starts_at, now=timezone.now())
        if not window.fair:
            messages.warning(request, _("Short notice: the seller has little daytime to answer before the deadline."))
        return redirect("bookings:detail", reference=booking.reference)
    context = {
        "booking": booking,
        "station": station,
        "stations": Station.objects.filter(is_active=True, spaces__kind=booking.space.kind, spaces__is_active=True)
        .distinct()
        .order_by("name"),
        **picker.context(),
        "picker_url": reverse("bookings:move", kwargs={"reference": booking.reference, "slug": station.slug}),
        "submit_label": _("Ask the seller for this time"),
        "back_url": reverse("bookings:detail", kwargs={"reference": booking.reference}),
    }
    template = "bookings/_slot_picker.html" if partial_requested(request) else "bookings/booking_move.html"
    return varies_on_htmx(render(request, template, context))


@login_required
@ratelimit(key="user", rate="10/m", method="POST", block=True)
@require_POST
def take_proposal(request, reference):
    """One click on a time the seller proposed: the booking moves there, confirmed."""
    booking = _own_booking(request, reference)
    try:
        booking_proposal_take(booking=booking, buyer=request.user, key=request.POST.get("slot", ""))
    except BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done: your booking is moved and confirmed. We have emailed both of you."))
    return redirect("bookings:detail", reference=booking.reference)
