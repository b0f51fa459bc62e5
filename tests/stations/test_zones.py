"""Safe exchange zones (issue 12, point 1): a space kind nobody books, shown as open 24 hours."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from bookings.slots.availability import station_free_slots
from bookings.slots.loading import engine_inputs
from stations.models import ExchangeZone, SpaceKind
from tests import factories
from tests.zones import HOUSE_RULES, kennewick

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 10, 15, 0, tzinfo=UTC)  # Wednesday 08:00 in Kennewick
DAY = date(2026, 6, 12)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_an_exchange_zone_saved_through_its_proxy_is_a_zone_space():
    station = factories.StationFactory()

    zone = ExchangeZone.objects.create(station=station, name="Spot", kind=SpaceKind.ROOM, house_rules="Be kind.")

    zone.refresh_from_db()
    assert zone.kind == SpaceKind.ZONE and zone.is_exchange_zone
    assert list(ExchangeZone.objects.all()) == [zone]


def test_a_zone_open_around_the_clock_never_gives_a_bookable_slot():
    station = kennewick()
    # Even with the old demo's 00:00-23:59 hours, which made it 47 half-hour slots a day.
    for weekday in range(7):
        factories.OpeningHoursFactory(station=station, weekday=weekday, opens_at=time(0), closes_at=time(23, 59))

    slots = {kind: station_free_slots(station=station, kind=kind, first_day=DAY, last_day=DAY) for kind in SpaceKind}

    assert slots == {SpaceKind.ROOM: [], SpaceKind.BAY: [], SpaceKind.ZONE: []}


def test_the_engine_refuses_to_load_a_zone_as_a_space_to_book():
    with pytest.raises(ValueError, match="not a bookable kind"):
        engine_inputs(
            station=kennewick(),
            kind=SpaceKind.ZONE,
            window_start=NOW,
            window_end=NOW,
            now=NOW,
            buyer=None,
            with_holdback=False,
        )


def test_a_zone_next_to_a_bay_leaves_the_bay_bookable_and_alone_in_the_slots():
    station = kennewick(bays=True)
    bay = station.spaces.get(kind=SpaceKind.BAY)

    slots = station_free_slots(station=station, kind=SpaceKind.BAY, first_day=DAY, last_day=DAY)

    assert len(slots) == 18  # 09:00 to 18:00, half-hour slots
    assert all(slot.free_space_ids == (bay.pk,) for slot in slots)


def test_the_station_page_says_the_zone_is_open_24_hours_without_booking(client):
    station = kennewick()

    body = client.get(reverse("stations:detail", args=[station.slug])).content.decode()

    assert "Open 24 hours, no booking needed" in body
    assert "camera-watched" in body
    assert HOUSE_RULES in body
    assert "Safe Exchange Spot 1" in body
    assert "Open now" in body
    # Nothing to book, and every day says so rather than "closed".
    assert reverse("bookings:start", args=[station.slug]) not in body
    assert body.count("Safe exchange zone only (open 24 hours)") == 7


def test_a_station_with_a_bay_and_a_zone_offers_both_on_its_page(client):
    station = kennewick(bays=True)

    body = client.get(reverse("stations:detail", args=[station.slug])).content.decode()

    assert "Open 24 hours, no booking needed" in body
    assert reverse("bookings:start", args=[station.slug]) in body
