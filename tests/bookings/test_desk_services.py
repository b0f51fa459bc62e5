"""The check-in desk's services: each party marked present, the check-in, and every outcome."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bookings.exceptions import BookingError, InvalidTransition
from bookings.models import BookingStatus, NoShowParty
from bookings.services import (
    booking_check_in,
    booking_mark_no_show,
    booking_mark_present,
    booking_record_outcome,
    bookings_mark_no_shows,
)
from charter.models import BookingCharterReview
from stations.models import Room
from tests import factories

S = BookingStatus
NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)  # 10:00 in Paris

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def confirmed(paris_11):
    return factories.BookingFactory(
        station=paris_11,
        space=Room.objects.get(station=paris_11),
        status=S.CONFIRMED,
        starts_at=NOW + timedelta(minutes=15),
        ends_at=NOW + timedelta(minutes=45),
    )


def _events(booking):
    return list(booking.events.values_list("from_status", "to_status", "actor_role"))


def test_buyer_then_seller_present_checks_the_booking_in(confirmed, staff_11e):
    booking_mark_present(booking=confirmed, party="buyer", user=staff_11e)
    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED
    assert confirmed.buyer_present_at == NOW
    assert confirmed.seller_present_at is None
    assert _events(confirmed) == []

    booking_mark_present(booking=confirmed, party="seller", user=staff_11e)

    confirmed.refresh_from_db()
    assert confirmed.status == S.CHECKED_IN
    assert confirmed.seller_present_at == NOW
    assert _events(confirmed) == [(S.CONFIRMED, S.CHECKED_IN, "staff")]
    event = confirmed.events.get()
    assert event.actor == staff_11e
    assert event.note == "Buyer and seller present."


def test_marking_the_same_party_twice_changes_nothing(confirmed, staff_11e):
    booking_mark_present(booking=confirmed, party="seller", user=staff_11e)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        booking_mark_present(booking=confirmed, party="seller", user=staff_11e)

    confirmed.refresh_from_db()
    assert confirmed.seller_present_at == NOW
    assert confirmed.status == S.CONFIRMED


@pytest.mark.parametrize("status", [S.PENDING, S.CANCELLED, S.COMPLETED, S.NO_SHOW, S.EXPIRED])
def test_presence_is_refused_unless_confirmed_or_checked_in(paris_11, staff_11e, status):
    booking = factories.BookingFactory(station=paris_11, space=Room.objects.get(station=paris_11), status=status)

    with pytest.raises(InvalidTransition):
        booking_mark_present(booking=booking, party="buyer", user=staff_11e)

    booking.refresh_from_db()
    assert booking.buyer_present_at is None


def test_an_unknown_party_is_refused(confirmed, staff_11e):
    with pytest.raises(InvalidTransition):
        booking_mark_present(booking=confirmed, party="officer", user=staff_11e)


def test_staff_may_check_in_with_one_party_and_the_late_one_is_still_recorded(confirmed, staff_11e):
    booking_mark_present(booking=confirmed, party="buyer", user=staff_11e)
    booking_check_in(booking=confirmed, user=staff_11e, note="Le vendeur a envoyé son frère.")
    confirmed.refresh_from_db()
    assert confirmed.status == S.CHECKED_IN
    assert confirmed.events.get().note == "Le vendeur a envoyé son frère."

    booking_mark_present(booking=confirmed, party="seller", user=staff_11e)

    confirmed.refresh_from_db()
    assert confirmed.seller_present_at == NOW
    assert confirmed.events.count() == 1  # no second check-in


@pytest.mark.parametrize("outcome", [S.COMPLETED, S.ABORTED])
def test_completed_and_aborted_need_the_check_in(confirmed, staff_11e, outcome):
    with pytest.raises(InvalidTransition):
        booking_record_outcome(booking=confirmed, outcome=outcome, user=staff_11e)

    booking_check_in(booking=confirmed, user=staff_11e)
    booking_record_outcome(booking=confirmed, outcome=outcome, user=staff_11e)

    confirmed.refresh_from_db()
    assert confirmed.status == outcome


def test_an_incident_needs_a_note_and_sets_the_incident_hold(confirmed, staff_11e):
    booking_check_in(booking=confirmed, user=staff_11e)
    with pytest.raises(BookingError):
        booking_record_outcome(booking=confirmed, outcome=S.INCIDENT, user=staff_11e, note="  ")
    confirmed.refresh_from_db()
    assert confirmed.status == S.CHECKED_IN
    assert not confirmed.retention_hold

    booking_record_outcome(booking=confirmed, outcome=S.INCIDENT, user=staff_11e, note="Altercation, police-secours.")

    confirmed.refresh_from_db()
    assert confirmed.status == S.INCIDENT
    assert confirmed.retention_hold
    assert confirmed.events.last().note == "Altercation, police-secours."


def test_an_incident_can_be_recorded_before_the_check_in(confirmed, staff_11e):
    booking_record_outcome(booking=confirmed, outcome=S.INCIDENT, user=staff_11e, note="Menaces à l'accueil.")

    confirmed.refresh_from_db()
    assert confirmed.status == S.INCIDENT
    assert confirmed.retention_hold


def test_refused_under_the_charter_records_the_category(confirmed, staff_11e):
    booking_record_outcome(booking=confirmed, outcome=S.REFUSED, user=staff_11e, refusal_category="blade")

    confirmed.refresh_from_db()
    assert confirmed.status == S.REFUSED
    assert confirmed.refusal_category == "blade"
    assert not confirmed.retention_hold


def test_refused_without_a_category_takes_the_charter_checks(confirmed, staff_11e):
    BookingCharterReview.objects.create(
        booking=confirmed, version=confirmed.buyer_charter_version, verdict="review", category="bulky", checked_at=NOW
    )
    booking_check_in(booking=confirmed, user=staff_11e)

    booking_record_outcome(booking=confirmed, outcome=S.REFUSED, user=staff_11e)

    confirmed.refresh_from_db()
    assert confirmed.refusal_category == "bulky"


def test_no_show_of_both_when_nobody_was_marked_present(confirmed, staff_11e):
    booking_mark_no_show(booking=confirmed, user=staff_11e)

    confirmed.refresh_from_db()
    assert confirmed.status == S.NO_SHOW
    assert confirmed.no_show_party == NoShowParty.BOTH


def test_no_show_of_the_party_that_was_not_marked_present(confirmed, staff_11e):
    booking_mark_present(booking=confirmed, party="buyer", user=staff_11e)

    booking_mark_no_show(booking=confirmed, user=staff_11e)

    confirmed.refresh_from_db()
    assert confirmed.no_show_party == NoShowParty.SELLER


def test_staff_name_who_did_not_come(confirmed, staff_11e):
    booking_mark_no_show(booking=confirmed, user=staff_11e, party=NoShowParty.BUYER, note="Vendeur venu seul")

    confirmed.refresh_from_db()
    assert confirmed.no_show_party == NoShowParty.BUYER
    assert confirmed.events.last().note == "Vendeur venu seul"


def test_a_party_marked_present_cannot_be_the_no_show(confirmed, staff_11e):
    booking_mark_present(booking=confirmed, party="seller", user=staff_11e)

    for party in (NoShowParty.SELLER, NoShowParty.BOTH):
        with pytest.raises(BookingError):
            booking_mark_no_show(booking=confirmed, user=staff_11e, party=party)

    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED


def test_the_no_show_sweep_records_who_did_not_come(confirmed, staff_11e):
    booking_mark_present(booking=confirmed, party="seller", user=staff_11e)

    with time_machine.travel(confirmed.starts_at + timedelta(hours=2), tick=False):
        assert bookings_mark_no_shows() == 1

    confirmed.refresh_from_db()
    assert confirmed.status == S.NO_SHOW
    assert confirmed.no_show_party == NoShowParty.BUYER
    assert confirmed.events.last().actor_role == "system"
