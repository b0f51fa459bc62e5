"""Booking changes a partner is owed, found without touching bookings.services: receivers on its rows.

- A new booking is the partner's when its buyer came through the partner's signed proposal
  link for that station lately (the wizard's draft lifetime): the latest such visit is attached.
- A booking made from a seller's proposal that a partner's signed link started (the proposal's
  origin, bookings.seller_proposals) is the partner's, attached when the proposal gets its booking,
  before the confirmation's event.
- A new booking event whose status a partner is owed becomes a webhook delivery (api.webhooks),
  in the event's own transaction, so that a rolled-back change owes nothing.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_save
from django.dispatch import receiver

from bookings.models import Booking, BookingEvent, SellerProposal

from .keys import partner_key_active
from .models import PartnerBooking, partner_visit_key
from .webhooks import webhook_for_event


@receiver(post_save, sender=Booking, dispatch_uid="api.partner_booking_attach")
def partner_booking_attach(sender, instance: Booking, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    # Most bookings come from no partner link: the cache says so without a statement in the
    # booking's transaction (its SQL budget, tests/bookings/test_booking_query_budget.py).
    if not cache.get(partner_visit_key(instance.buyer_id, instance.station_id)):
        return
    since = instance.created_at - timedelta(hours=settings.BOOKINGS_DRAFT_HOURS)
    visit = (
        PartnerBooking.objects.filter(
            buyer_id=instance.buyer_id, station_id=instance.station_id, booking__isnull=True, visited_at__gte=since
        )
        .order_by("-visited_at", "-id")
        .first()
    )
    if visit is not None:
        PartnerBooking.objects.filter(pk=visit.pk, booking__isnull=True).update(booking=instance)


@receiver(post_save, sender=SellerProposal, dispatch_uid="api.partner_proposal_attach")
def partner_proposal_attach(sender, instance: SellerProposal, raw: bool = False, update_fields=None, **kwargs):
    if raw or not instance.booking_id or not instance.origin.startswith("partner:"):
        return
    if update_fields is not None and "booking" not in update_fields:
        return
    partner = partner_key_active(instance.origin.removeprefix("partner:"))
    if partner is None or PartnerBooking.objects.filter(booking_id=instance.booking_id).exists():
        return
    PartnerBooking.objects.create(
        partner=partner,
        buyer_id=instance.booking.buyer_id,
        station_id=instance.station_id,
        role="seller",
        listing_url=instance.listing_url,
        visited_at=instance.created_at,
        booking_id=instance.booking_id,
    )


@receiver(post_save, sender=BookingEvent, dispatch_uid="api.partner_webhook")
def partner_webhook(sender, instance: BookingEvent, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        webhook_for_event(instance)
