"""The stations directory (issue 12, point 2): nearest first, open now, next free slot, every weekday, links."""

import re
from datetime import UTC, datetime, time

import pytest
import time_machine
from django.urls import reverse

from stations.directory import directions_href, distance_km, open_now, tel_href
from stations.models import SpaceKind
from stations.selectors import stations_directory
from tests import factories
from tests.zones import KENNEWICK_POSITION, PARIS_11_POSITION, PARIS_13_POSITION, kennewick, place

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)  # Wednesday 10:00 in Paris, 01:00 in Kennewick
LIST = reverse("stations:list")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def stations(paris_11, paris_13):
    place(paris_11, PARIS_11_POSITION)
    place(paris_13, PARIS_13_POSITION)
    return {"paris-11": paris_11, "paris-13": paris_13, "kennewick": kennewick()}


def _order(response) -> list[str]:
    """The stations' slugs in the order the list shows them."""
    return re.findall(r'data-url="/stations/([\w-]+)/"', response.content.decode())


def test_without_a_place_the_stations_come_by_name(client, stations):
    assert _order(client.get(LIST)) == ["paris-11", "paris-13", "kennewick"]


@pytest.mark.parametrize(
    ("latitude", "longitude", "expected"),
    [
        pytest.param("48.8300", "2.3600", ["paris-13", "paris-11", "kennewick"], id="place-d-italie"),
        pytest.param("48.8600", "2.3800", ["paris-11", "paris-13", "kennewick"], id="voltaire"),
        pytest.param("46.2300", "-119.1000", ["kennewick", "paris-11", "paris-13"], id="pasco"),
    ],
)
def test_the_browsers_location_puts_the_nearest_station_first(client, stations, latitude, longitude, expected):
    response = client.get(LIST, {"lat": latitude, "lon": longitude})

    assert _order(response) == expected
    assert "Nearest first from your location." in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        pytest.param("75013", "paris-13", id="postcode-in-the-table"),
        pytest.param("75011", "paris-11", id="another-postcode"),
        pytest.param("  kennewick ", "kennewick", id="town-in-the-table"),
        pytest.param("99336", "kennewick", id="us-zip-code"),
    ],
)
def test_a_postcode_or_town_typed_puts_the_nearest_station_first(client, stations, typed, first):
    assert _order(client.get(LIST, {"q": typed}))[0] == first


def test_a_place_unknown_to_the_table_is_found_in_a_stations_address(client, stations):
    ivry = place(
        factories.StationFactory(
            slug="ivry", name="Commissariat d'Ivry", address="1 rue Robespierre\n94200 Ivry-sur-Seine"
        ),
        (48.8130, 2.3870),
    )
    factories.SpaceFactory(station=ivry)

    assert _order(client.get(LIST, {"q": "ivry sur seine"}))[:2] == ["ivry", "paris-13"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param({"q": "Atlantis"}, "We do not know “Atlantis”", id="unknown-place"),
        pytest.param({"lat": "north", "lon": "2.3"}, "Your location could not be read", id="not-a-number"),
        pytest.param({"lat": "123", "lon": "2.3"}, "Your location could not be read", id="off-the-globe"),
    ],
)
def test_a_place_that_cannot_be_read_says_so_and_lists_every_station(client, stations, query, message):
    response = client.get(LIST, query)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert _order(response) == ["paris-11", "paris-13", "kennewick"]


def test_every_weekday_is_shown_with_closed_days_said(client, paris_11):
    paris_11.opening_hours.filter(weekday=6).delete()  # no Sunday hours

    body = client.get(reverse("stations:detail", args=[paris_11.slug])).content.decode()

    days = re.findall(r'<tr><th scope="row">(\w+)</th><td>([^<]*)</td></tr>', body)
    assert [day for day, _hours in days] == [
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    ]  # fmt: skip
    assert dict(days)["Sunday"] == "Closed"
    assert dict(days)["Monday"] == "09:00–18:00"


def test_the_list_shows_phone_and_directions_links(client, stations):
    body = client.get(LIST).content.decode()

    assert 'href="tel:+15095854208"' in body
    lat, lon = KENNEWICK_POSITION
    assert f'href="https://www.openstreetmap.org/directions?route=%3B{lat}%2C{lon}"' in body
    assert '<div id="station-map"' in body


def test_tel_and_directions_links_are_built_from_the_stations_fields():
    station = factories.StationFactory.build(phone="34 30", latitude=None, longitude=None)

    assert tel_href(station.phone) == "tel:3430"
    assert tel_href("+33 (0)1 53 71 53 71") == "tel:+330153715371"
    assert tel_href("") == ""
    assert directions_href(station) == ""


def test_distances_are_great_circle_kilometres():
    assert distance_km(*map(float, PARIS_11_POSITION), *map(float, PARIS_13_POSITION)) == pytest.approx(3.3, abs=0.2)
    assert distance_km(*map(float, PARIS_11_POSITION), *map(float, KENNEWICK_POSITION)) == pytest.approx(8200, rel=0.03)


# --- open now, in the station's own time zone -------------------------------------------------


def _with_hours(station, weekday, opens, closes):
    station.opening_hours.all().delete()
    factories.OpeningHoursFactory(station=station, weekday=weekday, opens_at=opens, closes_at=closes)
    return next(iter(stations_directory(now=NOW).filter(pk=station.pk)))


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Monday 23 March 2026, Paris on winter time (UTC+1): opens at 09:00 = 08:00 UTC.
        pytest.param(datetime(2026, 3, 23, 7, 30, tzinfo=UTC), False, id="winter-08:30-closed"),
        pytest.param(datetime(2026, 3, 23, 8, 30, tzinfo=UTC), True, id="winter-09:30-open"),
        # Monday 30 March 2026, after the switch to summer time (UTC+2): 09:00 = 07:00 UTC.
        pytest.param(datetime(2026, 3, 30, 7, 30, tzinfo=UTC), True, id="summer-09:30-open"),
        pytest.param(datetime(2026, 3, 30, 6, 30, tzinfo=UTC), False, id="summer-08:30-closed"),
        pytest.param(datetime(2026, 3, 30, 16, 0, tzinfo=UTC), False, id="summer-18:00-closed"),
    ],
)
def test_open_now_follows_the_stations_clock_across_daylight_saving(paris_11, now, expected):
    station = _with_hours(paris_11, 0, time(9), time(18))

    assert open_now(station, now) is expected


def test_open_now_uses_the_stations_weekday_not_utcs(db):
    # Monday 17:30 in Kennewick is already Tuesday 00:30 UTC.
    station = factories.StationFactory(time_zone="America/Los_Angeles")
    factories.SpaceFactory(station=station, kind=SpaceKind.BAY)
    station = _with_hours(station, 0, time(9), time(18))

    assert open_now(station, datetime(2026, 6, 16, 0, 30, tzinfo=UTC)) is True


def test_a_closure_going_on_closes_the_desk(paris_11):
    factories.ClosureFactory(station=paris_11, starts_at=NOW, ends_at=datetime(2026, 6, 10, 12, 0, tzinfo=UTC))
    station = next(iter(stations_directory(now=NOW).filter(pk=paris_11.pk)))

    assert open_now(station, NOW) is False


def test_open_now_and_the_zone_in_the_list(client, stations):
    body = client.get(LIST).content.decode()
    kennewick_card = body[body.index('data-url="/stations/kennewick/"') :]

    # 10:00 on a Wednesday in Paris (09:00-18:00); 01:00 in Kennewick, whose zone never closes.
    assert body.count("Open now") == 3
    assert "Open 24 hours, no booking needed" in kennewick_card
    assert reverse("bookings:start", args=["kennewick"]) not in body
    assert reverse("bookings:start", args=["paris-11"]) in body


# --- next free slot, and the directory's query budget -------------------------------------------


def test_each_bookable_station_shows_its_next_free_slot(client, stations, officer):
    body = client.get(LIST).content.decode()

    # 10:00 now, four hours' lead time: the first slot is at 14:00, the same day, on a bay or in a room.
    assert body.count("Next free slot: Wednesday 10 June, 14:00") == 2
    assert "No free slot to book" not in body


def test_a_station_under_pressure_shows_no_next_free_slot(client, stations):
    stations["paris-13"].under_pressure = True
    stations["paris-13"].save()

    body = client.get(LIST).content.decode()

    assert body.count("Next free slot:") == 1
    assert body.count("No free slot to book in the coming days.") == 1


def test_the_directory_costs_four_queries_once_its_next_slots_are_cached(client, stations, django_assert_num_queries):
    for n in range(4):
        station = factories.StationFactory(slug=f"extra-{n}")
        factories.SpaceFactory(station=station, kind=SpaceKind.ROOM, name="Salle")
        factories.OpeningHoursFactory(station=station)
    # Stations, their opening hours, spaces and current closures; then the slot engine once
    # per station and kind of space it books (Paris: room and bay, extras: room, Kennewick: none).
    with django_assert_num_queries(4 + 2 * 2 + 4):
        client.get(LIST)
    with django_assert_num_queries(4):
        response = client.get(LIST, {"q": "75011"})
    assert response.status_code == 200
    assert len(_order(response)) == 7
