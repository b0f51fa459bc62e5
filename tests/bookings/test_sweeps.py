"""The periodic sweeps: expiry, no-shows, the daily schedule at 07:00 station time, lost messages; and the
Celery settings they rely on."""

import re
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from bookings import tasks
from bookings.models import Actor, BookingEvent, BookingStatus, ScheduleDelivery
from bookings.notifications import events_notify_pending
from bookings.outbox import enqueue, settle_time
from bookings.schedule import schedule_send, schedules_sweep, station_day_schedule
from bookings.services import bookings_mark_no_shows
from config.celery import app
from stations.models import SpaceKind
from tests import factories

S = BookingStatus
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)  # Wednesday, 08:00 in Paris
WEDNESDAY = date(2026, 6, 10)

pytestmark = pytest.mark.django_db


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), PARIS)


def room(station):
    return station.spaces.get(kind=SpaceKind.ROOM)


# --- expiry ----------------------------------------------------------------------------------


def test_the_expiry_task_expires_overdue_holds_tells_both_parties_once(paris_11, django_capture_on_commit_callbacks):
    booking = factories.BookingFactory(
        station=paris_11, space=room(paris_11), starts_at=NOW + timedelta(hours=3), hold_expires_at=NOW
    )

    with time_machine.travel(NOW + timedelta(minutes=1), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert tasks.expire_overdue_holds() == 1
        assert tasks.expire_overdue_holds() == 0

    booking.refresh_from_db()
    assert booking.status == S.EXPIRED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([booking.buyer.email, booking.seller_email])


# --- no-shows --------------------------------------------------------------------------------


@pytest.fixture
def confirmed_at_ten(paris_11):
    return factories.BookingFactory(
        station=paris_11, space=room(paris_11), starts_at=paris(WEDNESDAY, 10), status=S.CONFIRMED
    )


def test_nobody_checked_in_after_the_grace_period_is_a_no_show(confirmed_at_ten, settings):
    settings.BOOKINGS_NO_SHOW_GRACE_MINUTES = 45

    assert bookings_mark_no_shows(now=paris(WEDNESDAY, 10, 44)) == 0
    assert bookings_mark_no_shows(now=paris(WEDNESDAY, 10, 45)) == 1
    assert bookings_mark_no_shows(now=paris(WEDNESDAY, 10, 46)) == 0

    confirmed_at_ten.refresh_from_db()
    assert confirmed_at_ten.status == S.NO_SHOW
    event = confirmed_at_ten.events.get()
    assert (event.actor_role, event.actor) == (Actor.SYSTEM, None)
    assert "45 minutes" in event.note


def test_the_sweep_records_who_did_not_come_from_the_desk_and_leaves_both_present_to_the_desk(paris_11):
    only_buyer = factories.BookingFactory(
        station=paris_11,
        space=room(paris_11),
        starts_at=paris(WEDNESDAY, 10),
        status=S.CONFIRMED,
        buyer_present_at=paris(WEDNESDAY, 9, 55),
    )
    both = factories.BookingFactory(
        station=paris_11,
        space=factories.SpaceFactory(station=paris_11, kind=SpaceKind.ROOM, name="Salle 2"),
        starts_at=paris(WEDNESDAY, 10),
        status=S.CONFIRMED,
        buyer_present_at=paris(WEDNESDAY, 9, 55),
        seller_present_at=paris(WEDNESDAY, 9, 58),
    )

    assert bookings_mark_no_shows(now=paris(WEDNESDAY, 18)) == 1

    only_buyer.refresh_from_db()
    both.refresh_from_db()
    assert (only_buyer.status, only_buyer.no_show_party) == (S.NO_SHOW, "seller")
    assert both.status == S.CONFIRMED


@pytest.mark.parametrize("status", [S.CHECKED_IN, S.CANCELLED, S.COMPLETED])
def test_a_booking_checked_in_or_closed_is_no_no_show(paris_11, status):
    factories.BookingFactory(station=paris_11, space=room(paris_11), starts_at=paris(WEDNESDAY, 10), status=status)

    assert bookings_mark_no_shows(now=paris(WEDNESDAY, 18)) == 0


# --- the daily schedule ---------------------------------------------------------------------------


@pytest.fixture
def officer_on_duty(paris_11):
    officer = factories.OfficerFactory(
        station=paris_11, badge_number="P11-001", user__first_name="Camille", user__last_name="Martin"
    )
    factories.ShiftFactory(officer=officer, starts_at=paris(WEDNESDAY, 9), ends_at=paris(WEDNESDAY, 12))
    factories.OfficerAbsenceFactory(officer=officer, starts_at=paris(WEDNESDAY, 11), ends_at=paris(WEDNESDAY, 12))
    return officer


def test_the_schedule_goes_once_at_seven_station_time(paris_11, staff_11e, officer_on_duty):
    with time_machine.travel(paris(WEDNESDAY, 6, 59), tick=False):
        tasks.sweep_daily_schedules()
    assert mail.outbox == []

    with time_machine.travel(paris(WEDNESDAY, 7, 0), tick=False):
        tasks.sweep_daily_schedules()
        tasks.sweep_daily_schedules()
    with time_machine.travel(paris(WEDNESDAY, 10, 0), tick=False):
        tasks.sweep_daily_schedules()

    (message,) = mail.outbox
    assert message.to == [staff_11e.email]
    assert ScheduleDelivery.objects.get().day == WEDNESDAY


def test_a_schedule_not_sent_by_the_end_of_the_morning_is_not_sent_that_day(paris_11, staff_11e):
    # The worker was down from before 07:00 until 11:00: a morning schedule that late misleads.
    with time_machine.travel(paris(WEDNESDAY, 11, 0), tick=False):
        assert schedules_sweep() == 0
    assert mail.outbox == []
    with time_machine.travel(paris(WEDNESDAY, 7, 0) + timedelta(days=1), tick=False):
        assert schedules_sweep() == 1
    assert ScheduleDelivery.objects.get().day == WEDNESDAY + timedelta(days=1)


def test_a_schedule_task_run_twice_sends_once(paris_11, staff_11e):
    with time_machine.travel(paris(WEDNESDAY, 7), tick=False):
        assert schedule_send(station_id=paris_11.pk, day=WEDNESDAY) == 1
        assert schedule_send(station_id=paris_11.pk, day=WEDNESDAY) == 0
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("zone", "day", "utc_before", "utc_at"),
    [
        # Paris, spring forward (29 March 2026): 07:00 is 05:00 UTC that day, 06:00 UTC the day before.
        ("Europe/Paris", date(2026, 3, 28), (5, 59), (6, 0)),
        ("Europe/Paris", date(2026, 3, 29), (4, 59), (5, 0)),
        # Paris, fall back (25 October 2026): 07:00 is 06:00 UTC that day.
        ("Europe/Paris", date(2026, 10, 24), (4, 59), (5, 0)),
        ("Europe/Paris", date(2026, 10, 25), (5, 59), (6, 0)),
        # Los Angeles changes on other dates (8 March, 1 November 2026).
        ("America/Los_Angeles", date(2026, 3, 7), (14, 59), (15, 0)),
        ("America/Los_Angeles", date(2026, 3, 8), (13, 59), (14, 0)),
        ("America/Los_Angeles", date(2026, 11, 1), (14, 59), (15, 0)),
    ],
)
def test_seven_oclock_follows_each_stations_clock_across_daylight_saving_changes(zone, day, utc_before, utc_at):
    station = factories.StationFactory(slug="zoned", time_zone=zone)
    factories.UserFactory(email="desk@example.org", is_staff=True, station=station)

    with time_machine.travel(datetime.combine(day, time(*utc_before), UTC), tick=False):
        assert schedules_sweep() == 0
    with time_machine.travel(datetime.combine(day, time(*utc_at), UTC), tick=False):
        assert schedules_sweep() == 1

    assert ScheduleDelivery.objects.get(station=station).day == day


def test_each_station_gets_its_own_schedule_at_its_own_seven(paris_11, staff_11e):
    kennewick = factories.StationFactory(slug="kennewick", time_zone="America/Los_Angeles", language="en")
    desk = factories.UserFactory(email="desk@kennewick.example", is_staff=True, station=kennewick)

    # 07:00 in Paris is 22:00 the day before in Kennewick: too late for that day's schedule.
    with time_machine.travel(paris(WEDNESDAY, 7), tick=False):
        tasks.sweep_daily_schedules()
    assert [m.to for m in mail.outbox] == [[staff_11e.email]]

    with time_machine.travel(datetime.combine(WEDNESDAY, time(7), LOS_ANGELES), tick=False):
        tasks.sweep_daily_schedules()
    assert [m.to for m in mail.outbox] == [[staff_11e.email], [desk.email]]


def test_the_schedule_lists_the_day_by_space_and_by_officer(paris_11, staff_11e, officer_on_duty):
    rooms = [room(paris_11), factories.SpaceFactory(station=paris_11, kind=SpaceKind.ROOM, name="Salle 2")]
    staffed = factories.BookingFactory(
        station=paris_11,
        space=rooms[0],
        starts_at=paris(WEDNESDAY, 9, 30),
        status=S.CONFIRMED,
        officer=officer_on_duty,
        item_title="Vélo de course",
    )
    unstaffed = factories.BookingFactory(
        station=paris_11, space=rooms[1], starts_at=paris(WEDNESDAY, 14), status=S.CONFIRMED
    )
    factories.BookingFactory(station=paris_11, space=rooms[1], starts_at=paris(WEDNESDAY, 15), status=S.CANCELLED)
    factories.BookingFactory(station=paris_11, space=rooms[1], starts_at=paris(WEDNESDAY, 9) + timedelta(days=1))

    with time_machine.travel(paris(WEDNESDAY, 7), tick=False):
        tasks.sweep_daily_schedules()

    (message,) = mail.outbox
    assert "2 exchanges" in message.subject
    body = message.body
    assert body.startswith(f"Schedule of {paris_11.name} for Wednesday 10 June 2026 (Europe/Paris).")
    by_space = body[body.index("By space") : body.index("By officer")]
    assert (
        by_space.index("Salle 1")
        < by_space.index(staffed.reference)
        < by_space.index("Salle 2")
        < by_space.index(unstaffed.reference)
    )
    assert "09:30–10:00" in body  # station time
    assert "Camille Martin (P11-001) — on duty 09:00–12:00 — absent 11:00–12:00" in body
    assert "WARNING: no officer" in body
    assert body.count(unstaffed.reference) == 2  # in the warning and under its room
    assert "Place 1" in body and "No exchange." in body


def test_a_french_station_gets_its_schedule_in_french(paris_11, staff_11e):
    paris_11.language = "fr"
    paris_11.save()

    with time_machine.travel(paris(WEDNESDAY, 7), tick=False):
        tasks.sweep_daily_schedules()

    (message,) = mail.outbox
    assert "0 échange le mercredi 10 juin" in message.subject
    assert message.body.startswith(f"Planning de {paris_11.name} pour le mercredi 10 juin 2026 (Europe/Paris).")
    assert "Par emplacement" in message.body


def test_the_schedule_is_built_in_four_queries(paris_11, officer_on_duty, django_assert_num_queries):
    for hour in (9, 10, 11):
        factories.BookingFactory(
            station=paris_11,
            space=room(paris_11),
            starts_at=paris(WEDNESDAY, hour),
            status=S.CONFIRMED,
            officer=officer_on_duty,
        )

    with django_assert_num_queries(4):
        schedule = station_day_schedule(station=paris_11, day=WEDNESDAY, now=paris(WEDNESDAY, 7))
        _ = [(b.space.name, b.officer.user.email) for _space, bookings in schedule.by_space for b in bookings]

    assert schedule.count == 3


def test_a_station_without_staff_sends_its_schedule_to_the_managers(paris_11, settings):
    settings.MANAGERS = ["prefecture@example.org"]

    with time_machine.travel(paris(WEDNESDAY, 7), tick=False):
        tasks.sweep_daily_schedules()

    assert [m.to for m in mail.outbox] == [["prefecture@example.org"]]


# --- messages lost on the way to the broker -------------------------------------------------------


def test_with_the_broker_unreachable_the_booking_still_commits_and_the_sweep_sends_later(
    buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks
):
    from bookings.selectors import station_free_slots
    from bookings.services import booking_create

    tomorrow = timezone.localdate(timezone.now(), paris_11.zone) + timedelta(days=1)
    slot = station_free_slots(station=paris_11, kind=SpaceKind.ROOM, first_day=tomorrow, last_day=tomorrow)[0]
    with (
        mock.patch.object(tasks.notify_booking_event, "delay", side_effect=OperationalError("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        booking = booking_create(buyer=buyer, station=paris_11, starts_at=slot.starts_at, item_title="Vélo", **seller)
    event = booking.events.get()
    assert event.notified_at is None
    assert mail.outbox == []

    with time_machine.travel(event.at + settle_time() - timedelta(seconds=1), tick=False):
        assert events_notify_pending() == 0  # its message may still be on its way
    with time_machine.travel(event.at + settle_time() + timedelta(seconds=1), tick=False):
        assert tasks.sweep_pending_notifications() == 1
        assert tasks.sweep_pending_notifications() == 0

    assert sorted(m.to[0] for m in mail.outbox) == sorted([buyer.email, seller["seller_email"]])


def test_enqueue_reports_a_broker_outage_instead_of_raising():
    with mock.patch.object(tasks.mark_no_shows, "delay", side_effect=OperationalError("refused")):
        assert enqueue(tasks.mark_no_shows) is False


def test_a_mail_server_error_leaves_the_event_unclaimed_for_the_retry(paris_11):
    booking = factories.BookingFactory(station=paris_11, space=room(paris_11))
    event = BookingEvent.objects.create(booking=booking, actor_role=Actor.BUYER, to_status=S.PENDING)

    with (
        mock.patch("bookings.notifications.booking_event_notify", side_effect=ConnectionRefusedError),
        pytest.raises(ConnectionRefusedError),
    ):
        tasks.notify_booking_event.run(event.pk)
    event.refresh_from_db()
    assert event.notified_at is None

    assert tasks.notify_booking_event.run(event.pk) == 2


# --- the Celery settings the claims rely on ------------------------------------------------


def test_tasks_are_acknowledged_late_one_at_a_time_with_time_limits():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit


def test_the_redis_visibility_timeout_outlasts_every_countdown_and_time_limit():
    from config.settings import base

    if not base.REDIS_URL:
        pytest.skip("the visibility timeout is a Redis transport option")
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    longest_task = max(
        [settings.CELERY_TASK_TIME_LIMIT] + [t.time_limit or 0 for name, t in app.tasks.items() if "bookings" in name]
    )
    assert visibility > tasks.RETRY_BACKOFF_MAX + longest_task


def test_no_code_schedules_a_task_with_a_countdown_or_an_eta():
    """Reminders and sweeps are found in the database; a long countdown on Redis would be delivered twice."""
    sources = [
        p for p in Path(settings.BASE_DIR).glob("*/**/*.py") if ".venv" not in p.parts and "tests" not in p.parts
    ]
    offending = [str(p) for p in sources if re.search(r"\b(countdown|eta)\s*=", p.read_text())]
    assert offending == []


def test_every_sweep_is_on_the_beat_schedule():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "bookings.tasks.expire_overdue_holds",
        "bookings.tasks.sweep_reminders",
        "bookings.tasks.sweep_daily_schedules",
        "bookings.tasks.mark_no_shows",
        "bookings.tasks.sweep_staffing",
        "bookings.tasks.sweep_pending_notifications",
        "bookings.tasks.anonymise_old_bookings",
        "bookings.tasks.clear_expired_sessions",
        "api.tasks.sweep_webhooks",
    }
    assert all(entry["options"]["expires"] <= entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values())
