"""The booking in your pocket, in a real browser: the confirmed booking's QR code shows, its .ics downloads.

The booking is made and accepted through the services (the whole journey through the pages is
tests/e2e/test_journey.py); the buyer's browser gets a logged-in session, then reads the page.
"""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import icalendar
import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from bookings.links import seller_invite_path
from bookings.selectors import station_free_slots
from bookings.services import booking_accept, booking_create
from tests import factories

pytestmark = pytest.mark.e2e


def _log_in(page, user, live_server):
    client = Client()
    client.force_login(user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


@pytest.fixture
def confirmed(paris_11, officer, charter):
    paris_11.latitude, paris_11.longitude = Decimal("48.858844"), Decimal("2.379910")
    paris_11.save(update_fields=["latitude", "longitude"])
    buyer = factories.UserFactory(email="pocket.buyer@example.org")
    today = timezone.localdate(timezone.now(), paris_11.zone)
    slot = station_free_slots(station=paris_11, kind="room", first_day=today, last_day=today + timedelta(days=7))[0]
    booking = booking_create(
        buyer=buyer,
        station=paris_11,
        starts_at=slot.starts_at,
        item_title="Vélo de course",
        seller_email="camille.vendeur@example.net",
        seller_name="Camille Vendeur",
        language="en",
    )
    return booking_accept(booking=booking, charter_version=charter)


def _qr_is_drawn(page):
    qr = page.get_by_role("img", name=re.compile(r"^QR code of reference SX-"))
    expect(qr).to_be_visible()
    # Loaded (an image that failed has no natural size) and drawn large enough for the desk's scanner.
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    box = qr.bounding_box()
    assert box["width"] >= 240 and box["height"] >= 240, box


def _downloaded_calendar(page, link_name, tmp_path):
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    target = Path(tmp_path) / download.suggested_filename
    download.save_as(target)
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_the_buyer_and_the_seller_carry_the_booking_in_their_pocket(
    live_server, buyer_page, seller_page, confirmed, tmp_path, screenshot
):
    _log_in(buyer_page, confirmed.buyer, live_server)
    buyer_page.goto(f"/bookings/{confirmed.reference}/")

    expect(buyer_page.get_by_role("heading", level=1)).to_contain_text("Confirmed")
    _qr_is_drawn(buyer_page)
    directions = buyer_page.get_by_role("link", name="Directions (OpenStreetMap)")
    route = re.compile(r"openstreetmap\.org/directions\?to=48\.858844%2C2\.379910")
    expect(directions).to_have_attribute("href", route)
    expect(buyer_page.get_by_role("heading", name="What to bring")).to_be_visible()
    screenshot(buyer_page, "pocket-buyer")

    calendar, event = _downloaded_calendar(buyer_page, "Add to calendar", tmp_path)
    assert str(calendar["method"]) == "PUBLISH"
    assert str(event["uid"]) == f"{confirmed.reference}@safe-exchange"
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert event.decoded("dtstart") == confirmed.starts_at
    assert len(event.walk("VALARM")) == 2

    seller_page.goto(seller_invite_path(confirmed))
    expect(seller_page.get_by_role("heading", level=1)).to_contain_text(confirmed.reference)
    _qr_is_drawn(seller_page)
    _calendar, seller_event = _downloaded_calendar(seller_page, "Add to calendar", tmp_path)
    assert str(seller_event["uid"]) == str(event["uid"])
    screenshot(seller_page, "pocket-seller")
