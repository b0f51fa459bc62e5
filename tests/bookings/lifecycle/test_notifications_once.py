"""The booking lifecycle (bookings.services), the notifications run exactly once, in the station's time zone."""

from datetime import time

import pytest
from django.core import mail

from bookings.models import BookingEvent
from bookings.services import (
    booking_accept,
    booking_check_in,
    booking_record_outcome,
)
from bookings.tasks import notify_booking_event
from tests.factories import SELLER_NAMES

from .helpers import NOW, PARIS, S, book, recipients

pytestmark = pytest.mark.django_db


# --- notifications run exactly once -----------------------------------------------------------


def test_the_notification_task_run_twice_for_one_event_sends_once(pending, buyer, seller):
    event = pending.events.get()
    assert mail.outbox == []  # the test transaction never commits: nothing sent yet

    assert notify_booking_event(event.id) == 2
    assert notify_booking_event(event.id) == 0

    assert recipients() == sorted([buyer.email, seller["seller_email"]])
    event.refresh_from_db()
    assert event.notified_at == NOW


def test_the_notification_task_for_a_claimed_event_sends_nothing(pending):
    event = pending.events.get()
    BookingEvent.objects.filter(pk=event.pk).update(notified_at=NOW)

    assert notify_booking_event(event.id) == 0
    assert mail.outbox == []


def test_check_in_and_outcome_send_no_email(confirmed, staff_11e, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        booking_check_in(booking=confirmed, user=staff_11e)
        booking_record_outcome(booking=confirmed, outcome=S.COMPLETED, user=staff_11e)

    assert len(callbacks) == 2  # the task ran for each event and found nothing to send
    assert mail.outbox == []


def test_emails_use_the_station_time_zone(pending, charter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking_accept(**SELLER_NAMES, booking=pending, charter_version=charter)

    # 08:00 UTC is 10:00 in Paris in June.
    assert all("10:00" in m.body for m in mail.outbox)
    assert not any("08:00" in m.body for m in mail.outbox)


def test_the_hold_deadline_in_the_seller_invite_is_local(
    buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(buyer, paris_11, seller)

    invite = next(m for m in mail.outbox if m.to == [seller["seller_email"]])
    deadline = booking.hold_expires_at.astimezone(PARIS)
    assert deadline.time() == time(8, 0)
    assert "08:00" in invite.body
