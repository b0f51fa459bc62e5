"""Each party in their own language, in a real browser (issue 12, point 8).

The buyer books on an English desktop browser; the seller opens the invitation on a 390×844 phone
whose browser is set to French, reads French throughout (the page, the station's and the room's
names), tries the language buttons of the signed-link page, and accepts. Each then gets the
confirmation in their own language. French text is read through gettext, so the test holds
whatever the catalogue's wording.
"""

import re
import time

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation
from playwright.sync_api import expect

from stations.models import SpaceKind

from .conftest import ACTION_TIMEOUT_MS

pytestmark = pytest.mark.e2e

SELLER_EMAIL = "camille.vendeur@example.net"
SELLER_NAME = "Camille Vendeur"
PHONE = {"width": 390, "height": 844}


def _fr(text: str) -> str:
    with translation.override("fr"):
        return translation.gettext(text)


def _emails_to(address: str, *, count: int) -> list:
    """The emails sent to `address`, once there are `count` (the live server's thread may still be sending)."""
    deadline = time.monotonic() + 5
    while True:
        found = [message for message in getattr(mail, "outbox", []) if address in message.to]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def _logged_in(context, live_server, user) -> None:
    """The buyer's session, made by Django's test client and handed to the browser: the sign-up is test_journey's."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.fixture
def bilingual_paris_11(paris_11):
    """paris-11 as the demo has it: a French station whose texts exist in both languages."""
    paris_11.language = "fr"
    paris_11.name_en = "Central police station, 11th arrondissement"
    paris_11.save()
    room = paris_11.spaces.get(kind=SpaceKind.ROOM)
    room.name, room.name_en = "Salle d'échange 1", "Exchange room 1"
    room.save()
    return paris_11


def _buyer_books(page, station, screenshot) -> str:
    page.goto(f"/stations/{station.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(station.name_en)
    page.get_by_role("link", name="Book a slot here").click()
    page.get_by_label("What are you buying?").fill("Vélo de course")
    page.get_by_label("An object").check()
    page.get_by_role("button", name="Next: day and time").click()
    expect(page.get_by_role("heading", name="Pick a day and a time")).to_be_visible()
    page.locator(".slot-grid label").first.click()
    page.get_by_role("button", name="Next: the seller").click()
    page.get_by_label("Seller's email").fill(SELLER_EMAIL)
    page.get_by_label("Seller's name").fill(SELLER_NAME)
    page.get_by_role("button", name="Next: review").click()
    page.get_by_label("I have read the charter and the item is not forbidden.").check()
    page.get_by_role("button", name="Book this slot").click()
    reference = page.locator("h1 .reference")
    expect(reference).to_have_text(re.compile(r"^SX-\S+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Waiting for the seller")
    expect(page.get_by_text("Exchange room 1")).to_be_visible()
    screenshot(page, "lang-1-buyer-booked-en")
    return reference.inner_text().strip()


def _switch_language(page, code: str) -> None:
    """The navigation bar's language buttons, behind the menu button on a phone."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.locator(f'button[name="language"][value="{code}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def test_english_buyer_books_and_french_seller_on_a_phone_reads_french_and_accepts(
    live_server, settings, new_context, buyer_page, buyer, bilingual_paris_11, officer, charter, screenshot
):
    settings.SITE_URL = live_server.url  # the invitation's link must reach this server
    station = bilingual_paris_11
    _logged_in(buyer_page.context, live_server, buyer)
    reference = _buyer_books(buyer_page, station, screenshot)

    (invitation,) = _emails_to(SELLER_EMAIL, count=1)
    # Before the seller has visited, the station's language (French).
    assert invitation.body.startswith("Bonjour")
    invite_url = re.search(r"https?://\S*/bookings/invite/\S*", invitation.body).group(0)

    phone = new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )
    phone.set_default_timeout(ACTION_TIMEOUT_MS)
    seller = phone.new_page()
    seller.goto(invite_url)

    expect(seller.locator("html")).to_have_attribute("lang", "fr")
    expect(seller.get_by_role("heading", level=1)).to_have_text(
        _fr("You are invited to an exchange at a police station")
    )
    expect(seller.get_by_text(station.name, exact=False).first).to_be_visible()
    expect(seller.get_by_text("Salle d'échange 1")).to_be_visible()
    expect(seller.get_by_text(reference)).to_be_visible()
    for english in ("Accept the meeting", "Charter of forbidden items", station.name_en, "Exchange room 1"):
        expect(seller.get_by_text(english, exact=True)).to_have_count(0)
    assert seller.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    screenshot(seller, "lang-2-seller-phone-fr")

    # The language buttons work from the signed link (no session), and the choice sticks.
    _switch_language(seller, "en")
    expect(seller.get_by_role("heading", level=1)).to_have_text("You are invited to an exchange at a police station")
    expect(seller.get_by_text("Exchange room 1")).to_be_visible()
    _switch_language(seller, "fr")
    expect(seller.get_by_role("heading", level=1)).to_have_text(
        _fr("You are invited to an exchange at a police station")
    )

    seller.locator("#id_first_name").fill("Camille")
    seller.locator("#id_last_name").fill("Vendeur")
    seller.locator("#id_accept_charter").check()
    seller.get_by_role("button", name=_fr("Accept the meeting")).click()
    expect(seller.get_by_role("alert")).to_contain_text(
        _fr("Thank you: the exchange is confirmed. We have emailed you the details.")
    )
    expect(seller.locator("html")).to_have_attribute("lang", "fr")
    screenshot(seller, "lang-3-seller-accepted-fr")

    seller_emails = _emails_to(SELLER_EMAIL, count=2)
    buyer_emails = _emails_to(buyer.email, count=2)
    confirmation_to_seller, confirmation_to_buyer = seller_emails[-1], buyer_emails[-1]
    assert confirmation_to_seller.body.startswith("Bonjour"), confirmation_to_seller.body[:80]
    assert "Salle d'échange 1" in confirmation_to_seller.body
    assert confirmation_to_buyer.body.startswith("Hello"), confirmation_to_buyer.body[:80]
    assert "Exchange room 1" in confirmation_to_buyer.body
    assert confirmation_to_buyer.subject.startswith("Confirmed")
