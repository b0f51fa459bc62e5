"""Reminders (bookings.reminders): found by a sweep over the database, claimed before they are sent."""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from unittest import mock

import icalendar
import pytest
import time_machine
from django.core import mail, signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.links import SELLER_INVITE_SALT, seller_cancel_path, seller_cancel_token, seller_invite_path
from bookings.models import BookingStatus, Party, ReminderDelivery
from bookings.reminders import REQUEUE_AFTER, reminder_send, reminders_sweep
from bookings.services import booking_cancel
from bookings.tasks import send_reminder
from stations.models import SpaceKind
from tests import factories
from tests.clock import pinned_clock
from tests.factories import SELLER_NAMES

S = BookingStatus
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# Wednesday 2026-06-10, 08:00 in Paris.
NOW = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)

pytestmark = pytest.mark.django_db


_pinned_clock = pinned_clock(NOW)


@pytest.fixture
def confirmed(paris_11):
    """Make a confirmed room booking starting `starts_in` from now, accepted `answered_ago` before now."""

    def make(starts_in, answered_ago=timedelta(days=3), **fields):
        starts_at = (NOW + starts_in).replace(second=0, microsecond=0)
        fields = {
            "status": S.CONFIRMED,
            "seller_answered_at": NOW - answered_ago,
            "seller_email": "seller@example.net",
            "seller_name": "Camille Vendeur",
            "language": "en",
            **fields,
        }
        space = factories.SpaceFactory(station=paris_11, kind=SpaceKind.ROOM)
        return factories.BookingFactory(station=paris_11, space=space, starts_at=starts_at, **fields)

    return make


def sweep(**kwargs) -> list[int]:
    queued = []
    reminders_sweep(queue=queued.append, **kwargs)
    return queued


def rows(booking):
    return sorted(booking.reminders.values_list("lead_minutes", "party"))


# --- what is due ---------------------------------------------------------------------------


def test_a_booking_24_hours_ahead_gets_its_24_hour_reminder_for_both_parties(confirmed):
    booking = confirmed(23 * HOUR)

    queued = sweep()

    assert rows(booking) == [(1440, Party.BUYER), (1440, Party.SELLER)]
    assert sorted(queued) == sorted(booking.reminders.values_list("pk", flat=True))


def test_nothing_is_due_before_the_lead_time(confirmed):
    booking = confirmed(25 * HOUR)

    assert sweep() == []
    assert rows(booking) == []


def test_within_two_hours_only_the_2_hour_reminder_is_due(confirmed):
    booking = confirmed(90 * timedelta(minutes=1))

    sweep()

    assert rows(booking) == [(120, Party.BUYER), (120, Party.SELLER)]


def test_a_booking_confirmed_inside_the_24_hours_gets_only_the_2_hour_reminder(confirmed):
    # Confirmed 2 hours ago for a slot in 20 hours: the confirmation said it all.
    late = confirmed(20 * HOUR, answered_ago=2 * HOUR)
    assert sweep() == []

    with time_machine.travel(NOW + 19 * HOUR, tick=False):
        sweep()

    assert rows(late) == [(120, Party.BUYER), (120, Party.SELLER)]


@pytest.mark.parametrize("status", [S.PENDING, S.CANCELLED, S.CHECKED_IN, S.EXPIRED])
def test_only_confirmed_bookings_get_reminders(confirmed, status):
    confirmed(HOUR, status=status)

    assert sweep() == []


def test_the_sweep_run_twice_queues_each_reminder_once(confirmed):
    confirmed(HOUR)

    assert len(sweep()) == 2
    assert sweep() == []
    assert ReminderDelivery.objects.count() == 2


def test_lead_times_are_configurable(confirmed, settings):
    settings.BOOKINGS_REMINDER_LEAD_MINUTES = [48 * 60, 30]
    booking = confirmed(47 * HOUR)

    sweep()
    with time_machine.travel(NOW + 47 * HOUR - timedelta(minutes=20), tick=False):
        sweep()

    assert rows(booking) == [(30, "buyer"), (30, "seller"), (2880, "buyer"), (2880, "seller")]


def test_the_sweeps_queries_grow_with_batches_not_with_rows(confirmed):
    def queries(**kwargs) -> int:
        with CaptureQueriesContext(connection) as captured:
            sweep(**kwargs)
        ReminderDelivery.objects.all().delete()
        return len(captured.captured_queries)

    empty = queries(batch_size=5)
    for _ in range(4):
        confirmed(HOUR)
    one_batch = queries(batch_size=5)
    for _ in range(10):
        confirmed(HOUR)
    three_batches = queries(batch_size=5)
    fourteen_in_one_batch = queries(batch_size=100)

    # A batch: the due ids, one insert, the new rows' ids (the first replaces the empty look-up).
    assert one_batch == empty + 2
    assert three_batches == one_batch + 2 * 3
    assert fourteen_in_one_batch == one_batch


# --- sending once ----------------------------------------------------------------------------


def test_the_reminder_task_run_twice_sends_once(confirmed):
    booking = confirmed(HOUR)
    sweep()
    buyer_row = booking.reminders.get(party=Party.BUYER)

    assert send_reminder(buyer_row.pk) is True
    assert send_reminder(buyer_row.pk) is False

    assert [m.to for m in mail.outbox] == [[booking.buyer.email]]
    buyer_row.refresh_from_db()
    assert buyer_row.sent_at == NOW and not buyer_row.skipped


def test_a_mail_server_error_leaves_the_reminder_unclaimed_for_the_retry(confirmed):
    booking = confirmed(HOUR)
    sweep()
    row = booking.reminders.get(party=Party.SELLER)

    with (
        mock.patch("bookings.reminders.send_templated_email", side_effect=ConnectionRefusedError),
        pytest.raises(ConnectionRefusedError),
    ):
        reminder_send(delivery_id=row.pk)
    row.refresh_from_db()
    assert row.sent_at is None  # the claim rolled back with the failed send

    assert reminder_send(delivery_id=row.pk) is True
    assert [m.to for m in mail.outbox] == [["seller@example.net"]]


def test_a_reminder_queued_before_a_cancellation_is_not_sent(confirmed):
    booking = confirmed(HOUR)
    queued = sweep()
    booking_cancel(booking=booking, role="buyer", user=booking.buyer)
    mail.outbox.clear()

    assert [send_reminder(pk) for pk in queued] == [False, False]

    assert mail.outbox == []
    assert set(booking.reminders.values_list("skipped", flat=True)) == {True}


def test_a_reminder_whose_message_was_lost_is_queued_again_and_sent_once(confirmed):
    booking = confirmed(3 * HOUR)
    with time_machine.travel(NOW + HOUR, tick=False):
        first = sweep()  # the messages never reach a worker
    assert len(first) == 2

    with time_machine.travel(NOW + HOUR + REQUEUE_AFTER / 2, tick=False):
        assert sweep() == []  # not stale yet: maybe still in the queue
    with time_machine.travel(NOW + HOUR + REQUEUE_AFTER + timedelta(minutes=1), tick=False):
        again = sweep()
        assert sorted(again) == sorted(first)
        for pk in first + again:
            send_reminder(pk)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([booking.buyer.email, "seller@example.net"])


def test_a_lost_reminder_of_a_cancelled_booking_is_closed_not_sent(confirmed):
    booking = confirmed(3 * HOUR)
    with time_machine.travel(NOW + HOUR, tick=False):
        sweep()
    booking.status = S.CANCELLED
    booking.save()

    with time_machine.travel(NOW + HOUR + REQUEUE_AFTER + timedelta(minutes=1), tick=False):
        assert sweep() == []

    assert set(booking.reminders.values_list("skipped", flat=True)) == {True}


# --- what it says ---------------------------------------------------------------------------


@pytest.fixture
def reminders_sent(confirmed, paris_11):
    paris_11.access_notes = "Métro Voltaire. Présentez-vous à l'accueil."
    paris_11.save()
    booking = confirmed(23 * HOUR)
    for pk in sweep():
        send_reminder(pk)
    by_party = {m.to[0]: m for m in mail.outbox}
    return booking, by_party[booking.buyer.email], by_party["seller@example.net"]


def test_a_reminder_gives_the_local_time_the_address_access_notes_and_what_to_bring(reminders_sent, paris_11):
    booking, to_buyer, to_seller = reminders_sent
    local = booking.starts_at.astimezone(PARIS)

    for message in (to_buyer, to_seller):
        assert booking.reference in message.subject
        assert local.strftime("%H:%M") in message.subject
        assert "1 rue de la Paix" in message.body
        assert "Métro Voltaire" in message.body
        assert "identity document" in message.body
        assert booking.buyer_charter_version.summary_en in message.body
        html = message.alternatives[0][0]
        assert "Présentez-vous à l&#x27;accueil" in html  # escaped in HTML, plain in text
    assert "the item" in to_seller.body
    assert "Camille Vendeur" in to_seller.body


def test_a_reminder_carries_the_calendar_file(reminders_sent):
    booking, to_buyer, _to_seller = reminders_sent

    (ics,) = [content for name, content, _type in to_buyer.attachments if name.endswith(".ics")]
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("dtstart") == booking.starts_at


def test_the_buyer_cancels_from_their_account_and_the_seller_from_a_signed_link(reminders_sent):
    booking, to_buyer, to_seller = reminders_sent

    assert reverse("bookings:cancel", kwargs={"reference": booking.reference}) in to_buyer.body
    assert seller_cancel_path(booking) in to_seller.body
    assert seller_cancel_path(booking) not in to_buyer.body
    assert seller_invite_path(booking) not in to_seller.body


def test_the_seller_confirmation_email_carries_the_cancel_link(
    buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks
):
    from bookings.services import booking_accept, booking_create

    pending = booking_create(
        buyer=buyer, station=paris_11, starts_at=datetime(2026, 6, 12, 10, tzinfo=PARIS), item_title="Vélo", **seller
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_accept(**SELLER_NAMES, booking=pending, charter_version=charter)

    (message,) = [m for m in mail.outbox if m.to == [seller["seller_email"]]]
    assert seller_cancel_path(booking) in message.body


# --- the seller's cancel link ------------------------------------------------------------------


def test_opening_the_cancel_link_shows_a_form_and_changes_nothing(client, confirmed):
    booking = confirmed(23 * HOUR)

    response = client.get(seller_cancel_path(booking))

    assert response.status_code == 200
    assert booking.reference in response.content.decode()
    assert b'name="reason"' in response.content
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED


def test_posting_the_cancel_link_cancels_tells_the_buyer_and_cannot_act_twice(
    client, confirmed, django_capture_on_commit_callbacks
):
    booking = confirmed(23 * HOUR)
    path = seller_cancel_path(booking)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"reason": "Vendu entre-temps"}, follow=True)

    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED
    assert booking.events.last().actor_role == "seller"
    assert booking.buyer.email in [m.to[0] for m in mail.outbox]
    again = client.post(path, {"reason": "encore"})
    assert again.status_code == 200
    assert b'name="reason"' not in again.content
    assert "is cancelled" in again.content.decode()
    assert booking.events.count() == 1


def test_an_invite_token_is_no_cancel_token(client, confirmed):
    booking = confirmed(23 * HOUR)
    invite_token = signing.dumps({"b": booking.pk, "n": booking.invite_nonce}, salt=SELLER_INVITE_SALT)

    response = client.post(reverse("bookings:seller-cancel", kwargs={"token": invite_token}), {"reason": "x"})

    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED


def test_a_tampered_cancel_link_is_not_found(client, confirmed):
    booking = confirmed(23 * HOUR)
    token = seller_cancel_token(booking)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    assert client.post(reverse("bookings:seller-cancel", kwargs={"token": tampered})).status_code == 404


def test_the_cancel_link_expires_when_the_slot_starts(client, confirmed):
    booking = confirmed(HOUR)

    with time_machine.travel(booking.starts_at + timedelta(minutes=1), tick=False):
        response = client.post(seller_cancel_path(booking), {"reason": "trop tard"})

    assert response.status_code == 410
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED


def test_reminder_lead_times_across_a_clock_change_are_exact_durations(paris_11):
    # 10:00 on Sunday 25 October 2026, the day the clocks go back: 24 hours earlier is
    # 11:00 on the Saturday, wall clock (summer time), not 10:00.
    # (Python subtracts wall-clock time between two datetimes of one ZoneInfo: compute in UTC.)
    starts_at = datetime.combine(date(2026, 10, 25), time(10), PARIS).astimezone(UTC)
    booking = factories.BookingFactory(
        station=paris_11, starts_at=starts_at, status=S.CONFIRMED, seller_answered_at=starts_at - timedelta(days=3)
    )
    due_at = starts_at - timedelta(hours=24)
    assert due_at.astimezone(PARIS).hour == 11

    with time_machine.travel(due_at - timedelta(minutes=1), tick=False):
        assert sweep() == []
    with time_machine.travel(due_at, tick=False):
        assert len(sweep()) == 2
    assert booking.reminders.count() == 2
