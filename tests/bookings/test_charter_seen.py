"""The charter version a party read travels with their form (design invariant 7).

A version published between the page and the POST is refused, with the new version
shown; the booking records the version each party accepted.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.links import seller_invite_path
from bookings.models import Booking, BookingStatus
from bookings.selectors import station_free_slots
from bookings.services import booking_create
from charter.services import charter_version_publish
from stations.models import SpaceKind
from tests import factories
from tests.charter_forms import seller_accepted
from tests.clock import pinned_clock

NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)  # Wednesday 10:00 in Paris

pytestmark = pytest.mark.django_db


_pinned_clock = pinned_clock(NOW)


def _publish_version_2(charter):
    draft = factories.CharterVersionFactory(number=2, published_at=None, summary_en="Version two of the charter.")
    factories.RuleFactory(version=draft)
    return charter_version_publish(version=draft)


def _walk_to_review(client, station, seller):
    today = timezone.localdate(timezone.now(), station.zone)
    slot = station_free_slots(station=station, kind=SpaceKind.ROOM, first_day=today, last_day=today + timedelta(7))[0]
    client.post(reverse("bookings:item", args=[station.slug]), {"item_title": "Vélo", "item_kind": "goods"})
    day = slot.local_starts_at.date().isoformat()
    client.post(reverse("bookings:slot", args=[station.slug]), {"day": day, "slot": slot.key})
    client.post(reverse("bookings:seller", args=[station.slug]), seller)


def test_a_buyer_who_read_an_older_version_is_shown_the_new_one_and_books_only_after_accepting_it(
    client, paris_11, officer, buyer, seller, charter
):
    client.force_login(buyer)
    _walk_to_review(client, paris_11, seller)
    review = reverse("bookings:review", args=[paris_11.slug])
    assert f'name="charter_version" value="{charter.pk}"' in client.get(review).text
    version_2 = _publish_version_2(charter)

    refused = client.post(review, {"accept_charter": "on", "charter_version": charter.pk}, follow=True)

    assert not Booking.objects.exists()
    page = refused.text
    assert "The charter changed while you were reading it: version 2 is now in force" in page
    assert "Version two of the charter." in page and f'name="charter_version" value="{version_2.pk}"' in page
    client.post(review, {"accept_charter": "on", "charter_version": version_2.pk})
    assert Booking.objects.get().buyer_charter_version == version_2


def test_a_form_that_does_not_say_which_version_was_read_books_nothing(
    client, paris_11, officer, buyer, seller, charter
):
    client.force_login(buyer)
    _walk_to_review(client, paris_11, seller)

    response = client.post(reverse("bookings:review", args=[paris_11.slug]), {"accept_charter": "on"})

    assert response.status_code == 200
    assert "Reload the page: the form did not say which charter you read." in response.text
    assert not Booking.objects.exists()


def test_a_seller_who_read_an_older_version_is_refused_and_accepts_the_new_one(
    client, paris_11, officer, buyer, seller, charter
):
    starts_at = station_free_slots(
        station=paris_11,
        kind=SpaceKind.ROOM,
        first_day=timezone.localdate(timezone.now(), paris_11.zone),
        last_day=timezone.localdate(timezone.now(), paris_11.zone) + timedelta(7),
    )[0].starts_at
    booking = booking_create(buyer=buyer, station=paris_11, starts_at=starts_at, item_title="Vélo", **seller)
    url = seller_invite_path(booking)
    assert f'name="charter_version" value="{charter.pk}"' in client.get(url).text
    version_2 = _publish_version_2(charter)

    refused = client.post(url, seller_accepted(charter_version=charter.pk), follow=True)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING
    assert "version 2 is now in force" in refused.text and "Version two of the charter." in refused.text
    client.post(url, seller_accepted(charter_version=version_2.pk))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert (booking.buyer_charter_version, booking.seller_charter_version) == (charter, version_2)
