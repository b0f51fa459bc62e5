"""The limit on a buyer's active bookings holds when they book at two stations at the same moment."""

import pytest
from django.conf import settings

from bookings.exceptions import TooManyActiveBookings
from bookings.models import Booking, ItemKind
from bookings.services import booking_create
from stations.models import SpaceKind
from tests import factories

from .test_race import run_together, tomorrows_first_slot

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_one_buyer_booking_at_two_stations_at_once_stays_within_the_limit(
    on_postgres, paris_11, paris_13, buyer, seller, charter
):
    limit = settings.BOOKINGS_MAX_ACTIVE_PER_BUYER
    factories.BookingFactory.create_batch(limit - 1, buyer=buyer, station=paris_11, buyer_charter_version=charter)
    stations = [paris_11, paris_13]
    slots = [tomorrows_first_slot(station, SpaceKind.BAY) for station in stations]

    def book(i):
        return booking_create(
            buyer=buyer,
            station=stations[i],
            starts_at=slots[i].starts_at,
            item_title="Peugeot 208",
            item_kind=ItemKind.VEHICLE,
            vehicle_plate="AB-123-CD",
            **seller,
        )

    results = run_together(book, count=2)
    assert sum(isinstance(r, Booking) for r in results) == 1, results
    assert sum(isinstance(r, TooManyActiveBookings) for r in results) == 1, results
    assert Booking.objects.active().filter(buyer=buyer).count() == limit
