"""The proposed slot under real concurrency (PostgreSQL): a move holds it like any booking's hold."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bookings.exceptions import MoveUnavailable, SlotUnavailable
from bookings.models import Booking, BookingStatus
from bookings.reschedule import booking_move_accept, booking_move_decline, booking_move_request
from bookings.services import booking_accept, booking_create
from tests import factories
from tests.bookings.test_race import THREADS, run_together, tomorrows_first_slot

pytestmark = pytest.mark.postgres

S = BookingStatus


def _confirmed(buyer, station, starts_at, seller, charter):
    booking = booking_create(buyer=buyer, station=station, starts_at=starts_at, item_title="Console", **seller)
    return booking_accept(**factories.SELLER_NAMES, booking=booking, charter_version=charter)


def test_a_move_and_nineteen_buyers_racing_for_one_slot_leave_exactly_one_holder(
    transactional_db, on_postgres, paris_11, officer, charter, seller
):
    target = tomorrows_first_slot(paris_11)
    mover = factories.UserFactory(email="mover@example.org")
    booking = _confirmed(mover, paris_11, target.starts_at + timedelta(hours=2), seller, charter)
    racers = [factories.UserFactory(email=f"racer{i}@example.org") for i in range(THREADS)]

    def attempt(i):
        if i == 0:
            return booking_move_request(booking=booking, buyer=mover, station=paris_11, starts_at=target.starts_at)
        return booking_create(
            buyer=racers[i], station=paris_11, starts_at=target.starts_at, item_title="Livres", **seller
        )

    results = run_together(attempt)

    won = [r for r in results if isinstance(r, Booking)]
    assert len(won) == 1, results
    assert sum(isinstance(r, SlotUnavailable) for r in results) == THREADS - 1, results
    holders = Booking.objects.active().filter(starts_at=target.starts_at)
    assert holders.count() == 1
    booking.refresh_from_db()
    assert booking.starts_at == target.starts_at + timedelta(hours=2)  # the booking kept its own slot meanwhile


def test_twenty_bookings_moving_to_one_slot_give_one_move(
    transactional_db, on_postgres, paris_11, officer, charter, seller
):
    target = tomorrows_first_slot(paris_11, kind="bay")
    buyers = [factories.UserFactory(email=f"mover{i}@example.org") for i in range(THREADS)]
    day_after = timezone.localdate(timezone.now(), paris_11.zone) + timedelta(days=2)
    bays = [
        booking_create(
            buyer=buyers[i],
            station=paris_11,
            starts_at=target.starts_at + timedelta(days=1 + i // 10, minutes=30 * (i % 10)),
            item_title="Scooter",
            item_kind="vehicle",
            vehicle_plate=f"AB-{i:03d}-CD",
            seller_email=f"seller{i}@example.org",  # one invitation each: the caps per recipient stay out of it
            seller_name="Camille",
        )
        for i in range(THREADS)
    ]
    assert all(b.local_starts_at.date() >= day_after for b in bays)

    results = run_together(
        lambda i: booking_move_request(booking=bays[i], buyer=buyers[i], station=paris_11, starts_at=target.starts_at)
    )

    assert sum(isinstance(r, Booking) for r in results) == 1, results
    assert sum(isinstance(r, SlotUnavailable) for r in results) == THREADS - 1, results
    assert Booking.objects.filter(moves__isnull=False).count() == 1


def test_the_seller_accepting_and_declining_at_once_answer_once(
    transactional_db, on_postgres, paris_11, officer, charter, seller, buyer
):
    slot = tomorrows_first_slot(paris_11)
    booking = _confirmed(buyer, paris_11, slot.starts_at, seller, charter)
    booking_move_request(booking=booking, buyer=buyer, station=paris_11, starts_at=slot.starts_at + timedelta(hours=1))

    def attempt(i):
        if i % 2:
            return booking_move_accept(booking=booking, charter_version=charter)
        return booking_move_decline(booking=booking)

    results = run_together(attempt, count=8)

    assert sum(isinstance(r, Booking) for r in results) == 1, results
    assert sum(isinstance(r, MoveUnavailable) for r in results) == 7, results
    assert not Booking.objects.filter(moves=booking).exists()
    assert booking.events.exclude(kind="").count() == 2  # requested, then one answer
    with connection.cursor() as cursor:  # the exclusion constraint holds after it all
        cursor.execute("SELECT COUNT(*) FROM bookings_booking WHERE status IN ('pending', 'confirmed')")
        assert cursor.fetchone()[0] == 1
