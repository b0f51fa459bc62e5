"""The whole journey in a real browser: a buyer signs up and books, the seller accepts, staff see it."""

import re
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

BUYER_EMAIL = "new.buyer@example.org"
BUYER_PASSWORD = "a long pass phrase for the e2e buyer"
SELLER_EMAIL = "camille.vendeur@example.net"
SELLER_NAME = "Camille Vendeur"
STAFF_PASSWORD = "correct horse battery staple"  # tests/factories.py


def _email_to(address, *, containing=""):
    """The latest email sent to `address`; the server thread may still be sending it, so wait a little."""
    deadline = time.monotonic() + 5
    while True:
        found = [m for m in getattr(mail, "outbox", []) if address in m.to and containing in m.body]
        if found or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert found, f"no email to {address}; outbox: {[(m.to, m.subject) for m in getattr(mail, 'outbox', [])]}"
    return found[-1]


def _link_in(message, path_pattern):
    match = re.search(r"https?://\S*" + path_pattern + r"\S*", message.body)
    assert match, f"no link matching {path_pattern} in:\n{message.body}"
    return match.group(0)


def _sign_up_and_verify(page, screenshot):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("meet at a police station")
    page.get_by_role("link", name="Sign up").click()
    page.locator("#id_first_name").fill("Alex")
    page.locator("#id_last_name").fill("Acheteur")
    page.get_by_label("Email").fill(BUYER_EMAIL)
    page.locator("#id_password1").fill(BUYER_PASSWORD)
    page.locator("#id_password2").fill(BUYER_PASSWORD)
    screenshot(page, "0-signup")
    page.get_by_role("button", name=re.compile("sign up", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("verify", re.I))

    confirm_url = _link_in(_email_to(BUYER_EMAIL), "/accounts/confirm-email/")
    page.goto(urlsplit(confirm_url).path)
    confirm = page.get_by_role("button", name=re.compile("confirm", re.I))
    if confirm.count():  # allauth asks for a POST unless ACCOUNT_CONFIRM_EMAIL_ON_GET
        screenshot(page, "1-confirm-email")
        confirm.click()
    # ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION: logged in, and sent to "My bookings".
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_role("heading", name="My bookings")).to_be_visible()


def _book(page, station, screenshot):
    page.get_by_role("link", name="Stations", exact=True).click()
    page.get_by_role("link", name=station.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(station.name)
    page.get_by_role("link", name="Book a slot here").click()

    # A forbidden item is refused on the spot, with the charter's reason.
    expect(page.get_by_role("heading", name="What is the item?")).to_be_visible()
    page.get_by_label("What are you buying?").fill("Machette de jardin")
    page.get_by_label("An object").check()
    page.get_by_role("button", name="Next: day and time").click()
    expect(page.get_by_text("Blades and sharp objects are not allowed.")).to_be_visible()
    expect(page.get_by_role("heading", name="What is the item?")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/bookings/new/{station.slug}/item/$"))
    screenshot(page, "2-item-refused")

    page.get_by_label("What are you buying?").fill("Vélo de course")
    page.get_by_label("An object").check()
    page.get_by_role("button", name="Next: day and time").click()

    expect(page.get_by_role("heading", name="Pick a day and a time")).to_be_visible()
    page.get_by_role("group", name="Days").get_by_role("link").first.click()
    # The day's times replace the picker (htmx): wait for the swap, or the click below lands on the old one.
    expect(page).to_have_url(re.compile(r"\?day=\d{4}-\d{2}-\d{2}$"))
    # The times are visually hidden radios (Bootstrap .btn-check): the label is what a person clicks.
    first_time = page.locator(".slot-grid label").first
    expect(first_time).to_be_visible()
    first_time.click()
    expect(page.locator(".slot-grid input.btn-check").first).to_be_checked()
    screenshot(page, "3-slot")
    page.get_by_role("button", name="Next: the seller").click()

    expect(page.get_by_role("heading", name="Who is the seller?")).to_be_visible()
    page.get_by_label("Seller's email").fill(SELLER_EMAIL)
    page.get_by_label("Seller's name").fill(SELLER_NAME)
    page.get_by_role("button", name="Next: review").click()

    expect(page.get_by_role("heading", name="Review and book")).to_be_visible()
    expect(page.get_by_text("Vélo de course")).to_be_visible()
    page.locator("#id_accept_charter").check()
    page.get_by_role("button", name="Book this slot").click()

    reference = page.locator("h1 .reference")
    expect(reference).to_have_text(re.compile(r"^SX-\S+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Waiting for the seller")
    screenshot(page, "4-booked")
    return reference.inner_text().strip()


def _seller_accepts(page, station, reference, live_server, screenshot):
    invite = _email_to(SELLER_EMAIL, containing="/bookings/invite/")
    invite_url = _link_in(invite, "/bookings/invite/")
    assert invite_url.startswith(live_server.url), invite_url  # SITE_URL points at the live server
    page.goto(invite_url)

    expect(page.get_by_role("heading", level=1)).to_have_text("You are invited to an exchange at a police station")
    expect(page.get_by_text(station.name)).to_be_visible()
    expect(page.get_by_text("Vélo de course")).to_be_visible()
    expect(page.get_by_text(reference)).to_be_visible()
    expect(page.get_by_role("heading", name="Charter of forbidden items")).to_be_visible()
    expect(page.get_by_text("No weapons, no blades, no bulky goods.")).to_be_visible()
    screenshot(page, "5-seller-invite")

    page.locator("#id_first_name").fill("Camille")
    page.locator("#id_last_name").fill("Vendeur")
    page.locator("#id_accept_charter").check()
    page.get_by_role("button", name="Accept the meeting").click()
    expect(page.get_by_role("alert").filter(has_text="the exchange is confirmed")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirmed")
    screenshot(page, "6-seller-confirmed")


def _staff_sees_booking(page, staff, reference, screenshot):
    page.goto("/admin/")
    page.get_by_label("Email address").fill(staff.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Log out").or_(page.get_by_role("button", name="Log out"))).to_be_visible()

    response = page.goto("/admin/bookings/booking/")
    if response.status == 404:
        pytest.skip("the bookings admin is not registered yet: /admin/bookings/booking/ is a 404")
    assert response.ok, f"/admin/bookings/booking/ answered {response.status}"
    expect(page.locator("#result_list")).to_contain_text(reference)
    screenshot(page, "8-admin-changelist")


def test_buyer_books_seller_accepts_and_staff_see_it(
    live_server, settings, buyer_page, seller_page, staff_page, paris_11, officer, charter, staff_11e, screenshot
):
    settings.SITE_URL = live_server.url  # the seller's link in the email must reach this server

    _sign_up_and_verify(buyer_page, screenshot)
    reference = _book(buyer_page, paris_11, screenshot)
    _seller_accepts(seller_page, paris_11, reference, live_server, screenshot)

    buyer_page.get_by_role("link", name="My bookings", exact=True).click()
    row = buyer_page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Vélo de course")
    expect(row).to_contain_text("Confirmed")
    screenshot(buyer_page, "7-my-bookings")

    _staff_sees_booking(staff_page, staff_11e, reference, screenshot)
