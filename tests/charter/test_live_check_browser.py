"""The item step's live check in a real browser: Debian's Chromium, as in tests/e2e.

The verdict appears as the buyer types, a vehicle switches the form to "A vehicle",
and nothing is sent before the buyer stops typing for a moment.
"""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # see tests/e2e/conftest.py

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests import factories  # noqa: E402

pytestmark = pytest.mark.e2e

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM_PATH).is_file():
        message = f"needs Chromium at {CHROMIUM_PATH} (set CHROMIUM_PATH)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM_PATH,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
    }


@pytest.fixture
def item_page(new_context, live_server, client, paris_11, buyer, charter):
    factories.RuleFactory(
        version=charter,
        category="vehicle",
        verdict="allowed",
        terms="moto\nvoiture",
        exceptions="casque moto",
        reason_en="Vehicles go to a parking bay.",
    )
    client.force_login(buyer)
    context = new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(reverse("bookings:item", args=[paris_11.slug]))
    return page


def test_the_verdict_shows_as_the_buyer_types(item_page):
    from playwright.sync_api import expect

    box = item_page.locator("#charter-check")
    item_page.get_by_label("What are you buying?").press_sequentially("Machette de jardin", delay=20)

    expect(box).to_have_attribute("data-verdict", "forbidden")
    expect(box).to_contain_text("Blades and sharp objects are not allowed.")
    expect(box.get_by_role("link")).to_have_attribute("href", "/charter/#blade")

    item_page.get_by_label("What are you buying?").fill("Vélo de course")
    expect(box).to_have_attribute("data-verdict", "allowed")
    expect(box).to_contain_text("Nothing in the charter stops this item.")


def test_a_vehicle_switches_the_form_to_a_vehicle(item_page):
    from playwright.sync_api import expect

    item_page.get_by_label("An object").check()
    item_page.get_by_label("What are you buying?").fill("Moto Yamaha MT-07")

    expect(item_page.locator("#charter-check")).to_have_attribute("data-space-kind", "bay")
    expect(item_page.get_by_label("A vehicle")).to_be_checked()

    item_page.get_by_label("What are you buying?").fill("")
    expect(item_page.locator("#charter-check")).to_be_empty()
