"""The booking lifecycle (bookings.services), every move the lifecycle does not have is refused and writes nothing."""

from datetime import timedelta

import pytest
from django.core import mail

from bookings.exceptions import (
    InvalidTransition,
)
from bookings.models import Booking, BookingEvent
from bookings.services import (
    Actor,
    booking_accept,
    booking_cancel,
    booking_check_in,
    booking_decline,
    booking_expire,
    booking_mark_no_show,
    booking_record_outcome,
)
from stations.models import SpaceKind
from tests import factories
from tests.factories import SELLER_NAMES

from .helpers import NOW, SLOT, S

pytestmark = pytest.mark.django_db


# --- invalid transitions ----------------------------------------------------------------------


def _staff(request):
    return request.getfixturevalue("staff_11e")


ACTIONS = {
    "accept": (
        lambda b, r: booking_accept(**SELLER_NAMES, booking=b, charter_version=r.getfixturevalue("charter")),
        {S.PENDING},
    ),
    "decline": (lambda b, r: booking_decline(booking=b), {S.PENDING}),
    # Only once the deadline has passed: see test_a_hold_cannot_be_expired_before_its_deadline.
    "expire": (lambda b, r: booking_expire(booking=b, now=b.hold_expires_at), {S.PENDING}),
    "cancel": (lambda b, r: booking_cancel(booking=b, role=Actor.BUYER, reason="x"), {S.PENDING, S.CONFIRMED}),
    "check_in": (lambda b, r: booking_check_in(booking=b, user=_staff(r)), {S.CONFIRMED}),
    "outcome": (
        lambda b, r: booking_record_outcome(booking=b, outcome=S.COMPLETED, user=_staff(r)),
        {S.CHECKED_IN},
    ),
    "no_show": (lambda b, r: booking_mark_no_show(booking=b, user=_staff(r)), {S.CONFIRMED}),
}

INVALID = [
    pytest.param(action, status, id=f"{action}-from-{status}")
    for action, (_, allowed) in ACTIONS.items()
    for status in S.values
    if status not in allowed
]


@pytest.fixture
def booking_in(paris_11, buyer, charter):
    def make(status):
        room = paris_11.spaces.get(kind=SpaceKind.ROOM)
        return factories.BookingFactory(
            station=paris_11,
            space=room,
            buyer=buyer,
            starts_at=SLOT,
            ends_at=SLOT + timedelta(minutes=30),
            hold_expires_at=NOW + timedelta(hours=24),
            buyer_charter_version=charter,
            status=status,
        )

    return make


@pytest.mark.parametrize(("action", "status"), INVALID)
def test_every_invalid_transition_raises_and_writes_no_event(
    request, booking_in, django_capture_on_commit_callbacks, action, status
):
    booking = booking_in(status)
    run, _ = ACTIONS[action]

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(InvalidTransition):
        run(booking, request)

    booking.refresh_from_db()
    assert booking.status == status
    assert booking.seller_charter_version is None
    assert booking.cancel_reason == ""
    assert BookingEvent.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


@pytest.mark.parametrize("outcome", [S.CANCELLED, S.CONFIRMED, S.NO_SHOW, "bogus"])
def test_an_outcome_that_is_not_an_outcome_is_refused(booking_in, staff_11e, outcome):
    booking = booking_in(S.CHECKED_IN)

    with pytest.raises(InvalidTransition):
        booking_record_outcome(booking=booking, outcome=outcome, user=staff_11e)

    booking.refresh_from_db()
    assert booking.status == S.CHECKED_IN
    assert BookingEvent.objects.count() == 0


def test_a_stale_instance_cannot_undo_a_newer_answer(pending, charter, buyer):
    stale = Booking.objects.get(pk=pending.pk)
    booking_cancel(booking=pending, role=Actor.BUYER, user=buyer, reason="Annulé")

    # The seller's page loaded the booking before the buyer cancelled.
    stale_status = stale.status
    with pytest.raises(InvalidTransition):
        booking_accept(**SELLER_NAMES, booking=stale, charter_version=charter)

    assert stale_status == S.PENDING
    pending.refresh_from_db()
    assert pending.status == S.CANCELLED
    assert pending.events.count() == 2
