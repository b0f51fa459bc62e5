"""Exactly once on a real Celery worker, with Redis and PostgreSQL (design note, invariant 4).

Each test starts `celery worker --pool=solo` (tests/integration/conftest.py) against
the pytest run's PostgreSQL database and a private redis-server, and reads the emails
it writes to disk. A solo worker takes one message at a time in queue order, so once
a later message's email is out, every earlier message has been handled.
"""

import os
import re
import signal
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from bookings.models import Booking, BookingEvent, BookingStatus, Party, ReminderDelivery
from bookings.selectors import station_free_slots
from bookings.services import booking_create
from bookings.tasks import notify_booking_event, send_reminder
from stations.models import SpaceKind
from tests import factories

from .conftest import WAIT, broker_is_idle, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


class RolledBack(Exception):
    pass


def room_slot(station, n=0):
    tomorrow = timezone.localdate(timezone.now(), station.zone) + timedelta(days=1)
    return station_free_slots(station=station, kind=SpaceKind.ROOM, first_day=tomorrow, last_day=tomorrow)[n]


def book(buyer, station, seller, slot):
    return booking_create(buyer=buyer, station=station, starts_at=slot.starts_at, item_title="Vélo de course", **seller)


@pytest.fixture
def confirmed_booking(paris_11):
    return factories.BookingFactory(
        station=paris_11,
        space=paris_11.spaces.get(kind=SpaceKind.ROOM),
        starts_at=(timezone.now() + timedelta(hours=3)).replace(microsecond=0),
        status=BookingStatus.CONFIRMED,
        seller_answered_at=timezone.now() - timedelta(days=1),
        seller_email="seller@example.net",
        language="en",
    )


def reminder(booking, party):
    return ReminderDelivery.objects.create(booking=booking, lead_minutes=120, party=party, queued_at=timezone.now())


def test_a_task_enqueued_in_a_transaction_that_rolls_back_sends_nothing(
    worker, broker, mailbox, buyer, paris_11, officer, charter, seller
):
    worker()
    slot = room_slot(paris_11)

    with pytest.raises(RolledBack), transaction.atomic():
        book(buyer, paris_11, seller, slot)
        raise RolledBack
    assert not Booking.objects.exists()
    committed = book(buyer, paris_11, seller, slot)  # queued after whatever the first one might have queued

    messages = mailbox.wait_for_count(2)
    wait_for(lambda: broker_is_idle(broker), what="the queue to drain")

    assert len(mailbox.messages()) == 2
    assert all(committed.reference in m["subject"] + m["body"] for m in messages)
    assert sorted(m["to"] for m in messages) == sorted([buyer.email, seller["seller_email"]])


def test_a_task_run_five_times_sends_one_email(worker, broker, mailbox, confirmed_booking):
    worker()
    to_buyer = reminder(confirmed_booking, Party.BUYER)
    event = BookingEvent.objects.create(booking=confirmed_booking, actor_role="system", to_status="cancelled")

    for _ in range(5):
        send_reminder.delay(to_buyer.pk)
        notify_booking_event.delay(event.pk)
    send_reminder.delay(reminder(confirmed_booking, Party.SELLER).pk)  # the last in the queue

    # One reminder to the buyer, two cancellation notices, one reminder to the seller.
    messages = mailbox.wait_for_count(4)
    wait_for(lambda: broker_is_idle(broker), what="the queue to drain")
    assert len(mailbox.messages()) == 4
    reminders = [m for m in messages if "Reminder" in m["subject"]]
    assert sorted(m["to"] for m in reminders) == sorted([confirmed_booking.buyer.email, "seller@example.net"])
    to_buyer.refresh_from_db()
    event.refresh_from_db()
    assert to_buyer.sent_at is not None and event.notified_at is not None


def test_a_worker_killed_while_sending_loses_no_reminder_and_sends_no_duplicate(
    worker, broker, mailbox, confirmed_booking
):
    first = worker(pool="prefork")
    to_buyer = reminder(confirmed_booking, Party.BUYER)
    mailbox.close_gate()

    send_reminder.delay(to_buyer.pk)
    wait_for(mailbox.someone_is_sending, what="the task to reach the mail server")
    # The task has claimed the reminder in its transaction, which has not committed.
    to_buyer.refresh_from_db()
    assert to_buyer.sent_at is None
    first.kill()  # SIGKILL to the whole worker, mid-send: PostgreSQL rolls the claim back
    mailbox.open_gate()
    assert mailbox.count() == 0
    assert broker.hlen("unacked") == 1  # acks_late: the message still belongs to the broker

    worker(pool="prefork")  # takes the message again once its visibility timeout has passed

    (message,) = mailbox.wait_for_count(1)
    wait_for(lambda: broker_is_idle(broker), what="the redelivered message to be acknowledged")
    assert mailbox.count() == 1
    assert message["to"] == confirmed_booking.buyer.email
    to_buyer.refresh_from_db()
    assert to_buyer.sent_at is not None


def test_a_pool_process_killed_while_sending_is_replaced_and_sends_the_reminder_once(
    worker, broker, mailbox, confirmed_booking
):
    running = worker(pool="prefork")
    to_buyer = reminder(confirmed_booking, Party.BUYER)
    mailbox.close_gate()

    send_reminder.delay(to_buyer.pk)
    sending = wait_for(lambda: list(mailbox.folder.glob("sending-*")), what="the task to reach the mail server")
    child = int(sending[0].name.removeprefix("sending-"))
    assert running.is_parent_of(child)
    os.kill(child, signal.SIGKILL)  # the pool process dies; reject_on_worker_lost puts the message back
    sending[0].unlink()
    mailbox.open_gate()

    (message,) = mailbox.wait_for_count(1)
    wait_for(lambda: broker_is_idle(broker), what="the message to be acknowledged")
    assert mailbox.count() == 1
    assert message["to"] == confirmed_booking.buyer.email
    assert running.process.poll() is None  # the same worker, with a new pool process


def test_with_redis_down_the_buyer_books_and_the_emails_go_out_once_redis_is_back(
    worker, broker, mailbox, redis_server, buyer, paris_11, officer, charter, seller
):
    running = worker(beat=True)  # beat runs the sweep that sends lost notifications again
    redis_server.stop()

    started = time.monotonic()
    booking = book(buyer, paris_11, seller, room_slot(paris_11))  # commits; the publish fails and is logged
    assert time.monotonic() - started < 10
    assert Booking.objects.filter(pk=booking.pk, status=BookingStatus.PENDING).exists()
    assert booking.events.get().notified_at is None

    redis_server.start()  # an empty Redis: whatever was queued before is gone

    messages = mailbox.wait_for_count(2, timeout=2 * WAIT)
    assert sorted(m["to"] for m in messages) == sorted([buyer.email, seller["seller_email"]])
    assert booking.events.get().notified_at is not None
    # Let the sweep run twice more: it finds the event claimed and sends nothing.
    swept = sweeps_done(running)
    wait_for(lambda: sweeps_done(running) >= swept + 2, what="two more sweeps")
    assert mailbox.count() == 2


def sweeps_done(worker) -> int:
    return len(re.findall(r"sweep_pending_notifications\[[^\]]+\] succeeded", worker.log.read_text()))
