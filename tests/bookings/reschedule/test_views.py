"""Reschedule over HTTP: the buyer's picker, the seller's signed move link, the buyer's one click."""

from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from bookings.links import SELLER_MOVE, link_path, seller_invite_path
from bookings.models import Booking, EventKind
from bookings.reschedule import booking_move_request, booking_times_propose
from tests.bookings.lifecycle.helpers import SLOT, S
from tests.charter_forms import charter_accepted

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
NEW_SLOT = SLOT + HOUR


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


def _key(moment):
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _move_url(booking):
    return reverse("bookings:move", kwargs={"reference": booking.reference, "slug": booking.station.slug})


def test_the_booking_page_offers_to_move_it(buyer_client, confirmed):
    page = buyer_client.get(reverse("bookings:detail", args=[confirmed.reference])).content.decode()
    assert reverse("bookings:move-start", args=[confirmed.reference]) in page


def test_the_buyer_picks_a_new_slot_and_the_seller_is_emailed_a_move_link(
    buyer_client, confirmed, django_capture_on_commit_callbacks
):
    picker = buyer_client.get(_move_url(confirmed), {"day": NEW_SLOT.date().isoformat()})
    offered = [s.key for s in picker.context["day_slots"]]
    assert _key(NEW_SLOT) in offered and _key(SLOT) not in offered  # its own time is no move

    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(_move_url(confirmed), {"day": NEW_SLOT.date().isoformat(), "slot": _key(NEW_SLOT)})

    assert response.status_code == 302
    assert Booking.objects.get(moves=confirmed).starts_at == NEW_SLOT
    confirmed.refresh_from_db()
    to_seller = [m for m in mail.outbox if m.to == [confirmed.seller_email]]
    assert len(to_seller) == 1
    assert link_path(SELLER_MOVE, confirmed) in to_seller[0].body
    assert "10:00" in to_seller[0].body and "11:00" in to_seller[0].body
    detail = buyer_client.get(reverse("bookings:detail", args=[confirmed.reference])).content.decode()
    assert "You asked to move this booking" in detail


def test_another_buyer_cannot_move_the_booking(client, other_buyer, confirmed):
    client.force_login(other_buyer)
    assert client.get(_move_url(confirmed)).status_code == 404
    assert client.post(_move_url(confirmed), {"slot": _key(NEW_SLOT)}).status_code == 404
    assert not Booking.objects.filter(moves=confirmed).exists()


def test_a_move_row_has_no_page_of_its_own(buyer_client, buyer, confirmed, paris_11):
    move = booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT)
    assert buyer_client.get(reverse("bookings:detail", args=[move.reference])).status_code == 404
    assert move.reference not in buyer_client.get(reverse("bookings:mine")).content.decode()


def test_the_seller_accepts_through_the_move_link(client, buyer, confirmed, paris_11, charter):
    booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT)
    confirmed.refresh_from_db()
    url = link_path(SELLER_MOVE, confirmed)

    page = client.get(url)
    assert page.status_code == 200
    assert Booking.objects.get(pk=confirmed.pk).starts_at == SLOT  # a GET changes nothing
    response = client.post(url, {"action": "accept", **charter_accepted()})

    assert response.status_code == 302
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.starts_at) == (S.CONFIRMED, NEW_SLOT)
    # The link used, it opens nothing more.
    again = client.get(url)
    assert "no longer waiting for an answer" in again.content.decode()
    assert client.post(url, {"action": "accept", **charter_accepted()}).status_code == 200
    assert Booking.objects.get(pk=confirmed.pk).events.filter(kind=EventKind.MOVE_ACCEPTED).count() == 1


def test_the_seller_must_accept_the_charter_to_accept_the_move(client, buyer, confirmed, paris_11, charter):
    booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT)
    confirmed.refresh_from_db()

    response = client.post(link_path(SELLER_MOVE, confirmed), {"action": "accept"})

    assert response.status_code == 400
    assert Booking.objects.get(pk=confirmed.pk).starts_at == SLOT


def test_the_seller_keeps_the_current_time(client, buyer, confirmed, paris_11):
    booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT)
    confirmed.refresh_from_db()

    client.post(link_path(SELLER_MOVE, confirmed), {"action": "decline", "note": "Impossible"})

    confirmed.refresh_from_db()
    assert confirmed.starts_at == SLOT
    assert not Booking.objects.filter(moves=confirmed).exists()


def test_an_old_move_link_does_not_open_the_next_move(client, buyer, confirmed, paris_11):
    booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT)
    confirmed.refresh_from_db()
    old_url = link_path(SELLER_MOVE, confirmed)
    client.post(old_url, {"action": "decline"})
    booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT + HOUR)

    assert client.get(old_url).status_code == 404


def test_the_seller_proposes_times_and_the_buyer_takes_one_in_one_click(
    client, buyer_client, buyer, pending, paris_11, charter, django_capture_on_commit_callbacks
):
    proposals = [_key(SLOT + 3 * HOUR), _key(SLOT + 4 * HOUR)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            seller_invite_path(pending), {"action": "propose", "slots": proposals, **charter_accepted()}
        )
    assert response.status_code == 302
    assert mail.outbox[-1].to == [buyer.email]

    detail = buyer_client.get(reverse("bookings:detail", args=[pending.reference])).content.decode()
    assert detail.count('action="' + reverse("bookings:take-proposal", args=[pending.reference]) + '"') == 2
    response = buyer_client.post(reverse("bookings:take-proposal", args=[pending.reference]), {"slot": proposals[1]})

    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.starts_at) == (S.CONFIRMED, SLOT + 4 * HOUR)


def test_four_times_cannot_be_proposed(client, pending, charter):
    proposals = [_key(SLOT + n * HOUR) for n in range(2, 6)]
    response = client.post(seller_invite_path(pending), {"action": "propose", "slots": proposals, **charter_accepted()})

    assert response.status_code == 400
    assert "at most three" in response.content.decode()
    pending.refresh_from_db()
    assert pending.seller_proposals == []


def test_a_time_not_proposed_cannot_be_taken(buyer_client, pending, charter):
    booking_times_propose(booking=pending, starts=[SLOT + 3 * HOUR], charter_version=charter)

    buyer_client.post(reverse("bookings:take-proposal", args=[pending.reference]), {"slot": _key(SLOT + 5 * HOUR)})

    pending.refresh_from_db()
    assert (pending.status, pending.starts_at) == (S.PENDING, SLOT)
