"""The booking lifecycle (bookings.services), at the station: check-in, the outcome, the no-show."""

import pytest

from bookings.exceptions import (
    SlotUnavailable,
)
from bookings.services import (
    Actor,
    booking_check_in,
    booking_mark_no_show,
    booking_record_outcome,
)

from .helpers import S, book, statuses

pytestmark = pytest.mark.django_db


# --- at the station ---------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", [S.COMPLETED, S.ABORTED, S.INCIDENT])
def test_check_in_then_the_officer_records_the_outcome(confirmed, staff_11e, outcome):
    booking_check_in(booking=confirmed, user=staff_11e)
    confirmed.refresh_from_db()
    assert confirmed.status == S.CHECKED_IN

    booking_record_outcome(booking=confirmed, outcome=outcome, user=staff_11e, note="RAS")

    confirmed.refresh_from_db()
    assert confirmed.status == outcome
    assert statuses(confirmed) == [
        ("", S.PENDING),
        (S.PENDING, S.CONFIRMED),
        (S.CONFIRMED, S.CHECKED_IN),
        (S.CHECKED_IN, outcome),
    ]
    assert [e.actor_role for e in confirmed.events.all()] == ["buyer", "seller", "staff", "staff"]
    assert confirmed.events.last().actor == staff_11e
    assert confirmed.events.last().note == "RAS"


def test_a_confirmed_booking_nobody_came_to_is_a_no_show(confirmed, staff_11e):
    booking_mark_no_show(booking=confirmed, user=staff_11e)

    confirmed.refresh_from_db()
    assert confirmed.status == S.NO_SHOW
    assert confirmed.events.last().actor_role == Actor.STAFF


def test_a_checked_in_booking_still_holds_its_slot(confirmed, other_buyer, paris_11, seller, staff_11e):
    booking_check_in(booking=confirmed, user=staff_11e)

    with pytest.raises(SlotUnavailable):
        book(other_buyer, paris_11, seller)
