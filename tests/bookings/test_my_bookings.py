"""My bookings: upcoming (soonest first) and past (most recent first), and "book again" from one that did not happen."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from bookings.drafts import draft_get, draft_save
from bookings.models import BookingDraft, BookingStatus
from bookings.selectors import buyer_bookings_by_time
from stations.models import SpaceKind
from tests import factories

S = BookingStatus
pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)  # Wednesday 10:00 in Paris
MINE = reverse("bookings:mine")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def booking_at(paris_11, buyer, charter):
    def make(hours, status, *, title="Vélo de course", hold_hours=24, **fields):
        starts_at = NOW + timedelta(hours=hours)
        return factories.BookingFactory(
            station=paris_11,
            space=paris_11.spaces.get(kind=SpaceKind.ROOM),
            buyer=buyer,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=30),
            hold_expires_at=min(NOW + timedelta(hours=hold_hours), starts_at - timedelta(hours=2)),
            status=status,
            item_title=title,
            buyer_charter_version=charter,
            **fields,
        )

    return make


@pytest.fixture
def history(booking_at):
    """Buyer's bookings in a jumbled order of creation: what each one is, by name."""
    return {
        "confirmed_in_3_days": booking_at(72, S.CONFIRMED),
        "completed_2_days_ago": booking_at(-48, S.COMPLETED),
        "pending_tomorrow": booking_at(26, S.PENDING),
        "lapsed_in_2_days": booking_at(48, S.PENDING, hold_hours=-1),  # its hold is over: expired
        "cancelled_in_5_days": booking_at(120, S.CANCELLED),
        "declined_yesterday": booking_at(-24, S.DECLINED),
        "checked_in_now": booking_at(-0.25, S.CHECKED_IN),  # started 15 minutes ago, ends in 15
        "confirmed_over": booking_at(-3, S.CONFIRMED),  # ended, outcome not recorded yet
    }


def test_upcoming_bookings_come_soonest_first_and_past_ones_most_recent_first(buyer, history, other_buyer):
    factories.BookingFactory(buyer=other_buyer, status=S.CONFIRMED)  # someone else's

    split = buyer_bookings_by_time(buyer=buyer, now=NOW)

    names = {booking.pk: name for name, booking in history.items()}
    assert [names[b.pk] for b in split.upcoming] == ["checked_in_now", "pending_tomorrow", "confirmed_in_3_days"]
    assert [names[b.pk] for b in split.past] == [
        "cancelled_in_5_days",
        "lapsed_in_2_days",
        "confirmed_over",
        "declined_yesterday",
        "completed_2_days_ago",
    ]


def test_the_page_shows_both_groups_with_book_again_on_what_did_not_happen(
    client, buyer, history, django_assert_max_num_queries
):
    client.force_login(buyer)

    with django_assert_max_num_queries(3):  # the user, the bookings with their stations and spaces
        response = client.get(MINE)
    page = response.content.decode()

    upcoming, past = page.split('id="sx-past"')
    for name in ("checked_in_now", "pending_tomorrow", "confirmed_in_3_days"):
        assert history[name].reference in upcoming
    assert upcoming.index(history["pending_tomorrow"].reference) < upcoming.index(
        history["confirmed_in_3_days"].reference
    )
    again = {
        name for name, booking in history.items() if reverse("bookings:book-again", args=[booking.reference]) in page
    }
    assert again == {"cancelled_in_5_days", "lapsed_in_2_days", "declined_yesterday"}
    assert history["completed_2_days_ago"].reference in past


def test_the_page_costs_the_same_queries_for_many_bookings(client, buyer, booking_at, django_assert_max_num_queries):
    for hours in range(30, 30 + 24 * 20, 24):
        booking_at(hours, S.CANCELLED)
    client.force_login(buyer)

    with django_assert_max_num_queries(3):
        assert client.get(MINE).status_code == 200


def test_book_again_starts_the_wizard_with_the_same_item_and_station(client, buyer, paris_11, booking_at, charter):
    declined = booking_at(
        -24, S.DECLINED, title="Guitare Yamaha", item_description="Avec son étui", listing_url="https://example.org/1"
    )
    draft_save(buyer=buyer, station=paris_11, seller={"seller_email": "old@example.net", "seller_name": "Old"})
    client.force_login(buyer)

    response = client.post(reverse("bookings:book-again", args=[declined.reference]))

    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:item", args=[paris_11.slug])
    draft = draft_get(buyer=buyer, station=paris_11)
    assert draft == {
        "item": {
            "item_title": "Guitare Yamaha",
            "item_description": "Avec son étui",
            "item_kind": "goods",
            "vehicle_plate": "",
            "listing_url": "https://example.org/1",
        }
    }  # no seller, no slot, no priority: an ordinary new booking
    page = client.get(response["Location"]).content.decode()
    assert 'value="Guitare Yamaha"' in page
    assert "Avec son étui" in page


@pytest.mark.parametrize("status", [S.CANCELLED, S.EXPIRED])
def test_book_again_works_for_cancelled_and_expired_bookings(client, buyer, paris_11, booking_at, status):
    booking = booking_at(-24, status)
    client.force_login(buyer)

    response = client.post(reverse("bookings:book-again", args=[booking.reference]))

    assert response["Location"] == reverse("bookings:item", args=[paris_11.slug])
    assert draft_get(buyer=buyer, station=paris_11)["item"]["item_title"] == "Vélo de course"


def test_book_again_is_refused_for_a_booking_still_on(client, buyer, paris_11, booking_at):
    confirmed = booking_at(72, S.CONFIRMED)
    client.force_login(buyer)

    response = client.post(reverse("bookings:book-again", args=[confirmed.reference]))

    assert response["Location"] == MINE
    assert "cannot be made again" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert not BookingDraft.objects.exists()


def test_book_again_is_a_404_for_someone_elses_booking_and_a_get_changes_nothing(
    client, buyer, other_buyer, booking_at
):
    declined = booking_at(-24, S.DECLINED)

    client.force_login(other_buyer)
    assert client.post(reverse("bookings:book-again", args=[declined.reference])).status_code == 404
    client.force_login(buyer)
    assert client.get(reverse("bookings:book-again", args=[declined.reference])).status_code == 405
    assert not BookingDraft.objects.exists()


def test_book_again_is_refused_once_the_station_no_longer_books(client, buyer, paris_11, booking_at):
    declined = booking_at(-24, S.DECLINED)
    paris_11.is_active = False
    paris_11.save(update_fields=["is_active"])
    client.force_login(buyer)

    response = client.post(reverse("bookings:book-again", args=[declined.reference]))

    assert response["Location"] == MINE
    assert not BookingDraft.objects.exists()


def test_the_booking_page_offers_book_again_for_a_declined_booking(client, buyer, booking_at):
    declined, confirmed = booking_at(-24, S.DECLINED), booking_at(72, S.CONFIRMED)
    client.force_login(buyer)

    declined_page = client.get(reverse("bookings:detail", args=[declined.reference])).content.decode()
    confirmed_page = client.get(reverse("bookings:detail", args=[confirmed.reference])).content.decode()

    assert reverse("bookings:book-again", args=[declined.reference]) in declined_page
    assert reverse("bookings:book-again", args=[confirmed.reference]) not in confirmed_page
