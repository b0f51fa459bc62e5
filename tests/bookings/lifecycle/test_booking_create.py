"""booking_create (bookings.services): a pending booking, its event and its emails, and every refusal."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from bookings.exceptions import (
    CharterViolation,
    SellerIsBuyer,
    SlotUnavailable,
    TooManyActiveBookings,
)
from bookings.links import seller_invite_path, seller_token
from bookings.models import REFERENCE_ALPHABET, Booking, BookingEvent, ItemKind, new_reference
from bookings.services import (
    Actor,
    booking_accept,
    booking_cancel,
    booking_create,
)
from stations.models import SpaceKind
from tests import factories
from tests.factories import SELLER_NAMES

from .helpers import NOW, PARIS, REFERENCE, SAME_DAY_SLOT, SLOT, S, book, recipients

pytestmark = pytest.mark.django_db


# --- booking_create ---------------------------------------------------------------------------


def test_booking_create_makes_a_pending_booking_on_the_room(buyer, paris_11, officer, charter, seller):
    booking = book(buyer, paris_11, seller)

    booking.refresh_from_db()
    assert booking.status == S.PENDING
    assert booking.station == paris_11
    assert booking.space.kind == SpaceKind.ROOM
    assert booking.starts_at == SLOT
    assert booking.ends_at == SLOT + timedelta(minutes=30)
    assert booking.buyer == buyer
    assert booking.seller_email == seller["seller_email"]
    assert booking.seller_name == seller["seller_name"]
    assert booking.buyer_charter_version == charter
    assert booking.seller_charter_version is None
    assert booking.seller_answered_at is None


def test_booking_reference_is_sx_and_five_unambiguous_characters(pending):
    assert REFERENCE.match(pending.reference), pending.reference


def test_references_never_use_characters_that_are_misread_aloud():
    references = {new_reference() for _ in range(2000)}

    assert all(REFERENCE.match(r) for r in references)
    assert not set("".join(r[3:] for r in references)) & set("0O1IL5S2Z8B")
    assert set("".join(r[3:] for r in references)) == set(REFERENCE_ALPHABET)


def test_a_reference_already_taken_is_drawn_again_not_reported_as_a_taken_slot(
    buyer, other_buyer, paris_11, officer, charter, seller, monkeypatch
):
    first = book(buyer, paris_11, seller, starts_at=SLOT.replace(hour=10))
    draws = iter([first.reference, first.reference, "SX-CAFE9"])

    def unlucky_draw():
        return next(draws)

    # Whichever way booking_create draws a reference, it gets the taken one first.
    monkeypatch.setattr(Booking._meta.get_field("reference"), "_get_default", unlucky_draw)
    monkeypatch.setattr("bookings.services.new_reference", unlucky_draw, raising=False)

    second = book(other_buyer, paris_11, seller, starts_at=SLOT.replace(hour=11))

    assert second.reference == "SX-CAFE9"
    assert Booking.objects.count() == 2


def test_the_hold_lasts_the_stations_window_when_the_slot_is_far(pending, paris_11):
    assert paris_11.seller_window_hours == 24
    assert pending.hold_expires_at == NOW + timedelta(hours=24)


def test_the_hold_ends_two_hours_before_a_slot_that_is_near(buyer, paris_11, officer, charter, seller):
    booking = book(buyer, paris_11, seller, starts_at=SAME_DAY_SLOT)

    assert booking.hold_expires_at == SAME_DAY_SLOT - timedelta(hours=2)
    assert booking.hold_expires_at < NOW + timedelta(hours=24)


def test_booking_create_writes_one_event_by_the_buyer(pending, buyer):
    event = BookingEvent.objects.get(booking=pending)

    assert (event.from_status, event.to_status) == ("", S.PENDING)
    assert event.actor == buyer
    assert event.actor_role == Actor.BUYER
    assert event.at == NOW
    assert event.notified_at is None  # the on-commit task has not run


def test_booking_create_emails_the_seller_invite_and_the_buyer_after_commit(
    buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        booking = book(buyer, paris_11, seller)
        assert mail.outbox == []  # nothing leaves before the commit

    assert len(callbacks) == 1
    assert recipients() == sorted([buyer.email, seller["seller_email"]])
    invite = next(m for m in mail.outbox if m.to == [seller["seller_email"]])
    assert seller_invite_path(booking) in invite.body
    assert booking.reference in invite.body
    buyer_mail = next(m for m in mail.outbox if m.to == [buyer.email])
    assert seller_invite_path(booking) not in buyer_mail.body  # only the seller may answer
    assert all(m.alternatives and m.alternatives[0][1] == "text/html" for m in mail.outbox)
    assert BookingEvent.objects.get(booking=booking).notified_at is not None


def test_no_email_to_the_buyer_ever_carries_the_seller_link(
    buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks
):
    # With it, the buyer could accept on the seller's behalf.
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(buyer, paris_11, seller)
    with django_capture_on_commit_callbacks(execute=True):
        booking_accept(**SELLER_NAMES, booking=booking, charter_version=charter)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, role=Actor.BUYER, user=buyer, reason="Plus besoin")
    token = seller_token(booking)

    to_buyer = [m for m in mail.outbox if m.to == [buyer.email]]
    to_seller = [m for m in mail.outbox if m.to == [seller["seller_email"]]]
    assert len(to_buyer) == 3
    assert len(to_seller) == 3
    for message in to_buyer:
        assert token not in message.body
        assert token not in message.alternatives[0][0]
    invite = to_seller[0]
    assert token in invite.body
    assert token in invite.alternatives[0][0]


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("Couteau de chasse", "", "blade"),
        ("lave-linge", "", "bulky"),
        ("Appareil ménager", "Un Lave Linge presque neuf", "bulky"),
    ],
)
def test_a_forbidden_item_raises_charter_violation_and_writes_nothing(
    buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks, title, description, category
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(CharterViolation) as error:
        book(buyer, paris_11, seller, item_title=title, item_description=description)

    assert error.value.verdict.category == category
    assert str(error.value.message)
    assert Booking.objects.count() == 0
    assert BookingEvent.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_a_vehicle_gets_a_parking_bay_and_needs_no_officer(buyer, paris_11, charter, seller):
    booking = book(
        buyer, paris_11, seller, item_title="Renault Clio", item_kind=ItemKind.VEHICLE, vehicle_plate=" ab-123-cd "
    )

    assert booking.space.kind == SpaceKind.BAY
    assert booking.vehicle_plate == "AB-123-CD"
    assert booking.is_vehicle


def test_an_object_without_an_officer_on_shift_is_refused(buyer, paris_11, charter, seller):
    with pytest.raises(SlotUnavailable):
        book(buyer, paris_11, seller)

    assert Booking.objects.count() == 0


def test_second_booking_for_the_same_room_slot_is_refused(buyer, other_buyer, paris_11, officer, charter, seller):
    book(buyer, paris_11, seller)

    with pytest.raises(SlotUnavailable):
        book(other_buyer, paris_11, seller)

    assert Booking.objects.count() == 1


def test_second_booking_for_same_bay_is_refused(buyer, other_buyer, paris_11, charter, seller):
    vehicle = {"item_title": "Peugeot 208", "item_kind": ItemKind.VEHICLE, "vehicle_plate": "AA-001-AA"}
    book(buyer, paris_11, seller, **vehicle)

    with pytest.raises(SlotUnavailable):
        book(other_buyer, paris_11, seller, **vehicle)


def test_a_slot_outside_the_offer_is_refused(buyer, paris_11, officer, charter, seller):
    for starts_at in (
        datetime(2026, 6, 12, 10, 10, tzinfo=PARIS),  # not on the slot grid
        datetime(2026, 6, 12, 19, 0, tzinfo=PARIS),  # after closing time
        datetime(2026, 6, 10, 9, 0, tzinfo=PARIS),  # inside the lead time
        datetime(2026, 7, 10, 10, 0, tzinfo=PARIS),  # beyond the horizon
    ):
        with pytest.raises(SlotUnavailable):
            book(buyer, paris_11, seller, starts_at=starts_at)

    assert Booking.objects.count() == 0


def test_a_lapsed_hold_is_expired_and_its_slot_booked_again(
    buyer, other_buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks
):
    lapsed = book(buyer, paris_11, seller)
    later = lapsed.hold_expires_at + timedelta(minutes=1)

    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        booking = book(other_buyer, paris_11, seller)

    lapsed.refresh_from_db()
    assert lapsed.status == S.EXPIRED
    assert booking.status == S.PENDING
    assert booking.space == lapsed.space


def test_a_fourth_active_booking_for_the_same_buyer_is_refused(buyer, paris_11, officer, charter, seller):
    for hour in (10, 11, 12):
        book(buyer, paris_11, seller, starts_at=SLOT.replace(hour=hour))

    with pytest.raises(TooManyActiveBookings) as error:
        book(buyer, paris_11, seller, starts_at=SLOT.replace(hour=13))

    assert "3" in str(error.value.message)
    assert Booking.objects.filter(buyer=buyer).count() == 3


def test_the_active_booking_limit_counts_only_bookings_that_still_hold(
    buyer, other_buyer, paris_11, officer, charter, seller, settings
):
    settings.BOOKINGS_INVITATIONS_PER_RECIPIENT_PER_DAY = 10  # five invitations to one seller, not the point here
    first, *_ = (book(buyer, paris_11, seller, starts_at=SLOT.replace(hour=hour)) for hour in (10, 11, 12))
    book(other_buyer, paris_11, seller, starts_at=SLOT.replace(hour=14))  # someone else's does not count
    booking_cancel(booking=first, role=Actor.BUYER, user=buyer, reason="Plus besoin")

    fourth = book(buyer, paris_11, seller, starts_at=SLOT.replace(hour=13))

    assert fourth.status == S.PENDING


def test_a_lapsed_hold_does_not_count_towards_the_limit(buyer, paris_11, officer, charter, seller):
    for hour in (10, 11, 12):
        book(buyer, paris_11, seller, starts_at=SLOT.replace(hour=hour))

    with time_machine.travel(NOW + timedelta(hours=25), tick=False):
        # Every hold has lapsed; the sweep has not run.
        assert Booking.objects.filter(status=S.PENDING).count() == 3
        fourth = book(buyer, paris_11, seller, starts_at=SLOT.replace(hour=16))

    assert fourth.status == S.PENDING


@pytest.mark.parametrize("status", [S.CONFIRMED, S.CHECKED_IN])
def test_bookings_whose_slot_is_over_do_not_count_towards_the_limit(buyer, paris_11, officer, charter, seller, status):
    # The refusal tells the buyer to "wait until one is over": staff closing
    # the file (outcome, no-show) later must not keep the buyer locked out.
    room = paris_11.spaces.get(kind=SpaceKind.ROOM)
    for days in (1, 2, 3):
        starts_at = NOW - timedelta(days=days)
        factories.BookingFactory(
            station=paris_11,
            space=room,
            buyer=buyer,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=30),
            hold_expires_at=starts_at - timedelta(hours=2),
            buyer_charter_version=charter,
            status=status,
        )

    booking = book(buyer, paris_11, seller)

    assert booking.status == S.PENDING


def test_a_booking_under_way_still_counts_towards_the_limit(buyer, paris_11, officer, charter, seller):
    room = paris_11.spaces.get(kind=SpaceKind.ROOM)
    for minutes in (-10, 60 * 24, 60 * 25):  # one started ten minutes ago, two to come
        starts_at = NOW + timedelta(minutes=minutes)
        factories.BookingFactory(
            station=paris_11,
            space=room,
            buyer=buyer,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=30),
            hold_expires_at=NOW - timedelta(hours=3),
            buyer_charter_version=charter,
            status=S.CHECKED_IN if minutes < 0 else S.CONFIRMED,
        )

    with pytest.raises(TooManyActiveBookings):
        book(buyer, paris_11, seller)


@pytest.mark.parametrize("email", ["buyer@example.org", "  Buyer@Example.ORG "])
def test_naming_yourself_as_the_seller_is_refused(buyer, paris_11, officer, charter, email):
    with pytest.raises(SellerIsBuyer):
        booking_create(
            buyer=buyer, station=paris_11, starts_at=SLOT, item_title="Vélo", seller_email=email, seller_name="Moi"
        )

    assert Booking.objects.count() == 0
    assert BookingEvent.objects.count() == 0


def test_a_booking_made_in_a_transaction_that_rolls_back_sends_nothing(
    buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks
):
    # The rollback happens before the capture ends: a commit would run what is left.
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        book(buyer, paris_11, seller)
        raise RuntimeError("the surrounding work failed")

    assert callbacks == []
    assert mail.outbox == []
    assert Booking.objects.count() == 0
    assert BookingEvent.objects.count() == 0
