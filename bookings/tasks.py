"""Thin tasks: they take ids, claim their work, and call services or emails.

Exactly once (design note, invariant 4). Each sending task is one call of
bookings.notifications.notification_send: it claims its row with a conditional UPDATE
(… WHERE sent_at IS NULL) or a unique row *in the transaction that sends*, and commits
after the mail server has taken the message:

- a task delivered twice, even to two workers at once, sends once: the second
  UPDATE waits on the first one's row lock, then finds the row claimed;
- a task that fails (SMTP down) or whose worker dies before the commit leaves the
  row unclaimed, so the retry, the redelivered message (acks_late) or the sweep
  sends it. What remains is the instant between the server's "250 OK" and the
  commit: a crash there sends twice, where claiming first would lose the email.

Periodic work is found in the database by sweeps (config/settings/base.py
CELERY_BEAT_SCHEDULE), never by a countdown or eta: a long countdown on Redis
outlives its visibility timeout and is delivered twice.
"""

from datetime import date

from celery import shared_task

from . import assignment, reminders, retention, schedule
from .notifications import (
    BOOKING_EVENT,
    OFFICER_ASSIGNMENT,
    UNSTAFFED_ALERT,
    events_notify_pending,
    notification_send,
    notifications_requeue,
)
from .seller_proposal_mail import SELLER_PROPOSAL_EMAIL
from .services import bookings_expire_overdue, bookings_mark_no_shows

# Sending tasks retry on a mail server error (smtplib's errors are OSErrors) with
# backoff; the longest countdown must stay under the Redis visibility timeout
# (tested in tests/bookings/test_sweeps.py).
RETRY_BACKOFF_MAX = 600
SENDING = {
    "autoretry_for": (OSError,),
    "retry_backoff": 30,
    "retry_backoff_max": RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": 8,
}
# Sweeps run every minute or few: a message older than its period is dropped,
# the next one does the same work.
SWEEP = {"time_limit": 300, "soft_time_limit": 280}


@shared_task(**SENDING)
def notify_booking_event(event_id: int) -> int:
    return notification_send(BOOKING_EVENT, event_id)


@shared_task(**SENDING)
def notify_officer_assignment(booking_id: int) -> int:
    return notification_send(OFFICER_ASSIGNMENT, booking_id)


@shared_task(**SENDING)
def alert_unstaffed_booking(booking_id: int) -> int:
    return notification_send(UNSTAFFED_ALERT, booking_id)


@shared_task(**SENDING)
def send_seller_proposal_email(proposal_id: int, which: str) -> int:
    return notification_send(SELLER_PROPOSAL_EMAIL, (proposal_id, which))


@shared_task(**SENDING)
def send_reminder(delivery_id: int) -> bool:
    return reminders.reminder_send(delivery_id=delivery_id)


@shared_task(**SENDING)
def send_daily_schedule(station_id: int, day: str) -> int:
    return schedule.schedule_send(station_id=station_id, day=date.fromisoformat(day))


@shared_task
def assign_officer(booking_id: int) -> int | None:
    return assignment.booking_assign_officer(booking_id=booking_id)


@shared_task
def reassign_officers(station_id: int) -> int:
    result = assignment.station_reassign_officers(station_id=station_id)
    return len(result.moved) + len(result.unstaffed)


# --- sweeps (Celery beat) -----------------------------------------------------------------


@shared_task(**SWEEP)
def expire_overdue_holds() -> int:
    return bookings_expire_overdue()


@shared_task(**SWEEP)
def mark_no_shows() -> int:
    return bookings_mark_no_shows()


@shared_task(**SWEEP)
def sweep_reminders() -> int:
    return reminders.reminders_sweep()


@shared_task(**SWEEP)
def sweep_daily_schedules() -> int:
    return schedule.schedules_sweep()


@shared_task(**SWEEP)
def sweep_staffing() -> dict:
    return assignment.stations_staffing_sweep()


@shared_task(**SWEEP)
def sweep_pending_notifications() -> int:
    return events_notify_pending() + notifications_requeue(SELLER_PROPOSAL_EMAIL)


@shared_task(**SWEEP)
def anonymise_old_bookings() -> int:
    return retention.bookings_anonymise().anonymised


@shared_task(**SWEEP)
def clear_expired_sessions() -> None:
    retention.sessions_clear_expired()
