"""`/book/`: a proposal link opens the booking wizard with its item filled in.

Every value is validated (api.proposals) and the charter applied. With `role=buyer` it
opens the buyer's wizard, through the wizard's own item form, so that the draft holds only
what the item step would have accepted; a link the API signed for a partner is remembered
(PartnerBooking) so that the booking the buyer then makes is the partner's, for its
webhooks. With `role=seller` it opens the seller's proposal (bookings.seller_proposals),
which needs no account: the seller chooses up to three times and the buyer takes one; a
partner's signed link is remembered on the proposal (its origin), and the booking made from
it becomes the partner's (api.signals). Either party still confirms through the site's own steps.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.decorators import verified_email_required
from bookings.drafts import draft_clear, draft_save
from bookings.forms import ItemForm
from bookings.models import ItemKind
from bookings.seller_proposals import ORIGIN_SESSION_KEY

from .models import PartnerBooking, partner_visit_key
from .proposals import ProposalInvalid, proposal_partner, proposal_validate

FIELDS = ("station", "title", "listing_url", "role")


@require_GET
def proposal_open(request):
    values = {name: request.GET.get(name, "") for name in FIELDS}
    try:
        proposal = proposal_validate(**values)
    except ProposalInvalid as invalid:
        messages.error(request, invalid.message)
        return redirect("stations:home")
    partner = proposal_partner(**values, partner=request.GET.get("partner", ""), sig=request.GET.get("sig", ""))
    if proposal.role == "seller":
        return _seller_proposal_open(request, proposal, partner)
    return _buyer_wizard_open(request, proposal, partner)


def _seller_proposal_open(request, proposal, partner):
    """The seller needs no account: their proposal's first step, prefilled (its form checks the values again)."""
    station = proposal.station
    if partner is not None:
        request.session[ORIGIN_SESSION_KEY] = {"station": station.slug, "origin": f"partner:{partner.prefix}"}
    else:
        request.session.pop(ORIGIN_SESSION_KEY, None)
    query = urlencode({"title": proposal.title, "listing_url": proposal.listing_url})
    return redirect(f"{reverse('bookings:propose', args=[station.slug])}?{query}")


@verified_email_required
def _buyer_wizard_open(request, proposal, partner):
    station = proposal.station
    form = ItemForm(
        {
            "item_title": proposal.title,
            "item_description": "",
            "item_kind": ItemKind.VEHICLE if proposal.verdict.is_vehicle else ItemKind.GOODS,
            "vehicle_plate": "",
            "listing_url": proposal.listing_url,
        }
    )
    draft_clear(buyer=request.user, station=station)
    if form.is_valid():
        draft_save(buyer=request.user, station=station, item=form.cleaned_data)
    else:  # a vehicle: its plate is the buyer's to give on the item step
        messages.info(request, next(iter(form.errors.values()))[0])
    if partner is not None:
        PartnerBooking.objects.create(
            partner=partner,
            buyer=request.user,
            station=station,
            role=proposal.role,
            listing_url=proposal.listing_url,
            visited_at=timezone.now(),
        )
        cache.set(partner_visit_key(request.user.pk, station.pk), True, timeout=settings.BOOKINGS_DRAFT_HOURS * 3600)
    return redirect("bookings:item", slug=station.slug)
