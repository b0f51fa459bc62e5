"""A booking made with the keyboard alone (Tab, Enter, Space, and typing: no click), and a forbidden item
refused with its reason, the focus on the error summary that announces it (WCAG 2.1.1, 2.4.1, 3.3.1, 4.1.3)."""

import re

import pytest
from playwright.sync_api import expect

from bookings.models import Booking, BookingStatus, CharterRefusal
from tests.e2e.conftest import ACTION_TIMEOUT_MS

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"  # tests/factories.py


def _is_focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def _tab_to(page, locator, *, limit=40) -> int:
    """Press Tab until `locator` has the focus; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if _is_focused(locator):
            return presses
    focused = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
    raise AssertionError(f"{locator} not reached in {limit} Tabs; the focus is on {focused}")


def _skip_to_content(page):
    """The first Tab stop of every page is the skip link, and Enter moves the focus to the page's content."""
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # visually hidden until it has the focus
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def _log_in(page, buyer):
    page.goto("/accounts/login/")
    _skip_to_content(page)
    _tab_to(page, page.locator("#id_login"))
    page.keyboard.type(buyer.email)
    _tab_to(page, page.locator("#id_password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My bookings")).to_be_visible()


def _follow(page, link):
    _tab_to(page, link)
    page.keyboard.press("Enter")


def _refused_then_allowed_item(page, screenshot):
    title = page.locator("#id_item_title")
    _tab_to(page, title)
    page.keyboard.type("Machette de jardin")
    page.keyboard.press("Enter")

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Blades and sharp objects are not allowed.")
    expect(page.get_by_role("heading", name="What is the item?")).to_be_visible()
    screenshot(page, "keyboard-2-refused")

    # From the summary, the next Tabs lead to the field; the keyboard's focus selects its text.
    _tab_to(page, title)
    page.keyboard.type("Vélo de course")
    expect(title).to_have_value("Vélo de course")
    page.keyboard.press("Enter")


def _first_free_time(page, screenshot):
    expect(page.get_by_role("heading", name="Pick a day and a time")).to_be_visible()
    expect(page.locator("[aria-current=step]")).to_have_text("Day and time")
    _skip_to_content(page)
    _follow(page, page.get_by_role("group", name="Days").get_by_role("link").first)

    first_time = page.get_by_role("radiogroup", name="Time").get_by_role("radio").first
    expect(page).to_have_url(re.compile(r"\?day="))
    expect(first_time).to_be_attached()
    # htmx swapped the picker in place and kept the focus on the day link: Tab on from there.
    _tab_to(page, first_time)
    page.keyboard.press("Space")
    expect(first_time).to_be_checked()
    screenshot(page, "keyboard-3-slot")
    _follow(page, page.get_by_role("button", name="Next: the seller"))


def test_a_buyer_books_with_the_keyboard_alone(live_server, buyer_page, paris_11, officer, charter, buyer, screenshot):
    page = buyer_page
    _log_in(page, buyer)
    screenshot(page, "keyboard-0-logged-in")

    _follow(page, page.get_by_role("link", name="Stations", exact=True))
    _follow(page, page.get_by_role("link", name=paris_11.name))
    expect(page.get_by_role("heading", level=1)).to_have_text(paris_11.name)
    _follow(page, page.get_by_role("link", name="Book a slot here"))

    expect(page.get_by_role("heading", name="What is the item?")).to_be_visible()
    expect(page.locator("[aria-current=step]")).to_have_text("Item")
    screenshot(page, "keyboard-1-item")
    _refused_then_allowed_item(page, screenshot)
    _first_free_time(page, screenshot)

    expect(page.get_by_role("heading", name="Who is the seller?")).to_be_visible()
    _tab_to(page, page.get_by_label("Seller's email"))
    page.keyboard.type("camille.vendeur@example.net")
    _tab_to(page, page.get_by_label("Seller's name"))
    page.keyboard.type("Camille Vendeur")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Review and book")).to_be_visible()
    accept = page.get_by_label("I have read the charter and the item is not forbidden.")
    _tab_to(page, accept)
    page.keyboard.press("Space")
    expect(accept).to_be_checked()
    screenshot(page, "keyboard-4-review")
    _follow(page, page.get_by_role("button", name="Book this slot"))

    expect(page.get_by_role("heading", level=1)).to_contain_text("Waiting for the seller")
    screenshot(page, "keyboard-5-booked")
    booking = Booking.objects.get(buyer=buyer)
    assert (booking.item_title, booking.status) == ("Vélo de course", BookingStatus.PENDING)
    assert booking.reference in page.get_by_role("heading", level=1).inner_text()


def test_a_forbidden_item_is_refused_with_its_reason_announced_where_the_focus_is(
    live_server, new_context, paris_11, officer, charter, buyer, screenshot
):
    """In French, on a phone: the refusal's summary is an alert, has the focus, and names the charter's reason."""
    context = new_context(
        base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(buyer.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("heading", name="Mes réservations")).to_be_visible()

    page.goto(f"/bookings/new/{paris_11.slug}/item/")
    title = page.locator("#id_item_title")
    title.fill("Sabre japonais de collection")
    title.press("Enter")

    alert = page.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_be_focused()
    expect(alert).to_contain_text("Les lames et objets tranchants sont interdits.")
    expect(alert.get_by_role("link", name=re.compile("charte", re.I))).to_have_attribute("href", "/charter/#blade")
    expect(page).to_have_url(re.compile(rf"/bookings/new/{paris_11.slug}/item/$"))
    expect(title).to_have_value("Sabre japonais de collection")
    screenshot(page, "refusal-fr-phone")
    assert not Booking.objects.exists()
    assert list(CharterRefusal.objects.values_list("category", flat=True)) == ["blade"]
