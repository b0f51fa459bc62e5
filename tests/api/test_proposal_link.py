"""/book/: a proposal link opens the buyer's wizard with the item filled in, every value validated."""

from urllib.parse import urlencode

import pytest

from api.models import PartnerBooking
from bookings.drafts import draft_get
from bookings.models import BookingDraft

pytestmark = pytest.mark.django_db

LINK = {"station": "paris-11", "title": "Vélo de course", "listing_url": "https://annonces.example/7", "role": "buyer"}


def test_a_typed_link_fills_in_the_wizards_item(client, buyer, paris_11, charter):
    client.force_login(buyer)

    response = client.get(f"/book/?{urlencode(LINK)}")
    page = client.get(response["Location"])

    assert response["Location"] == "/bookings/new/paris-11/item/"
    item = draft_get(buyer=buyer, station=paris_11)["item"]
    assert (item["item_title"], item["listing_url"], item["item_kind"]) == (
        "Vélo de course",
        "https://annonces.example/7",
        "goods",
    )
    assert 'value="Vélo de course"' in page.content.decode()
    assert not PartnerBooking.objects.exists()  # no partner signed it


def test_a_forbidden_item_opens_no_wizard(client, buyer, paris_11, charter):
    client.force_login(buyer)

    response = client.get(f"/book/?{urlencode(LINK | {'title': 'Machette'})}", HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert response.redirect_chain[0][0] == "/"
    assert "Blades and sharp objects are not allowed." in response.content.decode()
    assert not BookingDraft.objects.exists()


@pytest.mark.parametrize(
    "change",
    [{"station": "paris-99"}, {"listing_url": "javascript:alert(1)"}, {"role": "officer"}, {"title": ""}],
)
def test_a_link_with_a_bad_value_changes_nothing(client, buyer, paris_11, charter, change):
    client.force_login(buyer)

    response = client.get(f"/book/?{urlencode(LINK | change)}")

    assert response["Location"] == "/"
    assert not BookingDraft.objects.exists()


def test_a_visitor_signs_in_first(client, paris_11, charter):
    response = client.get(f"/book/?{urlencode(LINK)}")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
