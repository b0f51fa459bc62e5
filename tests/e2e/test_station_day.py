"""A station's day in a real browser: staff of paris-11 check both parties in at the desk, record the
outcome, read the schedule, save a closure after its impact preview, and see the statistics drawn."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import BookingStatus
from stations.models import Room
from tests import factories

pytestmark = pytest.mark.e2e

STAFF_PASSWORD = "correct horse battery staple"  # tests/factories.py


def _log_in(page, staff):
    page.goto("/admin/")
    page.get_by_label("Email address").fill(staff.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Daily schedule")).to_be_visible()


def test_staff_run_a_day_in_the_admin(live_server, staff_page, paris_11, paris_13, staff_11e, charter, screenshot):
    now = timezone.now().replace(second=0, microsecond=0)
    room = Room.objects.get(station=paris_11)
    today = factories.BookingFactory(
        station=paris_11,
        space=room,
        status=BookingStatus.CONFIRMED,
        starts_at=now + timedelta(minutes=20),
        ends_at=now + timedelta(minutes=50),
        seller_name="Camille Vendeur",
        buyer_charter_version=charter,
    )
    # 10:00 local three days on, whatever the hour now: the closure around it (09:00 to 11:00)
    # stays on one local day and never meets a daylight saving change (at 02:00 or 03:00).
    later_day = timezone.localdate(now, paris_11.zone) + timedelta(days=3)
    later_starts_at = datetime.combine(later_day, time(10, 0), paris_11.zone)
    later = factories.BookingFactory(
        station=paris_11,
        space=room,
        status=BookingStatus.CONFIRMED,
        starts_at=later_starts_at,
        ends_at=later_starts_at + timedelta(minutes=30),
        buyer_charter_version=charter,
    )
    theirs = factories.BookingFactory(station=paris_13, space=Room.objects.get(station=paris_13))
    page = staff_page
    _log_in(page, staff_11e)

    # The desk: the reference as a scanner types it (lower case, no prefix, then Enter).
    page.get_by_role("link", name="Check-in desk").first.click()
    field = page.get_by_label("Reference or QR code")
    field.fill(theirs.reference.removeprefix("SX-").lower())
    field.press("Enter")
    expect(page.get_by_text("No booking of your station")).to_be_visible()
    page.get_by_label("Reference or QR code").fill(today.reference.removeprefix("SX-").lower())
    page.get_by_label("Reference or QR code").press("Enter")
    expect(page.locator("#sx-desk-card")).to_contain_text("Camille Vendeur")
    page.get_by_role("button", name="Buyer present").click()
    expect(page.locator("#sx-desk-card")).to_contain_text("present since")
    page.get_by_role("button", name="Seller present").click()
    expect(page.locator("#sx-desk-card")).to_contain_text("Checked in")
    screenshot(page, "day-1-desk")
    page.get_by_role("button", name="Completed", exact=True).click()
    expect(page.get_by_label("Reference or QR code")).to_be_focused()
    today.refresh_from_db()
    assert today.status == BookingStatus.COMPLETED

    # The schedule of that day shows it, with its outcome.
    day = timezone.localtime(today.starts_at, paris_11.zone).date()
    page.goto(f"/admin/bookings/booking/schedule/?day={day.isoformat()}")
    expect(page.locator("#sx-timeline")).to_contain_text(today.reference)
    expect(page.locator("#sx-timeline")).to_contain_text("Completed")
    expect(page.locator("body")).not_to_contain_text(theirs.reference)
    screenshot(page, "day-2-schedule")

    # A closure over the later booking: the form lists it, then saving cancels it.
    page.goto("/admin/stations/closure/add/")
    page.locator("#id_starts_at_0").fill(later_day.isoformat())
    page.locator("#id_starts_at_1").fill("09:00")
    page.locator("#id_ends_at_0").fill(later_day.isoformat())
    page.locator("#id_ends_at_1").fill("11:00")
    page.locator("#id_reason").fill("Exercice incendie")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#closure-impact")).to_contain_text(later.reference)
    screenshot(page, "day-3-closure-impact")
    page.get_by_label("Cancel the bookings it hits").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(later.reference)
    later.refresh_from_db()
    assert later.status == BookingStatus.CANCELLED

    # Statistics: Chart.js, served from static/, draws the day's figures.
    page.goto(
        f"/admin/bookings/booking/statistics/?first_day={day - timedelta(days=6)}&last_day={day + timedelta(days=7)}"
    )
    expect(page.locator("#sx-outcomes")).to_contain_text("Completed")
    page.wait_for_function("() => window.Chart && Chart.getChart('sx-chart-outcomes')")
    drawn = page.evaluate(
        "() => { const c = Chart.getChart('sx-chart-outcomes'); return [c.data.labels, c.data.datasets[0].data]; }"
    )
    assert dict(zip(*drawn, strict=True)) == {"Completed": 1, "Cancelled": 1}
    assert page.evaluate("() => Chart.getChart('sx-chart-days').data.datasets.length") == 2
    expect(page.locator("#sx-csv")).to_have_attribute("href", re.compile("format=csv"))
    screenshot(page, "day-4-statistics")
