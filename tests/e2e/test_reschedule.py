"""Reschedule in a real browser: the buyer moves a confirmed booking, the seller re-confirms from the email."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Booking
from bookings.selectors import slot_key_to_datetime, station_free_slots
from bookings.services import booking_accept, booking_create
from tests import factories
from tests.e2e.test_journey import _email_to, _link_in

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"  # tests/factories.py
SELLER_EMAIL = "camille.vendeur@example.net"


def _confirmed_booking(buyer, station, charter):
    tomorrow = timezone.localdate(timezone.now(), station.zone) + timedelta(days=1)
    slot = station_free_slots(station=station, kind="room", first_day=tomorrow, last_day=tomorrow)[0]
    booking = booking_create(
        buyer=buyer,
        station=station,
        starts_at=slot.starts_at,
        item_title="Vélo de course",
        seller_email=SELLER_EMAIL,
        seller_name="Camille Vendeur",
        language="en",
    )
    return booking_accept(**factories.SELLER_NAMES, booking=booking, charter_version=charter)


def _log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def _when(page):
    return page.locator("dt", has_text="When").locator("xpath=following-sibling::dd[1]")


def test_the_buyer_reschedules_and_the_seller_reconfirms_by_email(
    live_server, settings, buyer_page, seller_page, paris_11, officer, charter, screenshot
):
    settings.SITE_URL = live_server.url  # the seller's link in the email must reach this server
    buyer = factories.UserFactory(email="mover@example.org")
    booking = _confirmed_booking(buyer, paris_11, charter)
    old_time = timezone.localtime(booking.starts_at, paris_11.zone).strftime("%H:%M")

    _log_in(buyer_page, buyer.email)
    buyer_page.goto(f"/bookings/{booking.reference}/")
    expect(_when(buyer_page)).to_contain_text(old_time)
    buyer_page.get_by_role("link", name="Move to another time").click()
    expect(buyer_page.get_by_role("heading", level=1)).to_contain_text(f"Move booking {booking.reference}")

    # Another day: htmx swaps the picker only (the page's heading stays the same element).
    heading = buyer_page.get_by_role("heading", level=1).element_handle()
    days = buyer_page.get_by_role("group", name="Days").get_by_role("link")
    day_link = days.nth(2)
    day_label = day_link.inner_text().split("\n")[0].strip()
    day_link.click()
    expect(buyer_page.get_by_role("group", name="Days").locator("[aria-current=date]")).to_contain_text(day_label)
    assert heading.evaluate("h => h.isConnected"), "the whole page was reloaded"
    expect(buyer_page).to_have_url(re.compile(r"\?day=\d{4}-\d{2}-\d{2}$"))  # pushed: the back button works
    screenshot(buyer_page, "reschedule-1-picker")

    day_times = buyer_page.locator("#slot-picker fieldset").last.locator("label")
    day_times.first.click()
    chosen_key = buyer_page.locator("#slot-picker fieldset").last.locator("input:checked").get_attribute("value")
    new_start = timezone.localtime(slot_key_to_datetime(chosen_key), paris_11.zone)
    buyer_page.get_by_role("button", name="Ask the seller for this time").click()

    expect(buyer_page.get_by_role("alert").first).to_contain_text("We have asked the seller to confirm the new time")
    expect(buyer_page.get_by_text("You asked to move this booking")).to_be_visible()
    expect(_when(buyer_page)).to_contain_text(old_time)  # the old slot is kept until the seller answers
    screenshot(buyer_page, "reschedule-2-waiting")

    # The seller opens the link of the email, which gives both times.
    message = _email_to(SELLER_EMAIL, containing="/bookings/move/")
    assert old_time in message.body and new_start.strftime("%H:%M") in message.body
    seller_page.goto(urlsplit(_link_in(message, "/bookings/move/")).path)
    expect(seller_page.get_by_role("heading", level=1)).to_have_text("The buyer asks for another time")
    expect(seller_page.get_by_text(booking.reference)).to_be_visible()
    screenshot(seller_page, "reschedule-3-seller")
    seller_page.locator("#id_accept_charter").check()
    seller_page.get_by_role("button", name="Accept the new time").click()
    expect(seller_page.get_by_role("alert").first).to_contain_text("moved to the new time")

    buyer_page.reload()
    expected = f"{new_start:%H:%M}–{new_start + paris_11.slot_length:%H:%M}"
    expect(_when(buyer_page)).to_contain_text(expected)
    expect(buyer_page.get_by_text("You asked to move this booking")).to_have_count(0)
    screenshot(buyer_page, "reschedule-4-moved")
    booking.refresh_from_db()
    assert booking.starts_at == new_start
    assert not Booking.objects.filter(moves=booking).exists()
