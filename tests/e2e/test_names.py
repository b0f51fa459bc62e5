"""Names in a real browser: a buyer signs up with their name, and the station's desk shows both parties' names
and records that each one's identity was checked (the kind of document only)."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from bookings.models import Booking, BookingStatus
from stations.models import Room
from tests import factories

pytestmark = pytest.mark.e2e

PASSWORD = "a long pass phrase for the e2e buyer"
STAFF_PASSWORD = "correct horse battery staple"  # tests/factories.py


def test_a_buyer_signs_up_with_a_name_and_the_desk_checks_both_identities(
    live_server, buyer_page, staff_page, paris_11, staff_11e, charter, screenshot
):
    page = buyer_page
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("zoe.acheteuse@example.org")
    # Required in the page too (the server refuses without: tests/accounts/test_names.py).
    expect(page.get_by_label("First name")).to_have_attribute("required", "")
    expect(page.get_by_label("Last name")).to_have_attribute("required", "")
    page.get_by_label("First name").fill("Zoé")
    page.get_by_label("Last name").fill("N’Diaye")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    screenshot(page, "names-0-signup")
    page.get_by_role("button", name=re.compile("sign up", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("verify", re.I))
    buyer = User.objects.get(email="zoe.acheteuse@example.org")
    assert (buyer.first_name, buyer.last_name) == ("Zoé", "N’Diaye")

    # The booking the seller accepted (its journey is tests/e2e/test_journey.py).
    EmailAddress.objects.filter(user=buyer).update(verified=True)
    now = timezone.now().replace(second=0, microsecond=0)
    booking = factories.BookingFactory(
        station=paris_11,
        space=Room.objects.get(station=paris_11),
        status=BookingStatus.CONFIRMED,
        starts_at=now + timedelta(minutes=20),
        ends_at=now + timedelta(minutes=50),
        buyer=buyer,
        seller_name="Camille",
        seller_first_name="Camille",
        seller_last_name="Vendeur",
        buyer_charter_version=charter,
    )

    page = staff_page
    page.goto("/admin/")
    page.get_by_label("Email address").fill(staff_11e.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/admin/bookings/booking/{booking.pk}/desk/")
    expect(page.locator("#sx-desk-buyer")).to_contain_text("Zoé N’Diaye")
    expect(page.locator("#sx-desk-seller")).to_contain_text("Camille Vendeur")
    identity = page.locator("#sx-desk-identity")
    identity.get_by_label("Buyer's document").select_option("residence_permit")
    identity.get_by_role("button", name="Record").first.click()
    expect(page.locator("#sx-desk-buyer")).to_contain_text("Residence permit")
    identity.get_by_label("Seller's document").select_option("passport")
    identity.get_by_role("button", name="Record").nth(1).click()
    expect(page.locator("#sx-desk-seller")).to_contain_text("Passport")
    screenshot(page, "names-1-desk")

    booking = Booking.objects.get(pk=booking.pk)
    assert (booking.buyer_identity_document, booking.seller_identity_document) == ("residence_permit", "passport")
