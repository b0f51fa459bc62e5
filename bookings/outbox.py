"""Getting work to the broker, and getting it there again when it was lost.

Every email-sending task is backed by a database row that says whether it was
sent: BookingEvent.notified_at, ReminderDelivery.sent_at, Booking.officer_notified_at
and unstaffed_alerted_at, ScheduleDelivery. The rows are the outbox: a message that
never reached the broker (Redis down while a buyer books) or died with a worker
on the filesystem broker, which has no redelivery, is queued again by a sweep.
The claims make the extra message harmless.
"""

import logging
from datetime import timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# A notification is left to its on-commit message for settings.BOOKINGS_OUTBOX_SETTLE_SECONDS
# before a sweep sends it again, and given up after MAX_AGE (a two-day-old "booking
# requested" helps nobody).
MAX_AGE = timedelta(days=2)


# The tasks domain code queues, by name: bookings.tasks imports the domain, never the
# other way round (tests/bookings/test_outbox.py checks every name is a registered task).
NOTIFY_BOOKING_EVENT = "bookings.tasks.notify_booking_event"
NOTIFY_OFFICER_ASSIGNMENT = "bookings.tasks.notify_officer_assignment"
ALERT_UNSTAFFED_BOOKING = "bookings.tasks.alert_unstaffed_booking"
SEND_REMINDER = "bookings.tasks.send_reminder"
SEND_DAILY_SCHEDULE = "bookings.tasks.send_daily_schedule"
ASSIGN_OFFICER = "bookings.tasks.assign_officer"
REASSIGN_OFFICERS = "bookings.tasks.reassign_officers"
SEND_SELLER_PROPOSAL_EMAIL = "bookings.tasks.send_seller_proposal_email"
TASK_NAMES = (
    NOTIFY_BOOKING_EVENT,
    NOTIFY_OFFICER_ASSIGNMENT,
    ALERT_UNSTAFFED_BOOKING,
    SEND_REMINDER,
    SEND_DAILY_SCHEDULE,
    ASSIGN_OFFICER,
    REASSIGN_OFFICERS,
    SEND_SELLER_PROPOSAL_EMAIL,
)


def settle_time() -> timedelta:
    return timedelta(seconds=settings.BOOKINGS_OUTBOX_SETTLE_SECONDS)


def enqueue(task, *args) -> bool:
    """Queue a task (its name, or the task); with the broker unreachable, log and leave the work to the sweeps.

    The booking that caused it is committed already: failing the buyer's request
    now would only hide that it succeeded.
    """
    if isinstance(task, str):
        task = current_app.tasks[task]
    try:
        task.delay(*args)
    except OperationalError:
        logger.warning("Broker unreachable: %s%r is left to the periodic sweep", task.name, args)
        return False
    return True


def enqueue_on_commit(task, *args) -> None:
    """Queue a task once the current transaction commits; nothing if it rolls back."""
    transaction.on_commit(partial(enqueue, task, *args))
