"""A seller starts from a marketplace's link, proposes times; the buyer takes one: confirmed, and the partner is told.

The partner builds the link through its API; the seller (no account) opens it in one browser,
the buyer (an account) in another. The partner's webhook for the confirmation is checked with
the verification code docs/partners.md gives partners.
"""

import json
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from playwright.sync_api import expect

from api.models import PartnerBooking, Scope
from api.services import partner_key_create
from bookings.models import BookingStatus, SellerProposal
from tests import factories
from tests.api.test_webhooks import documented
from tests.api.webhook_server import Receiver

from .test_journey import _email_to, _link_in
from .test_reschedule import _log_in

pytestmark = pytest.mark.e2e

SELLER_EMAIL = "camille.vendeur@example.net"
LISTING = "https://annonces.example/vente/7781"


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def _partner_link(receiver) -> tuple[str, object]:
    partner, key = partner_key_create(
        name="Petites annonces", scopes=list(Scope.values), created_by=None, webhook_url=receiver.url
    )
    answer = Client().post(
        "/api/v1/proposals",
        {"station": "paris-11", "title": "Vélo de course", "listing_url": LISTING, "role": "seller"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert answer.status_code == 201, answer.content
    url = urlsplit(answer.json()["url"])
    partner.refresh_from_db()
    return f"{url.path}?{url.query}", partner


def _seller_proposes(page, link, screenshot):
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose a meeting at the police station")
    expect(page.get_by_label("What are you selling?")).to_have_value("Vélo de course")
    page.get_by_label("An object").check()
    screenshot(page, "proposal-1-item")
    page.get_by_role("button", name="Next: times and your details").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Times and your details")
    boxes = page.locator("input[name=slots]")
    boxes.nth(0).check()
    boxes.nth(2).check()
    page.get_by_label("First name").fill("Camille")
    page.get_by_label("Last name").fill("Vendeur")
    page.get_by_label("Your email").fill(SELLER_EMAIL)
    page.locator("#id_accept_charter").check()
    screenshot(page, "proposal-2-times")
    page.get_by_role("button", name="Send me the confirmation email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    page.goto(_link_in(_email_to(SELLER_EMAIL, containing="/bookings/proposal/seller/"), "/bookings/proposal/seller/"))
    page.get_by_role("button", name="Confirm my email").click()
    expect(page.get_by_role("alert").first).to_contain_text("Your address is confirmed")
    screenshot(page, "proposal-3-link")
    return page.get_by_label("The buyer's link").input_value()


def _buyer_takes_a_time(page, buyer_link, screenshot):
    buyer = factories.UserFactory(email="taker@example.org")
    _log_in(page, buyer.email)
    page.goto(buyer_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("The seller proposes to meet at a police station")
    expect(page.get_by_text("Camille Vendeur proposes")).to_be_visible()
    times = page.get_by_role("group", name="Time").get_by_role("radio")
    expect(times).to_have_count(2)
    page.get_by_role("button", name="Book this time").click()  # no time picked: told, nothing booked
    expect(page.get_by_role("alert").first).to_contain_text("Pick one of the times.")
    times.nth(1).check()
    page.locator("#id_accept_charter").check()
    screenshot(page, "proposal-4-take")
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirmed")
    screenshot(page, "proposal-5-confirmed")
    return buyer


def test_a_seller_started_proposal_ends_in_a_confirmed_booking_and_a_verified_webhook(
    live_server, settings, seller_page, buyer_page, paris_11, officer, charter, receiver, screenshot
):
    settings.SITE_URL = live_server.url
    link, partner = _partner_link(receiver)

    buyer_link = _seller_proposes(seller_page, link, screenshot)
    assert buyer_link.startswith(live_server.url + "/bookings/proposal/")
    buyer = _buyer_takes_a_time(buyer_page, buyer_link, screenshot)

    proposal = SellerProposal.objects.select_related("booking").get()
    booking = proposal.booking
    assert booking.status == BookingStatus.CONFIRMED and booking.buyer == buyer
    assert booking.starts_at.strftime("%Y%m%dT%H%M%SZ") == proposal.slot_keys[1]
    assert (booking.seller_first_name, booking.seller_last_name, booking.listing_url) == ("Camille", "Vendeur", LISTING)

    seller_page.reload()  # the seller's page says it is booked
    expect(seller_page.locator("#proposal-state")).to_contain_text("The buyer took a time")
    confirmation = _email_to(SELLER_EMAIL, containing=booking.reference)
    assert "confirmed" in confirmation.subject.lower()

    assert PartnerBooking.objects.get().booking == booking
    (sent,) = [request for request in receiver.requests if b"booking.confirmed" in request["body"]]
    assert json.loads(sent["body"])["listing_url"] == LISTING
    namespace = {}
    exec(documented("python"), namespace)  # noqa: S102 - the documentation's own example, run as a partner would
    assert namespace["verify"](partner.webhook_secret, sent["headers"]["Safe-Exchange-Signature"], sent["body"])
    for personal in (buyer.email, SELLER_EMAIL, "Vendeur", booking.reference):
        assert personal not in sent["body"].decode()
    assert re.fullmatch(r"\d+", sent["headers"]["Safe-Exchange-Delivery"])
