"""`/book/`: a proposal link opens the booking wizard with its item filled in.

Every value is validated (api.proposals) and the charter applied through the wizard's own
item form, so that the draft holds only what the item step would have accepted. A link the
API signed for a partner is remembered (PartnerBooking) so that the booking the buyer then
makes is the partner's, for its webhooks. The buyer still books, and the seller still
accepts, through the site's own steps.
"""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.decorators import verified_email_required
from bookings.drafts import draft_clear, draft_save
from bookings.forms import ItemForm
from bookings.models import ItemKind

from .models import PartnerBooking, partner_visit_key
from .proposals import ProposalInvalid, proposal_partner, proposal_validate

FIELDS = ("station", "title", "listing_url", "role")


@verified_email_required
@require_GET
def proposal_open(request):
    values = {name: request.GET.get(name, "") for name in FIELDS}
    try:
        proposal = proposal_validate(**values)
    except ProposalInvalid as invalid:
        messages.error(request, invalid.message)
        return redirect("stations:home")
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
    partner = proposal_partner(**values, partner=request.GET.get("partner", ""), sig=request.GET.get("sig", ""))
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
