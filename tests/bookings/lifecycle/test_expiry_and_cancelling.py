"""The booking lifecycle (bookings.services), holds that expire, and bookings cancelled by a party or the station."""

from datetime import timedelta

import pytest

from bookings.exceptions import (
    InvalidTransition,
)
from bookings.services import (
    Actor,
    booking_cancel,
    booking_check_in,
    booking_expire,
    booking_record_outcome,
    bookings_expire_overdue,
)

from .helpers import S, recipients, statuses

pytestmark = pytest.mark.django_db


# --- expiry -----------------------------------------------------------------------------------


def test_the_sweep_expires_a_hold_after_its_deadline_and_tells_both(
    pending, buyer, seller, django_capture_on_commit_callbacks
):
    deadline = pending.hold_expires_at

    assert bookings_expire_overdue(now=deadline - timedelta(seconds=1)) == 0
    pending.refresh_from_db()
    assert pending.status == S.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_expire_overdue(now=deadline) == 1

    pending.refresh_from_db()
    assert pending.status == S.EXPIRED
    assert statuses(pending)[-1] == (S.PENDING, S.EXPIRED)
    assert pending.events.last().actor_role == Actor.SYSTEM
    assert recipients() == sorted([buyer.email, seller["seller_email"]])


def test_the_sweep_run_twice_expires_once(pending):
    later = pending.hold_expires_at + timedelta(minutes=5)

    assert bookings_expire_overdue(now=later) == 1
    assert bookings_expire_overdue(now=later) == 0

    assert pending.events.filter(to_status=S.EXPIRED).count() == 1


def test_the_sweep_leaves_answered_bookings_alone(confirmed):
    assert bookings_expire_overdue(now=confirmed.starts_at) == 0

    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED


def test_a_hold_cannot_be_expired_before_its_deadline(pending):
    with pytest.raises(InvalidTransition):
        booking_expire(booking=pending, now=pending.hold_expires_at - timedelta(seconds=1))

    assert pending.events.count() == 1


# --- cancelling -------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["pending", "confirmed"])
def test_the_buyer_can_cancel_a_pending_or_confirmed_booking(
    request, fixture, buyer, seller, django_capture_on_commit_callbacks
):
    booking = request.getfixturevalue(fixture)
    before = booking.status

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, role=Actor.BUYER, user=buyer, reason="Trouvé moins cher")

    booking.refresh_from_db()
    assert booking.status == S.CANCELLED
    assert booking.cancel_reason == "Trouvé moins cher"
    last = booking.events.last()
    assert (last.from_status, last.to_status, last.actor, last.actor_role) == (before, S.CANCELLED, buyer, "buyer")
    assert recipients() == sorted([buyer.email, seller["seller_email"]])


def test_staff_can_cancel_a_confirmed_booking(confirmed, staff_11e):
    booking_cancel(booking=confirmed, role=Actor.STAFF, user=staff_11e, reason="Commissariat fermé")

    confirmed.refresh_from_db()
    assert confirmed.status == S.CANCELLED
    assert confirmed.events.last().actor == staff_11e


def test_a_completed_booking_cannot_be_cancelled(confirmed, staff_11e, buyer):
    booking_check_in(booking=confirmed, user=staff_11e)
    booking_record_outcome(booking=confirmed, outcome=S.COMPLETED, user=staff_11e)
    events = confirmed.events.count()

    with pytest.raises(InvalidTransition):
        booking_cancel(booking=confirmed, role=Actor.BUYER, user=buyer, reason="Trop tard")

    confirmed.refresh_from_db()
    assert confirmed.status == S.COMPLETED
    assert confirmed.cancel_reason == ""
    assert confirmed.events.count() == events
