"""Retention (bookings.retention): personal data erased after the period, in batches, unless on hold."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from bookings import tasks
from bookings.models import Actor, Booking, BookingBanLift, BookingEvent, BookingStatus, ItemKind
from bookings.retention import bookings_anonymise
from bookings.selectors import booking_statistics, buyer_bookings
from charter.models import BookingCharterReview, CharterOverride
from stations.models import SpaceKind
from tests import factories
from tests.clock import pinned_clock

S = BookingStatus
NOW = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)
DAY = timedelta(days=1)

pytestmark = pytest.mark.django_db


_pinned_clock = pinned_clock(NOW)


@pytest.fixture
def old_booking(paris_11, staff_11e):
    """Make a booking whose slot ended `days` ago, with events by the buyer, the seller and staff."""

    def make(days=91, status=S.COMPLETED, **fields):
        starts_at = NOW - days * DAY - timedelta(minutes=30)
        kind = SpaceKind.BAY if fields.get("item_kind") == ItemKind.VEHICLE else SpaceKind.ROOM
        fields = {
            "seller_name": "Camille Vendeur",
            "seller_email": "camille@example.net",
            "item_description": "Cadre acier, taille 56, acheté chez Dupont",
            "listing_url": "https://www.leboncoin.fr/velos/123.htm",
            **fields,
        }
        space = factories.SpaceFactory(station=paris_11, kind=kind)
        booking = factories.BookingFactory(station=paris_11, space=space, starts_at=starts_at, status=status, **fields)
        BookingEvent.objects.create(booking=booking, actor=booking.buyer, actor_role=Actor.BUYER, to_status=S.PENDING)
        BookingEvent.objects.create(
            booking=booking, actor_role=Actor.SELLER, to_status=S.CONFIRMED, note="Je viendrai avec mon frère Paul"
        )
        BookingEvent.objects.create(booking=booking, actor=staff_11e, actor_role=Actor.STAFF, to_status=status)
        return booking

    return make


def test_ninety_days_after_the_slot_the_personal_data_is_erased(old_booking, staff_11e):
    booking = old_booking(item_kind=ItemKind.VEHICLE, vehicle_plate="AB-123-CD", cancel_reason="Panne")
    buyer = booking.buyer

    report = bookings_anonymise()

    booking.refresh_from_db()
    assert report.anonymised == 1
    assert booking.anonymised_at == NOW
    assert booking.buyer is None
    assert (booking.seller_name, booking.seller_email) == ("", "")
    assert (booking.item_title, booking.item_description, booking.listing_url) == ("", "", "")
    assert (booking.vehicle_plate, booking.cancel_reason) == ("", "")
    events = list(booking.events.order_by("id"))
    assert [e.note for e in events] == ["", "", ""]
    assert [e.actor for e in events] == [None, None, staff_11e]  # staff stay accountable
    # What statistics need stays.
    assert (booking.status, booking.item_kind, booking.space.kind) == (S.COMPLETED, ItemKind.VEHICLE, SpaceKind.BAY)
    assert booking.reference.startswith("SX-")
    # The buyer's account is untouched, no longer linked, and could now be deleted.
    assert User.objects.filter(pk=buyer.pk).exists()
    assert list(buyer_bookings(buyer=buyer)) == []


def test_a_booking_inside_the_period_keeps_its_data(old_booking):
    booking = old_booking(days=89)

    assert bookings_anonymise().anonymised == 0

    booking.refresh_from_db()
    assert booking.seller_email == "camille@example.net"
    assert booking.buyer is not None


def test_the_period_is_configurable(old_booking, settings):
    settings.BOOKINGS_RETENTION_DAYS = 30
    booking = old_booking(days=31)

    assert bookings_anonymise().anonymised == 1
    booking.refresh_from_db()
    assert booking.anonymised_at is not None


@pytest.mark.parametrize("status", [S.COMPLETED, S.INCIDENT, S.NO_SHOW, S.CANCELLED, S.EXPIRED, S.CONFIRMED])
def test_every_status_is_anonymised_once_the_period_is_over(old_booking, status):
    old_booking(status=status)

    assert bookings_anonymise().by_status == {status: 1}


def test_an_incident_hold_keeps_the_data_until_it_is_lifted(old_booking):
    held = old_booking(status=S.INCIDENT, retention_hold=True)

    report = bookings_anonymise()
    assert (report.anonymised, report.held) == (0, 1)
    held.refresh_from_db()
    assert held.seller_email == "camille@example.net"

    Booking.objects.filter(pk=held.pk).update(retention_hold=False)
    assert bookings_anonymise().anonymised == 1


def test_anonymising_twice_changes_nothing_the_second_time(old_booking):
    old_booking()
    bookings_anonymise()
    first = list(Booking.objects.values_list("anonymised_at", flat=True))

    with time_machine.travel(NOW + DAY, tick=False):
        assert bookings_anonymise().anonymised == 0
    assert list(Booking.objects.values_list("anonymised_at", flat=True)) == first


def test_rows_are_anonymised_in_batches_with_a_fixed_number_of_queries_each(old_booking):
    for _ in range(5):
        old_booking()

    with CaptureQueriesContext(connection) as two_per_batch:
        report = bookings_anonymise(batch_size=2)
    for _ in range(5):
        old_booking()
    with CaptureQueriesContext(connection) as all_in_one:
        bookings_anonymise(batch_size=10)
    with CaptureQueriesContext(connection) as nothing_due:
        bookings_anonymise(batch_size=10)

    assert report.anonymised == 5
    assert Booking.objects.filter(anonymised_at__isnull=True).count() == 0
    # A fixed part (held count, stale drafts, other notes), then per batch: ids, update,
    # event notes, charter notes, event actors (+ savepoints); the three batches of two
    # cost three times one batch of ten. With nothing due, the fixed part and one read.
    fixed = len(nothing_due.captured_queries) - 1
    per_batch = len(all_in_one.captured_queries) - fixed
    assert len(two_per_batch.captured_queries) == fixed + 3 * per_batch


def test_a_dry_run_counts_and_changes_nothing(old_booking):
    old_booking(status=S.COMPLETED)
    old_booking(status=S.NO_SHOW)
    old_booking(status=S.NO_SHOW, retention_hold=True)

    report = bookings_anonymise(dry_run=True)

    assert report.dry_run and report.anonymised == 2
    assert report.by_status == {S.COMPLETED: 1, S.NO_SHOW: 1}
    assert report.held == 1
    assert Booking.objects.filter(anonymised_at__isnull=False).count() == 0
    assert not Booking.objects.filter(seller_email="").exists()


def test_statistics_are_the_same_before_and_after(old_booking, paris_11):
    for status in (S.COMPLETED, S.COMPLETED, S.INCIDENT, S.NO_SHOW, S.CANCELLED):
        old_booking(status=status)
    old_booking(status=S.ABORTED, item_kind=ItemKind.VEHICLE)
    before = booking_statistics(stations=[paris_11])

    bookings_anonymise()

    assert booking_statistics(stations=[paris_11]) == before
    assert before["by_status"] == {"completed": 2, "incident": 1, "no_show": 1, "cancelled": 1, "aborted": 1}
    assert before["by_item_kind"] == {"goods": 5, "vehicle": 1}


def test_the_command_dry_run_reports_and_the_real_run_anonymises(old_booking):
    old_booking(status=S.COMPLETED)
    old_booking(status=S.INCIDENT, retention_hold=True)

    dry = StringIO()
    call_command("anonymise_bookings", "--dry-run", stdout=dry)
    assert "1 booking(s) ended more than 90 days ago would be anonymised" in dry.getvalue()
    assert "1 booking(s) kept under an incident hold" in dry.getvalue()
    assert Booking.objects.filter(anonymised_at__isnull=False).count() == 0

    real = StringIO()
    call_command("anonymise_bookings", stdout=real)
    assert "1 booking(s) ended more than 90 days ago anonymised" in real.getvalue()
    assert "Completed: 1" in real.getvalue()
    assert "Unfinished booking drafts past their lifetime: 0." in real.getvalue()


def test_the_periodic_task_anonymises(old_booking):
    old_booking()

    assert tasks.anonymise_old_bookings() == 1


def test_staff_override_reasons_and_the_matched_words_are_erased_with_the_booking(old_booking, staff_11e):
    booking = old_booking()
    review = BookingCharterReview.objects.create(
        booking=booking,
        version=booking.buyer_charter_version,
        verdict="review",
        term="couteau suisse",
        checked_at=booking.starts_at,
        override_verdict="allowed",
        override_reason="Vu avec M. Martin (06 12 34 56 78), couteau de collection",
        overridden_by=staff_11e,
    )
    CharterOverride.objects.create(
        review=review, at=NOW, by=staff_11e, from_verdict="review", to_verdict="allowed", reason="Vu avec M. Martin"
    )

    bookings_anonymise()

    review.refresh_from_db()
    assert (review.term, review.override_reason) == ("", "")
    assert list(review.overrides.values_list("reason", "by", "to_verdict")) == [("", staff_11e.pk, "allowed")]
    # The decision stays counted: only its words are gone.
    assert (review.verdict, review.effective_verdict, review.overridden_by) == ("review", "allowed", staff_11e)


def test_absence_and_ban_lift_reasons_are_erased_once_as_old_as_the_period(paris_11, buyer, staff_11e):
    officer = factories.OfficerFactory(station=paris_11)
    old_absence = factories.OfficerAbsenceFactory(officer=officer, starts_at=NOW - 92 * DAY, reason="Arrêt maladie")
    recent_absence = factories.OfficerAbsenceFactory(officer=officer, starts_at=NOW - 10 * DAY, reason="Formation")
    old_lift = BookingBanLift.objects.create(buyer=buyer, lifted_at=NOW - 91 * DAY, reason="Enfant malade")
    recent_lift = BookingBanLift.objects.create(buyer=buyer, lifted_at=NOW - 10 * DAY, reason="Panne de métro")

    assert bookings_anonymise(dry_run=True).other_notes == 2
    assert bookings_anonymise().other_notes == 2

    reasons = [
        row.__class__.objects.get(pk=row.pk).reason for row in (old_absence, recent_absence, old_lift, recent_lift)
    ]
    assert reasons == ["", "Formation", "", "Panne de métro"]
    assert BookingBanLift.objects.get(pk=old_lift.pk).lifted_at == NOW - 91 * DAY


def test_the_hourly_task_deletes_expired_sessions_and_keeps_live_ones(settings):
    settings.SESSION_COOKIE_AGE = 7 * 24 * 3600
    stores = {}
    for name, age in (("expired", 8 * DAY), ("live", 6 * DAY)):
        with time_machine.travel(NOW - age, tick=False):
            stores[name] = SessionStore()
            stores[name]["account_login_email"] = "camille@example.net"
            stores[name].create()

    tasks.clear_expired_sessions()

    assert list(Session.objects.values_list("session_key", flat=True)) == [stores["live"].session_key]


# --- admin ---------------------------------------------------------------------------------------


def test_staff_set_and_lift_an_incident_hold_from_the_admin(client, old_booking, staff_11e):
    booking = old_booking(status=S.INCIDENT)
    client.force_login(staff_11e)
    url = reverse("admin:bookings_booking_changelist")

    client.post(url, {"action": "set_retention_hold", "_selected_action": [booking.pk]})
    booking.refresh_from_db()
    assert booking.retention_hold is True
    assert bookings_anonymise().anonymised == 0

    client.post(url, {"action": "lift_retention_hold", "_selected_action": [booking.pk]})
    booking.refresh_from_db()
    assert booking.retention_hold is False


def test_the_admin_lists_an_anonymised_booking_without_its_buyer(client, old_booking, staff_11e):
    booking = old_booking()
    bookings_anonymise()
    client.force_login(staff_11e)

    listing = client.get(reverse("admin:bookings_booking_changelist") + "?retention=anonymised")
    page = client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))

    assert listing.status_code == page.status_code == 200
    assert booking.reference in listing.content.decode()
    assert "camille@example.net" not in page.content.decode()
