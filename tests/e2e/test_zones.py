"""Kennewick's safe exchange zone and the stations directory in a real browser (issue 12, points 1 and 2).

The map's tiles come from OpenStreetMap's servers, which the tests never reach (tests/browser.py
aborts every request to them): the directory must still list, rank and link every station.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.zones import PARIS_11_POSITION, PARIS_13_POSITION, kennewick, place

pytestmark = pytest.mark.e2e


@pytest.fixture
def stations(paris_11, paris_13):
    place(paris_11, PARIS_11_POSITION)
    place(paris_13, PARIS_13_POSITION)
    return {"paris-11": paris_11, "paris-13": paris_13, "kennewick": kennewick()}


@pytest.fixture
def logged_in_page(party_context, live_server):
    def make(user):
        client = Client()
        client.force_login(user)
        context = party_context()
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        return context.new_page()

    return make


def test_kennewicks_zone_needs_no_booking_and_an_ordinary_item_is_sent_to_the_zone_or_a_room(
    logged_in_page, buyer, charter, stations, screenshot
):
    page = logged_in_page(buyer)

    page.goto("/stations/kennewick/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kennewick Police Department")
    zone = page.locator(".station-zone")
    expect(zone).to_contain_text("Open 24 hours, no booking needed")
    expect(zone).to_contain_text("camera-watched")
    expect(zone).to_contain_text("Stay in view of the cameras")
    expect(page.get_by_role("link", name="Book a slot here")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"^Call \+1 509"))).to_have_attribute("href", "tel:+15095854208")
    screenshot(page, "zone-station")

    # The wizard, for an ordinary item: the zone, or a room elsewhere; never "no free slot".
    page.goto("/bookings/new/kennewick/item/")
    expect(page.locator("#zone-notice")).to_contain_text("no booking needed")
    page.get_by_label("What are you buying?").fill("Road bike")
    page.get_by_label("An object").check()
    page.get_by_role("button", name="Next: day and time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("No room to book here")
    meet_at_the_zone = "Meet at the safe exchange zone, any time, without booking"
    expect(page.get_by_role("heading", name=meet_at_the_zone)).to_be_visible()
    nearest = page.locator("#nearest-stations")
    expect(nearest.get_by_role("link", name=stations["paris-11"].name)).to_be_visible()
    expect(nearest.get_by_role("link", name=stations["paris-13"].name)).to_be_visible()
    expect(page.get_by_text("No free slot")).to_have_count(0)
    screenshot(page, "zone-wizard-elsewhere")

    # One of them takes the booking.
    nearest.get_by_role("link", name="Book a slot here").first.click()
    expect(page.get_by_role("heading", name="What is the item?")).to_be_visible()


def test_the_directory_draws_the_map_and_its_list_works_without_tiles(buyer_page, stations, screenshot):
    page = buyer_page

    page.goto("/stations/")
    expect(page.locator("#station-map.is-drawn")).to_be_visible()
    expect(page.locator("#station-map .leaflet-marker-icon")).to_have_count(3)
    entries = page.locator("#station-list > li")
    expect(entries).to_have_count(3)
    expect(page.get_by_text("Open 24 hours, no booking needed")).to_be_visible()
    screenshot(page, "directory-map")

    # Nearest first from a postcode typed in.
    page.get_by_label("Postcode or town").fill("99336")
    page.get_by_role("button", name="Find the nearest").click()
    expect(entries.first).to_have_attribute("data-url", "/stations/kennewick/")
    expect(page.get_by_text("Nearest first from 99336.")).to_be_visible()

    # A marker's popup leads to its station.
    page.locator("#station-map .leaflet-marker-icon").first.click()
    page.locator(".leaflet-popup-content a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kennewick Police Department")


def test_use_my_location_ranks_the_stations_from_the_browsers_position(party_context, stations):
    context = party_context()
    context.grant_permissions(["geolocation"])
    context.set_geolocation({"latitude": 48.83, "longitude": 2.36})  # Place d'Italie, in the 13th
    page = context.new_page()

    page.goto("/stations/")
    page.get_by_role("button", name="Use my location").click()

    expect(page).to_have_url(re.compile(r"lat=48\.83"))
    expect(page.locator("#station-list > li").first).to_have_attribute("data-url", "/stations/paris-13/")
    expect(page.get_by_text("Nearest first from your location.")).to_be_visible()
