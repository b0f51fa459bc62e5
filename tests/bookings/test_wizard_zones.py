"""The wizard offers only what a station has (issue 12, point 1): a zone is met at, never booked."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from bookings.models import Booking
from tests.zones import PARIS_11_POSITION, PARIS_13_POSITION, kennewick, place

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 10, 15, 0, tzinfo=UTC)  # Wednesday 08:00 in Kennewick
GOODS = {"item_title": "Vélo de course", "item_description": "Taille M", "item_kind": "goods"}
VEHICLE = {"item_title": "Ford Focus", "item_kind": "vehicle", "vehicle_plate": "ABC1234"}
NO_SLOT = "No free slot"


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rooms_elsewhere(paris_11, paris_13):
    place(paris_13, PARIS_13_POSITION)
    place(paris_11, PARIS_11_POSITION)
    return paris_11, paris_13


def _slot_page(client, station, item):
    assert client.post(reverse("bookings:item", args=[station.slug]), item).status_code == 302
    return client.get(reverse("bookings:slot", args=[station.slug]))


def test_an_ordinary_item_at_a_zone_only_station_is_sent_to_the_zone_or_a_room_elsewhere(
    client, buyer, charter, rooms_elsewhere
):
    station = kennewick()
    client.force_login(buyer)

    response = _slot_page(client, station, GOODS)

    body = response.content.decode()
    assert response.status_code == 200
    assert "No room to book here" in body
    assert "Meet at the safe exchange zone, any time, without booking" in body
    assert "Open 24 hours, no booking needed" in body and "Safe Exchange Spot 1" in body
    assert "Or book a room at another station" in body
    assert NO_SLOT not in body
    assert 'name="slot"' not in body


def test_the_rooms_elsewhere_come_nearest_first(client, buyer, charter, rooms_elsewhere, paris_13):
    # A station with a zone in Paris's 12th: the 11th (about 2.4 km) is nearer than the 13th (about 2.9 km)
    station = kennewick()
    place(station, ("48.840000", "2.395000"))
    client.force_login(buyer)

    body = _slot_page(client, station, GOODS).content.decode()

    nearest = body[body.index('id="nearest-stations"') :]
    assert nearest.index("/stations/paris-11/") < nearest.index("/stations/paris-13/")
    assert reverse("bookings:start", args=["paris-13"]) in nearest
    assert "km away" in nearest


def test_an_ordinary_item_at_a_station_with_bays_and_a_zone_is_offered_the_zone_and_rooms(
    client, buyer, charter, rooms_elsewhere
):
    station = kennewick(bays=True)
    client.force_login(buyer)

    body = _slot_page(client, station, GOODS).content.decode()

    assert "Meet at the safe exchange zone, any time, without booking" in body
    assert reverse("bookings:start", args=["paris-11"]) in body
    assert NO_SLOT not in body


def test_a_vehicle_at_a_station_with_bays_and_a_zone_picks_a_bay_slot(client, buyer, charter):
    station = kennewick(bays=True)
    client.force_login(buyer)

    body = _slot_page(client, station, VEHICLE).content.decode()

    assert 'name="slot"' in body
    assert "marked parking bay" in body


def test_a_station_without_room_or_zone_points_to_the_nearest_rooms(client, buyer, charter, rooms_elsewhere):
    station = kennewick(bays=True)
    station.spaces.filter(kind="zone").delete()
    client.force_login(buyer)

    body = _slot_page(client, station, GOODS).content.decode()

    assert "No room to book here" in body
    assert "Book a room at another station" in body
    assert "Meet at the safe exchange zone" not in body
    assert NO_SLOT not in body


def test_posting_a_slot_at_a_station_that_cannot_serve_the_item_books_nothing(client, buyer, charter):
    station = kennewick()
    client.force_login(buyer)
    client.post(reverse("bookings:item", args=[station.slug]), GOODS)

    response = client.post(reverse("bookings:slot", args=[station.slug]), {"day": "2026-06-11", "slot": "x"})

    assert response.status_code == 200
    assert "No room to book here" in response.content.decode()
    assert not Booking.objects.exists()


def test_the_item_step_at_a_zone_says_no_booking_is_needed(client, buyer, charter):
    station = kennewick()
    client.force_login(buyer)

    body = client.get(reverse("bookings:item", args=[station.slug])).content.decode()

    assert "This station has a safe exchange zone: open 24 hours, camera-watched, no booking needed." in body
