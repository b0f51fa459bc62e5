"""The seller proposes a meeting (bookings.seller_proposals): two steps without an account, their page, the buyer's.

- /bookings/propose/<station>/: the item (the wizard's item step, worded for the seller), kept
  in the session; a proposal link (`/book/?role=seller…`, api.views) lands here prefilled.
- /bookings/propose/<station>/times/: one to three free times, the seller's name and email,
  the buyer's email if they have it, the charter. The proposal waits for the seller's address.
- /bookings/proposal/seller/<token>/: the seller's page, from the emailed link: confirm the
  address, copy the buyer's link, withdraw, see the booking once a buyer took a time.
- /bookings/proposal/<token>/: the buyer's page, signed in: take a time, accept the charter.
Only a POST changes anything; the links are signed and die with a withdrawal.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from accounts.decorators import verified_email_required
from charter.selectors import NoPublishedCharter, charter_current
from stations.models import SpaceKind, Station

from ..exceptions import BookingError
from ..forms import CharterAcceptanceForm
from ..links import seller_invite_path
from ..models import ItemKind
from ..selectors import station_booking_days, station_free_slots
from ..seller_proposal_forms import SellerItemForm, SellerTimesForm
from ..seller_proposals import (
    CONFIRM_WITHIN,
    ORIGIN_SESSION_KEY,
    InvalidProposalLink,
    seller_proposal_buyer_path,
    seller_proposal_confirm,
    seller_proposal_create,
    seller_proposal_from_buyer_token,
    seller_proposal_from_manage_token,
    seller_proposal_take,
    seller_proposal_times,
    seller_proposal_withdraw,
)
from ._util import posted

_ITEM_KEY = "seller_proposal_item"
_SENT_KEY = "seller_proposal_sent_to"


def _station(slug: str) -> Station:
    station = Station.objects.filter(slug=slug, is_active=True).first()
    if station is None:
        raise Http404
    return station


def _kind(item: dict) -> str:
    return SpaceKind.BAY if item.get("item_kind") == ItemKind.VEHICLE else SpaceKind.ROOM


def _no_charter(request, station):
    return render(request, "bookings/wizard/closed.html", {"station": station}, status=503)


@ratelimit(key="ip", rate="60/m", method=ratelimit.ALL, block=True)
@require_http_methods(["GET", "POST"])
def propose_item(request, slug):
    station = _station(slug)
    try:
        charter_current()
    except NoPublishedCharter:
        return _no_charter(request, station)
    saved = request.session.get(_ITEM_KEY) or {}
    initial = saved.get("item") if saved.get("station") == station.slug else None
    if initial is None and request.method == "GET":
        # A proposal link's values: the form validates them again like typed ones.
        initial = {"item_title": request.GET.get("title", "")[:200], "listing_url": request.GET.get("listing_url", "")}
    form = SellerItemForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        request.session[_ITEM_KEY] = {"station": station.slug, "item": form.cleaned_data}
        return redirect("bookings:propose-times", slug=station.slug)
    return render(request, "bookings/proposal/item.html", {"station": station, "form": form})


@ratelimit(key="ip", rate="60/m", method=ratelimit.ALL, block=True)
@ratelimit(key="ip", rate="10/m", method="POST", block=True)
@require_http_methods(["GET", "POST"])
def propose_times(request, slug):
    station = _station(slug)
    saved = request.session.get(_ITEM_KEY) or {}
    if saved.get("station") != station.slug:
        return redirect("bookings:propose", slug=station.slug)
    try:
        charter = charter_current()
    except NoPublishedCharter:
        return _no_charter(request, station)
    item, kind = saved["item"], _kind(saved["item"])
    days = station_booking_days(station)
    # A station without a space of the kind has no slot: the page says so.
    slots = station_free_slots(station=station, kind=kind, first_day=days[0], last_day=days[-1])
    form = SellerTimesForm(posted(request), charter=charter, slots=slots, station=station)
    if request.method == "POST" and form.is_valid():
        origin = request.session.get(ORIGIN_SESSION_KEY) or {}
        try:
            proposal = seller_proposal_create(
                station=station,
                item=item,
                slot_keys=form.cleaned_data["slots"],
                seller_email=form.cleaned_data["seller_email"],
                seller_first_name=form.cleaned_data["seller_first_name"],
                seller_last_name=form.cleaned_data["seller_last_name"],
                buyer_email=form.cleaned_data["buyer_email"],
                charter_version=charter,
                charter_seen=form.cleaned_data["charter_version"],
                origin=origin.get("origin", "") if origin.get("station") == station.slug else "",
            )
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            request.session.pop(_ITEM_KEY, None)
            request.session.pop(ORIGIN_SESSION_KEY, None)
            request.session[_SENT_KEY] = proposal.seller_email
            return redirect("bookings:propose-sent", slug=station.slug)
    return render(
        request,
        "bookings/proposal/times.html",
        {"station": station, "item": item, "kind": kind, "form": form, "charter": charter},
    )


@require_http_methods(["GET"])
def propose_sent(request, slug):
    station = _station(slug)
    return render(
        request, "bookings/proposal/sent.html", {"station": station, "email": request.session.get(_SENT_KEY, "")}
    )


@ratelimit(key="ip", rate="60/m", method=ratelimit.ALL, block=True)
@ratelimit(key="ip", rate="10/m", method="POST", block=True)
@require_http_methods(["GET", "POST"])
def proposal_seller(request, token):
    try:
        proposal = seller_proposal_from_manage_token(token)
    except InvalidProposalLink:
        return render(request, "bookings/seller/invalid_link.html", status=404)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "confirm":
        if seller_proposal_confirm(proposal=proposal):
            messages.success(request, _("Your address is confirmed: send the buyer the link below."))
        return redirect("bookings:proposal-seller", token=token)
    if action == "withdraw":
        if seller_proposal_withdraw(proposal=proposal):
            messages.success(request, _("Your proposal is withdrawn: its links no longer work."))
        # The withdrawal changed the links' nonce: this page's own link is dead too.
        return render(request, "bookings/proposal/seller.html", {"proposal": proposal, "station": proposal.station})
    now = timezone.now()
    return render(
        request,
        "bookings/proposal/seller.html",
        {
            "proposal": proposal,
            "station": proposal.station,
            "times": seller_proposal_times(proposal=proposal, now=now),
            "is_open": proposal.is_open(now),
            "buyer_url": settings.SITE_URL + seller_proposal_buyer_path(proposal),  # as the emails write it
            "booking_url": seller_invite_path(proposal.booking) if proposal.booking_id else "",
            "confirmable": not proposal.confirmed_at and proposal.created_at > now - CONFIRM_WITHIN,
        },
    )


@ratelimit(key="user_or_ip", rate="10/m", method="POST", block=True)
@verified_email_required
@require_http_methods(["GET", "POST"])
def proposal_take(request, token):
    try:
        proposal = seller_proposal_from_buyer_token(token)
    except InvalidProposalLink:
        return render(request, "bookings/seller/invalid_link.html", status=404)
    now = timezone.now()
    if not proposal.is_open(now):
        return render(request, "bookings/proposal/closed.html", {"proposal": proposal, "station": proposal.station})
    try:
        charter = charter_current()
    except NoPublishedCharter:
        return _no_charter(request, proposal.station)
    times = seller_proposal_times(proposal=proposal, now=now)
    form = CharterAcceptanceForm(posted(request), charter=charter)
    chosen = request.POST.get("slot", "") if request.method == "POST" else ""
    if request.method == "POST":
        if chosen not in proposal.slot_keys:
            form.add_error(None, _("Pick one of the times."))
        elif form.is_valid():
            try:
                booking = seller_proposal_take(
                    proposal=proposal,
                    buyer=request.user,
                    key=chosen,
                    charter_version=charter,
                    charter_seen=form.cleaned_data["charter_version"],
                )
            except BookingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Booked and confirmed: the seller is told. See you at the station."))
                return redirect("bookings:detail", reference=booking.reference)
    return render(
        request,
        "bookings/proposal/take.html",
        {
            "proposal": proposal,
            "station": proposal.station,
            "times": times,
            "chosen": chosen,
            "form": form,
            "charter": charter,
        },
    )
