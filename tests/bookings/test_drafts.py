"""The booking wizard's drafts (bookings.drafts): out of the session, and short-lived."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse

from bookings import tasks
from bookings.drafts import draft_get, draft_save
from bookings.models import BookingDraft

NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _start_the_wizard(client, station, seller):
    item = {"item_title": "Vélo de Camille", "item_description": "Appeler le 06 12 34 56 78", "item_kind": "goods"}
    assert client.post(reverse("bookings:item", args=[station.slug]), item).status_code == 302
    # The seller step needs a slot; the draft is what the wizard would have saved.
    draft_save(buyer=client.user, station=station, slot="20260611T080000Z")
    assert client.post(reverse("bookings:seller", args=[station.slug]), seller).status_code == 302


@pytest.fixture
def wizard_client(client, buyer):
    client.force_login(buyer)
    client.user = buyer
    return client


def test_the_wizard_keeps_the_item_and_the_seller_out_of_the_session(wizard_client, paris_11, seller, charter):
    _start_the_wizard(wizard_client, paris_11, seller)

    stored = json.dumps(Session.objects.get(session_key=wizard_client.session.session_key).get_decoded())
    for personal in ("Vélo de Camille", "06 12 34 56 78", seller["seller_email"], seller["seller_name"]):
        assert personal not in stored
    draft = draft_get(buyer=wizard_client.user, station=paris_11)
    assert (draft["item"]["item_title"], draft["seller"]["seller_email"]) == ("Vélo de Camille", seller["seller_email"])


def test_a_draft_is_forgotten_by_the_wizard_once_its_lifetime_is_over(wizard_client, paris_11, seller, charter):
    _start_the_wizard(wizard_client, paris_11, seller)
    review = reverse("bookings:review", args=[paris_11.slug])

    with time_machine.travel(NOW + 23 * HOUR, tick=False):
        assert wizard_client.get(review).status_code == 200
    with time_machine.travel(NOW + 25 * HOUR, tick=False):
        response = wizard_client.get(review)
        assert response["Location"] == reverse("bookings:item", args=[paris_11.slug])
        assert draft_get(buyer=wizard_client.user, station=paris_11) == {}


def test_each_change_gives_the_draft_a_new_lifetime(wizard_client, paris_11, seller, charter):
    _start_the_wizard(wizard_client, paris_11, seller)

    with time_machine.travel(NOW + 20 * HOUR, tick=False):
        draft_save(buyer=wizard_client.user, station=paris_11, slot="20260612T080000Z")
    with time_machine.travel(NOW + 40 * HOUR, tick=False):
        assert draft_get(buyer=wizard_client.user, station=paris_11)["slot"] == "20260612T080000Z"


def test_the_hourly_purge_deletes_drafts_past_their_lifetime(buyer, other_buyer, paris_11, settings):
    settings.BOOKINGS_DRAFT_HOURS = 2
    with time_machine.travel(NOW - 3 * HOUR, tick=False):
        draft_save(buyer=buyer, station=paris_11, seller={"seller_name": "Camille"})
    with time_machine.travel(NOW - HOUR, tick=False):
        draft_save(buyer=other_buyer, station=paris_11, seller={"seller_name": "Dominique"})

    tasks.anonymise_old_bookings()

    assert list(BookingDraft.objects.values_list("buyer", flat=True)) == [other_buyer.pk]


def test_a_buyer_never_sees_another_buyers_draft(buyer, other_buyer, paris_11):
    draft_save(buyer=buyer, station=paris_11, seller={"seller_name": "Camille"})

    assert draft_get(buyer=other_buyer, station=paris_11) == {}
