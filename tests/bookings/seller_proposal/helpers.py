"""What the seller's proposal tests share: an item, three free times, a proposal made through the service."""

from datetime import UTC, datetime

from bookings.seller_proposals import seller_proposal_create
from tests.bookings.lifecycle.helpers import PARIS, SLOT

ITEM = {
    "item_title": "Vélo de course",
    "item_description": "Cadre acier, taille 56",
    "item_kind": "goods",
    "vehicle_plate": "",
    "listing_url": "https://annonces.example/7",
}
# Friday 10:00, 11:00 and 14:00 in Paris: free at the officer's station.
TIMES = [SLOT, SLOT.replace(hour=11), SLOT.replace(hour=14)]
SELLER = {"seller_email": "seller@example.net", "seller_first_name": "Camille", "seller_last_name": "Vendeur"}


def key(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


KEYS = [key(moment) for moment in TIMES]


def propose(station, charter, **changes):
    values = {"station": station, "item": ITEM, "slot_keys": KEYS, "charter_version": charter, **SELLER, **changes}
    return seller_proposal_create(**values)


__all__ = ["ITEM", "KEYS", "PARIS", "SELLER", "TIMES", "key", "propose"]
