"""The booking lifecycle (bookings.services), the seller's answer: accept or decline, before the deadline."""

from datetime import timedelta

import icalendar
import pytest
import time_machine
from django.core import mail

from bookings.exceptions import (
    CharterViolation,
    InvalidTransition,
)
from bookings.services import (
    Actor,
    booking_accept,
    booking_decline,
)
from tests import factories
from tests.factories import SELLER_NAMES

from .helpers import NOW, SLOT, S, attachment, book, recipients, statuses

pytestmark = pytest.mark.django_db


# --- the seller answers -----------------------------------------------------------------------


def test_accept_confirms_and_records_the_sellers_charter_version(pending, charter):
    booking = booking_accept(**SELLER_NAMES, booking=pending, charter_version=charter)

    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED
    assert booking.seller_charter_version == charter
    assert booking.seller_answered_at == NOW
    assert statuses(booking) == [("", S.PENDING), (S.PENDING, S.CONFIRMED)]
    assert booking.events.last().actor_role == Actor.SELLER
    assert booking.events.last().actor is None


def test_accept_checks_the_item_against_the_charter_the_seller_accepts(pending, charter):
    newer = factories.CharterVersionFactory(number=2)
    factories.RuleFactory(version=newer, category="bulky", terms="velo", exceptions="")

    with pytest.raises(CharterViolation):
        booking_accept(**SELLER_NAMES, booking=pending, charter_version=newer)

    pending.refresh_from_db()
    assert pending.status == S.PENDING
    assert pending.seller_charter_version is None
    assert pending.events.count() == 1


def test_confirmation_emails_both_parties_with_a_calendar_file_and_a_qr_code(
    pending, charter, buyer, seller, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_accept(**SELLER_NAMES, booking=pending, charter_version=charter)

    # The officer's assignment email is tested in tests/bookings/test_assignment.py.
    parties = [m for m in mail.outbox if m.to != [officer.user.email]]
    assert sorted(m.to[0] for m in parties) == sorted([buyer.email, seller["seller_email"]])
    for message in parties:
        assert booking.reference in message.body
        filename, content, mimetype = attachment(message, ".ics")
        assert mimetype == "text/calendar"
        calendar = icalendar.Calendar.from_ical(content)
        (event,) = calendar.walk("VEVENT")
        assert event.decoded("dtstart") == SLOT
        assert event.decoded("dtend") == SLOT + timedelta(minutes=30)
        assert booking.reference in str(event["uid"])
        assert booking.reference in str(event["summary"])

        filename, content, mimetype = attachment(message, ".png")
        assert mimetype == "image/png"
        assert content.startswith(b"\x89PNG\r\n\x1a\n")


def test_decline_declines_and_tells_the_buyer(pending, buyer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_decline(booking=pending, note="Déjà vendu")

    booking.refresh_from_db()
    assert booking.status == S.DECLINED
    assert booking.seller_answered_at == NOW
    assert statuses(booking)[-1] == (S.PENDING, S.DECLINED)
    assert booking.events.last().note == "Déjà vendu"
    assert booking.events.last().actor_role == Actor.SELLER
    assert recipients() == [buyer.email]


def test_a_declined_slot_is_free_again(pending, other_buyer, paris_11, seller):
    booking_decline(booking=pending)

    # After the hold-back that keeps a freed slot from being handed over (tests/bookings/test_abuse_limits.py).
    with time_machine.travel(NOW + timedelta(minutes=16), tick=False):
        again = book(other_buyer, paris_11, seller)

    assert again.space == pending.space


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_the_seller_cannot_answer_after_the_deadline(pending, charter, answer):
    after = pending.hold_expires_at

    with pytest.raises(InvalidTransition):
        if answer == "accept":
            booking_accept(**SELLER_NAMES, booking=pending, charter_version=charter, now=after)
        else:
            booking_decline(booking=pending, now=after)

    pending.refresh_from_db()
    assert pending.status == S.PENDING
    assert pending.events.count() == 1
