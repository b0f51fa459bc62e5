"""Invitations are not a mail relay (bookings.invitations): caps per buyer and per recipient, no self-invitation."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from bookings.drafts import draft_get
from bookings.exceptions import SellerInvitedTooOften, SellerIsBuyer, TooManyInvitations
from bookings.models import Booking, BookingEvent, CancelCause
from bookings.selectors import station_free_slots
from bookings.services import Actor, booking_cancel, booking_create
from charter.models import BookingCharterReview
from stations.models import SpaceKind
from tests import factories
from tests.bookings.test_race import run_together
from tests.clock import pinned_clock
from tests.conftest import _staffed_station

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# Wednesday 2026-06-10, 08:00 in Paris, pinned before any fixture runs (the
# officer's shifts start today).
NOW = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)
FRIDAY = date(2026, 6, 12)


_pinned_clock = pinned_clock(NOW)


@pytest.fixture
def caps(settings):
    settings.BOOKINGS_INVITATIONS_PER_BUYER_PER_DAY = 4
    settings.BOOKINGS_INVITATIONS_PER_RECIPIENT_PER_DAY = 3
    return settings


def _slots(station, count):
    slots = station_free_slots(station=station, kind=SpaceKind.ROOM, first_day=FRIDAY, last_day=FRIDAY)
    assert len(slots) >= count
    return [slot.starts_at for slot in slots[:count]]


def _book(buyer, station, starts_at, seller_email, **extra):
    return booking_create(
        buyer=buyer,
        station=station,
        starts_at=starts_at,
        item_title="Vélo de course",
        seller_email=seller_email,
        seller_name="Camille Vendeur",
        **extra,
    )


def _written():
    tables = (Booking, BookingEvent, BookingCharterReview)
    return (*(table.objects.count() for table in tables), len(mail.outbox))


def test_cancelling_gives_no_invitation_back(
    buyer, paris_11, officer, charter, caps, django_capture_on_commit_callbacks
):
    slots = _slots(paris_11, 5)
    for n, starts_at in enumerate(slots[:4]):
        booking = _book(buyer, paris_11, starts_at, f"seller{n}@example.net")
        booking_cancel(booking=booking, role=Actor.BUYER, user=buyer, reason="Plus besoin")
    before = _written()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TooManyInvitations) as refused:
        _book(buyer, paris_11, slots[4], "someone.else@example.net")

    assert "4" in refused.value.message
    assert _written() == before  # no booking, no event, no charter review, no email


def test_the_buyer_cap_is_a_rolling_24_hours(buyer, paris_11, officer, charter, caps):
    slots = _slots(paris_11, 6)
    first = _book(buyer, paris_11, slots[0], "seller0@example.net")
    booking_cancel(booking=first, role=Actor.BUYER, user=buyer, reason="Plus besoin")
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        for n, starts_at in enumerate(slots[1:4], start=1):
            booking = _book(buyer, paris_11, starts_at, f"seller{n}@example.net")
            booking_cancel(booking=booking, role=Actor.BUYER, user=buyer, reason="Plus besoin")
    with time_machine.travel(NOW + timedelta(hours=23, minutes=59), tick=False):
        with pytest.raises(TooManyInvitations) as refused:
            _book(buyer, paris_11, slots[4], "seller4@example.net")
        # The buyer is told when: 24 hours after the oldest invitation, station time.
        assert "June 11, 2026, 8 a.m." in refused.value.message

    with time_machine.travel(NOW + timedelta(hours=24, minutes=1), tick=False):
        assert _book(buyer, paris_11, slots[4], "seller4@example.net").pk
        with pytest.raises(TooManyInvitations):
            _book(buyer, paris_11, slots[5], "seller5@example.net")


def test_one_address_is_invited_three_times_a_day_whoever_invites_and_however_spelled(
    paris_11, officer, charter, caps, django_capture_on_commit_callbacks
):
    buyers = [factories.UserFactory(email=f"buyer{n}@example.org") for n in range(4)]
    slots = _slots(paris_11, 5)
    spellings = ["Seller@Example.net", "seller+velo@example.net", "SELLER+x@EXAMPLE.NET"]
    for buyer, starts_at, spelling in zip(buyers, slots, spellings, strict=False):
        booking = _book(buyer, paris_11, starts_at, spelling)
        booking_cancel(booking=booking, role=Actor.BUYER, user=buyer, reason="Plus besoin")
    before = _written()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SellerInvitedTooOften):
        _book(buyers[3], paris_11, slots[3], "seller@example.net")

    assert _written() == before
    # Another mailbox of the same domain is not this one.
    assert _book(buyers[3], paris_11, slots[3], "seller.two@example.net").pk


def test_gmail_dots_and_its_two_domains_are_one_recipient(paris_11, officer, charter, caps):
    buyers = [factories.UserFactory(email=f"buyer{n}@example.org") for n in range(4)]
    slots = _slots(paris_11, 4)
    for buyer, starts_at, spelling in zip(
        buyers, slots, ["jane.doe@gmail.com", "JaneDoe@googlemail.com", "j.a.n.e.d.o.e+shop@gmail.com"], strict=False
    ):
        _book(buyer, paris_11, starts_at, spelling)

    with pytest.raises(SellerInvitedTooOften):
        _book(buyers[3], paris_11, slots[3], "janedoe@GMAIL.com")


def test_a_unicode_domain_and_its_ascii_form_are_one_recipient(paris_11, officer, charter, caps):
    buyers = [factories.UserFactory(email=f"buyer{n}@example.org") for n in range(4)]
    slots = _slots(paris_11, 4)
    for buyer, starts_at, spelling in zip(
        buyers, slots, ["vendeur@été.fr", "Vendeur@xn--t-9fab.fr", "vendeur+velo@été.FR"], strict=False
    ):
        _book(buyer, paris_11, starts_at, spelling)

    with pytest.raises(SellerInvitedTooOften):
        _book(buyers[3], paris_11, slots[3], "vendeur@XN--T-9FAB.fr")


def test_the_defaults_are_ten_a_buyer_and_three_a_recipient(settings):
    assert settings.BOOKINGS_INVITATIONS_PER_BUYER_PER_DAY == 10
    assert settings.BOOKINGS_INVITATIONS_PER_RECIPIENT_PER_DAY == 3


@pytest.mark.parametrize(
    "seller_email", ["buyer@example.org", "Buyer@Example.ORG", "buyer+shop@example.org", " BUYER+x@example.org "]
)
def test_the_buyer_cannot_be_their_own_seller(buyer, paris_11, officer, charter, seller_email):
    with pytest.raises(SellerIsBuyer):
        _book(buyer, paris_11, _slots(paris_11, 1)[0], seller_email)

    assert not Booking.objects.exists()


def test_a_gmail_buyer_cannot_invite_a_dotted_spelling_of_their_address(paris_11, officer, charter):
    buyer = factories.UserFactory(email="jane.doe@gmail.com")

    with pytest.raises(SellerIsBuyer):
        _book(buyer, paris_11, _slots(paris_11, 1)[0], "JaneDoe+shop@googlemail.com")


def _station_cancelled(buyer, station, starts_at, seller_email, staff):
    booking = _book(buyer, station, starts_at, seller_email)
    return booking_cancel(booking=booking, role=Actor.STAFF, user=staff, reason="Fermeture", cause=CancelCause.CLOSURE)


def test_a_priority_rebooking_of_the_same_seller_is_not_counted(buyer, paris_11, officer, charter, caps, staff_11e):
    slots = _slots(paris_11, 6)
    cancelled = _station_cancelled(buyer, paris_11, slots[0], "seller@example.net", staff_11e)
    for starts_at, seller_email in ((slots[1], "seller+again@example.net"), (slots[2], "other@example.net")):
        booking = _book(buyer, paris_11, starts_at, seller_email)
        booking_cancel(booking=booking, role=Actor.BUYER, user=buyer, reason="Plus besoin")
    # The buyer is at 3 of 4, the seller at 2 of 3: the rebooking leaves both where they are.
    rebooked = _book(buyer, paris_11, slots[3], "Seller@example.net", rebooked_from=cancelled)
    assert rebooked.rebooked_from == cancelled

    _book(buyer, paris_11, slots[4], "seller@example.net")  # the seller's 3rd, the buyer's 4th
    with pytest.raises(TooManyInvitations):
        _book(buyer, paris_11, slots[5], "third@example.net")


def test_a_priority_rebooking_naming_another_seller_is_an_ordinary_invitation(
    buyer, paris_11, officer, charter, caps, staff_11e
):
    slots = _slots(paris_11, 5)
    cancelled = _station_cancelled(buyer, paris_11, slots[0], "seller@example.net", staff_11e)
    for n, starts_at in enumerate(slots[1:4], start=1):
        booking = _book(buyer, paris_11, starts_at, f"seller{n}@example.net")
        booking_cancel(booking=booking, role=Actor.BUYER, user=buyer, reason="Plus besoin")

    with pytest.raises(TooManyInvitations):
        _book(buyer, paris_11, slots[4], "somebody@example.net", rebooked_from=cancelled)


# --- the wizard: told at the seller step, before the last one ----------------------------------


def _walk_to_seller_step(client, station, starts_at):
    response = client.post(
        reverse("bookings:item", args=[station.slug]),
        {"item_title": "Vélo de course", "item_description": "", "item_kind": "goods"},
    )
    assert response.status_code == 302
    local = starts_at.astimezone(station.zone)
    response = client.post(
        reverse("bookings:slot", args=[station.slug]),
        {"day": local.date().isoformat(), "slot": starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("bookings:seller", args=[station.slug])


def test_the_wizard_says_the_buyer_cap_is_reached_at_the_seller_step(client, buyer, paris_11, officer, charter, caps):
    slots = _slots(paris_11, 5)
    for n, starts_at in enumerate(slots[:4]):
        booking = _book(buyer, paris_11, starts_at, f"seller{n}@example.net")
        booking_cancel(booking=booking, role=Actor.BUYER, user=buyer, reason="Plus besoin")
    client.force_login(buyer)
    _walk_to_seller_step(client, paris_11, slots[4])

    response = client.post(
        reverse("bookings:seller", args=[paris_11.slug]),
        {"seller_email": "new.seller@example.net", "seller_name": "Camille"},
    )

    assert response.status_code == 200  # the seller step again, not the review
    page = response.content.decode()
    assert "You have sent as many invitations as allowed in 24 hours (4, cancelled bookings included)" in page
    assert "seller" not in draft_get(buyer=buyer, station=paris_11)
    assert Booking.objects.count() == 4


def test_the_wizard_says_the_recipient_cap_is_reached_at_the_seller_step(
    client, buyer, paris_11, officer, charter, caps
):
    slots = _slots(paris_11, 4)
    for n, starts_at in enumerate(slots[:3]):
        _book(factories.UserFactory(), paris_11, starts_at, f"popular+{n}@example.net")
    client.force_login(buyer)
    _walk_to_seller_step(client, paris_11, slots[3])

    response = client.post(
        reverse("bookings:seller", args=[paris_11.slug]),
        {"seller_email": "Popular@Example.net", "seller_name": "Camille"},
    )

    assert response.status_code == 200
    assert "This seller&#x27;s address has received as many invitations" in response.content.decode()
    assert "seller" not in draft_get(buyer=buyer, station=paris_11)


@pytest.mark.parametrize("seller_email", ["Buyer+shop@example.org", "BUYER@EXAMPLE.ORG"])
def test_the_wizard_refuses_a_spelling_of_the_buyers_own_address(
    client, buyer, paris_11, officer, charter, seller_email
):
    client.force_login(buyer)
    _walk_to_seller_step(client, paris_11, _slots(paris_11, 1)[0])

    response = client.post(
        reverse("bookings:seller", args=[paris_11.slug]), {"seller_email": seller_email, "seller_name": "Moi"}
    )

    assert response.status_code == 200
    assert "The seller&#x27;s email must not be your own." in response.content.decode()


# --- under real concurrency (PostgreSQL) ---------------------------------------------------


@pytest.mark.postgres
def test_buyers_racing_at_several_stations_invite_one_address_no_more_than_the_cap(
    transactional_db, on_postgres, charter, caps
):
    # One station each: the station's row lock would otherwise serialise them
    # and hide the race between different buyers' locks.
    stations = [_staffed_station(f"race-{n}", f"Commissariat {n}") for n in range(6)]
    buyers = [factories.UserFactory(email=f"racer{n}@example.org") for n in range(6)]
    friday_ten = datetime(2026, 6, 12, 10, 0, tzinfo=PARIS)

    def attempt(n):
        return booking_create(
            buyer=buyers[n],
            station=stations[n],
            starts_at=friday_ten,
            item_title="Renault Clio",
            item_kind="vehicle",
            vehicle_plate=f"AB-12{n}-CD",
            seller_email=f"Popular+{n}@Example.net",
            seller_name="Camille",
        )

    results = run_together(attempt, count=6)

    assert sum(isinstance(result, Booking) for result in results) == 3, results
    assert sum(isinstance(result, SellerInvitedTooOften) for result in results) == 3, results
