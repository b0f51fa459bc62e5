"""The seller's proposal over HTTP: the two steps without an account, the seller's page, the buyer's page."""

import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.urls import reverse

from bookings.models import Booking, BookingStatus, SellerProposal
from bookings.seller_proposals import (
    ORIGIN_SESSION_KEY,
    seller_proposal_buyer_path,
    seller_proposal_confirm,
    seller_proposal_manage_path,
)
from tests.charter_forms import charter_accepted

from .helpers import ITEM, KEYS, SELLER, propose

pytestmark = pytest.mark.django_db

ITEM_POST = {key: value for key, value in ITEM.items() if key != "vehicle_plate"}


def _times_post(**changes):
    return charter_accepted(**({"slots": KEYS[:2], **SELLER, "buyer_email": ""} | changes))


def _through_the_steps(client, **changes):
    client.post(reverse("bookings:propose", args=["paris-11"]), ITEM_POST)
    return client.post(reverse("bookings:propose-times", args=["paris-11"]), _times_post(**changes))


def test_the_link_opens_the_sellers_first_step_prefilled_without_an_account(client, paris_11, charter):
    link = {"station": "paris-11", "title": "Vélo de course", "listing_url": ITEM["listing_url"], "role": "seller"}
    response = client.get(f"/book/?{urlencode(link)}", follow=True)

    assert response.redirect_chain[-1][0].startswith("/bookings/propose/paris-11/?")
    page = response.content.decode()
    assert 'value="Vélo de course"' in page and "What are you selling?" in page
    assert ORIGIN_SESSION_KEY not in client.session  # a typed link is no partner's


def test_the_seller_proposes_in_two_steps_and_is_emailed_the_confirmation(
    client, paris_11, officer, charter, django_capture_on_commit_callbacks
):
    times_page = client.get(reverse("bookings:propose-times", args=["paris-11"]))
    assert times_page["Location"] == reverse("bookings:propose", args=["paris-11"])  # the item first

    with django_capture_on_commit_callbacks(execute=True):
        response = _through_the_steps(client)

    assert response["Location"] == reverse("bookings:propose-sent", args=["paris-11"])
    proposal = SellerProposal.objects.get()
    assert (proposal.slot_keys, proposal.seller_email, proposal.origin) == (KEYS[:2], "seller@example.net", "")
    assert "seller@example.net" in client.get(response["Location"]).content.decode()
    assert [m.to for m in mail.outbox] == [["seller@example.net"]]


def test_a_forbidden_item_stops_at_the_first_step(client, paris_11, officer, charter):
    response = client.post(
        reverse("bookings:propose", args=["paris-11"]),
        ITEM_POST | {"item_title": "Machette"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "Blades and sharp objects are not allowed." in response.content.decode()
    assert client.get(reverse("bookings:propose-times", args=["paris-11"])).status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slots": KEYS + ["20260612T150000Z"]}, "Tick at most three times."),
        ({"slots": ["20260612T010000Z"]}, "One of these times is no longer free"),
        ({"slots": []}, "Tick one to three times."),
        ({"seller_email": "not an address"}, "Enter a valid email address."),
        ({"buyer_email": "Seller@example.net"}, "The buyer&#x27;s email must not be your own."),
        ({"accept_charter": ""}, "You must accept the charter to go on."),
    ],
)
def test_bad_answers_are_told_and_write_nothing(client, paris_11, officer, charter, changes, message):
    response = _through_the_steps(client, **changes)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SellerProposal.objects.exists()
    assert not mail.outbox


def test_the_sellers_page_confirms_by_post_only_then_shows_the_buyers_link(client, paris_11, officer, charter):
    proposal = propose(paris_11, charter)
    page_url = seller_proposal_manage_path(proposal)

    page = client.get(page_url).content.decode()
    proposal.refresh_from_db()
    assert proposal.confirmed_at is None and "Confirm my email" in page  # a mail scanner's GET confirms nothing

    client.post(page_url, {"action": "confirm"})
    page = client.get(page_url).content.decode()
    assert seller_proposal_buyer_path(proposal) in page


def test_withdrawing_kills_both_links(client, buyer, paris_11, officer, charter):
    proposal = propose(paris_11, charter)
    seller_proposal_confirm(proposal=proposal)
    buyer_path, page_url = seller_proposal_buyer_path(proposal), seller_proposal_manage_path(proposal)

    response = client.post(page_url, {"action": "withdraw"})

    assert "You withdrew this proposal" in response.content.decode()
    assert client.get(page_url).status_code == 404
    client.force_login(buyer)
    assert client.get(buyer_path).status_code == 404


def test_a_tampered_link_is_a_404(client, buyer, paris_11, officer, charter):
    proposal = propose(paris_11, charter)
    client.force_login(buyer)
    path = seller_proposal_buyer_path(proposal)

    assert client.get(path[:-3] + "xx/").status_code == 404
    assert client.get(seller_proposal_manage_path(proposal).replace("/seller/", "/")).status_code == 404


def test_the_buyer_signs_in_first_then_takes_a_time(client, buyer, paris_11, officer, charter):
    proposal = propose(paris_11, charter)
    seller_proposal_confirm(proposal=proposal)
    path = seller_proposal_buyer_path(proposal)

    assert client.get(path)["Location"].startswith("/accounts/login/")

    client.force_login(buyer)
    page = client.get(path).content.decode()
    assert "Camille Vendeur proposes" in page and len(re.findall(r'name="slot"', page)) == 3
    assert client.post(path, charter_accepted(slot="20260612T100000Z")).status_code == 200  # free, not proposed
    assert not Booking.objects.exists()

    response = client.post(path, charter_accepted(slot=KEYS[2]))

    booking = Booking.objects.get()
    assert response["Location"] == reverse("bookings:detail", args=[booking.reference])
    assert booking.status == BookingStatus.CONFIRMED and booking.buyer == buyer
    assert "This proposal is closed" in client.get(path).content.decode()


def test_the_buyers_page_reads_a_fixed_number_of_statements(
    client, buyer, paris_11, officer, charter, django_assert_num_queries
):
    proposal = propose(paris_11, charter)
    seller_proposal_confirm(proposal=proposal)
    client.force_login(buyer)
    path = seller_proposal_buyer_path(proposal)
    client.get(path)  # the charter's current version is cached from then on

    # The user (the session is in the cache), the proposal with its station, one engine statement per time.
    with django_assert_num_queries(2 + len(KEYS)):
        assert client.get(path).status_code == 200
