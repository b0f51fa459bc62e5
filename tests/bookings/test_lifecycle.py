"""The booking lifecycle (bookings.services): every state change, its audit row and its emails."""

import re
import zoneinfo
from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest
import time_machine
from django.core import mail
from django.db import transaction

from bookings.exceptions import (
    CharterViolation,
    InvalidTransition,
    SellerIsBuyer,
    SlotUnavailable,
    TooManyActiveBookings,
)
from bookings.links import seller_invite_path, seller_token
from bookings.models import REFERENCE_ALPHABET, Booking, BookingEvent, BookingStatus, ItemKind, new_reference
from bookings.services import (
    Actor,
    booking_accept,
    booking_cancel,
    booking_check_in,
    booking_create,
    booking_decline,
    booking_expire,
    booking_mark_no_show,
    booking_record_outcome,
    bookings_expire_overdue,
)
from bookings.tasks import notify_booking_event
from stations.models import SpaceKind
from tests import factories

S = BookingStatus
PARIS = zoneinfo.ZoneInfo("Europe/Paris")

# Wednesday 2026-06-10, 08:00 in Paris (summer time, UTC+2). Pinned before any
# fixture runs, so the officer's shifts start today.
NOW = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)
# Friday 10:00 in Paris: far enough for the seller's full 24-hour window.
SLOT = datetime(2026, 6, 12, 10, 0, tzinfo=PARIS)
# Today 14:00 in Paris: the window is cut to end 2 hours before the slot.
SAME_DAY_SLOT = datetime(2026, 6, 10, 14, 0, tzinfo=PARIS)

REFERENCE = re.compile(r"^SX-[34679ACDEFGHJKMNPQRTUVWXY]{5}$")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def book(buyer, station, seller, *, starts_at=SLOT, **item):
    item.setdefault("item_title", "Vélo de course")
    item.setdefault("item_description", "Cadre acier, taille 56")
    return booking_create(buyer=buyer, station=station, starts_at=starts_at, **seller, **item)


@pytest.fixture
def pending(buyer, paris_11, officer, charter, seller):
    return book(buyer, paris_11, seller)


@pytest.fixture
def confirmed(pending, charter):
    return booking_accept(booking=pending, charter_version=charter)


def statuses(booking):
    return list(booking.events.order_by("at", "id").values_list("from_status", "to_status"))


def sent_to(outbox=None) -> list[tuple[str, str]]:
    return sorted((m.to[0], m.subject) for m in (outbox if outbox is not None else mail.outbox))


def recipients() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


def attachment(message, suffix):
    found = [a for a in message.attachments if a[0].endswith(suffix)]
    assert len(found) == 1, [a[0] for a in message.attachments]
    return found[0]


# --- booking_create ---------------------------------------------------------------------------


def test_booking_create_makes_a_pending_booking_on_the_room(buyer, paris_11, officer, charter, seller):
    booking = book(buyer, paris_11, seller)

    booking.refresh_from_db()
    assert booking.status == S.PENDING
    assert booking.station == paris_11
    assert booking.space.kind == SpaceKind.ROOM
    assert booking.starts_at == SLOT
    assert booking.ends_at == SLOT + timedelta(minutes=30)
    assert booking.buyer == buyer
    assert booking.seller_email == seller["seller_email"]
    assert booking.seller_name == seller["seller_name"]
    assert booking.buyer_charter_version == charter
    assert booking.seller_charter_version is None
    assert booking.seller_answered_at is None


def test_booking_reference_is_sx_and_five_unambiguous_characters(pending):
    assert REFERENCE.match(pending.reference), pending.reference


def test_references_never_use_characters_that_are_misread_aloud():
    references = {new_reference() for _ in range(2000)}

    assert all(REFERENCE.match(r) for r in references)
    assert not set("".join(r[3:] for r in references)) & set("0O1IL5S2Z8B")
    assert set("".join(r[3:] for r in references)) == set(REFERENCE_ALPHABET)


def test_a_reference_already_taken_is_drawn_again_not_reported_as_a_taken_slot(
    buyer, other_buyer, paris_11, officer, charter, seller, monkeypatch
):
    first = book(buyer, paris_11, seller, starts_at=SLOT.replace(hour=10))
    draws = iter([first.reference, first.reference, "SX-CAFE9"])

    def unlucky_draw():
        return next(draws)

    # Whichever way booking_create draws a reference, it gets the taken one first.
    monkeypatch.setattr(Booking._meta.get_field("reference"), "_get_default", unlucky_draw)
    monkeypatch.setattr("bookings.services.new_reference", unlucky_draw, raising=False)

    second = book(other_buyer, paris_11, seller, starts_at=SLOT.replace(hour=11))

    assert second.reference == "SX-CAFE9"
    assert Booking.objects.count() == 2


def test_the_hold_lasts_the_stations_window_when_the_slot_is_far(pending, paris_11):
    assert paris_11.seller_window_hours == 24
    assert pending.hold_expires_at == NOW + timedelta(hours=24)


def test_the_hold_ends_two_hours_before_a_slot_that_is_near(buyer, paris_11, officer, charter, seller):
    booking = book(buyer, paris_11, seller, starts_at=SAME_DAY_SLOT)

    assert booking.hold_expires_at == SAME_DAY_SLOT - timedelta(hours=2)
    assert booking.hold_expires_at < NOW + timedelta(hours=24)


def test_booking_create_writes_one_event_by_the_buyer(pending, buyer):
    event = BookingEvent.objects.get(booking=pending)

    assert (event.from_status, event.to_status) == ("", S.PENDING)
    assert event.actor == buyer
    assert event.actor_role == Actor.BUYER
    assert event.at == NOW
    assert event.notified_at is None  # the on-commit task has not run


def test_booking_create_emails_the_seller_invite_and_the_buyer_after_commit(
    buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        booking = book(buyer, paris_11, seller)
        assert mail.outbox == []  # nothing leaves before the commit

    assert len(callbacks) == 1
    assert recipients() == sorted([buyer.email, seller["seller_email"]])
    invite = next(m for m in mail.outbox if m.to == [seller["seller_email"]])
    assert seller_invite_path(booking) in invite.body
    assert booking.reference in invite.body
    buyer_mail = next(m for m in mail.outbox if m.to == [buyer.email])
    assert seller_invite_path(booking) not in buyer_mail.body  # only the seller may answer
    assert all(m.alternatives and m.alternatives[0][1] == "text/html" for m in mail.outbox)
    assert BookingEvent.objects.get(booking=booking).notified_at is not None


def test_no_email_to_the_buyer_ever_carries_the_seller_link(
    buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks
):
    # With it, the buyer could accept on the seller's behalf.
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(buyer, paris_11, seller)
    with django_capture_on_commit_callbacks(execute=True):
        booking_accept(booking=booking, charter_version=charter)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, role=Actor.BUYER, user=buyer, reason="Plus besoin")
    token = seller_token(booking)

    to_buyer = [m for m in mail.outbox if m.to == [buyer.email]]
    to_seller = [m for m in mail.outbox if m.to == [seller["seller_email"]]]
    assert len(to_buyer) == 3
    assert len(to_seller) == 3
    for message in to_buyer:
        assert token not in message.body
        assert token not in message.alternatives[0][0]
    invite = to_seller[0]
    assert token in invite.body
    assert token in invite.alternatives[0][0]


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("Couteau de chasse", "", "blade"),
        ("lave-linge", "", "bulky"),
        ("Appareil ménager", "Un Lave Linge presque neuf", "bulky"),
    ],
)
def test_a_forbidden_item_raises_charter_violation_and_writes_nothing(
    buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks, title, description, category
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(CharterViolation) as error:
        book(buyer, paris_11, seller, item_title=title, item_description=description)

    assert error.value.verdict.category == category
    assert str(error.value.message)
    assert Booking.objects.count() == 0
    assert BookingEvent.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_a_vehicle_gets_a_parking_bay_and_needs_no_officer(buyer, paris_11, charter, seller):
    booking = book(
        buyer, paris_11, seller, item_title="Renault Clio", item_kind=ItemKind.VEHICLE, vehicle_plate=" ab-123-cd "
    )

    assert booking.space.kind == SpaceKind.BAY
    assert booking.vehicle_plate == "AB-123-CD"
    assert booking.is_vehicle


def test_an_object_without_an_officer_on_shift_is_refused(buyer, paris_11, charter, seller):
    with pytest.raises(SlotUnavailable):
        book(buyer, paris_11, seller)

    assert Booking.objects.count() == 0


def test_second_booking_for_the_same_room_slot_is_refused(buyer, other_buyer, paris_11, officer, charter, seller):
    book(buyer, paris_11, seller)

    with pytest.raises(SlotUnavailable):
        book(other_buyer, paris_11, seller)

    assert Booking.objects.count() == 1


def test_second_booking_for_same_bay_is_refused(buyer, other_buyer, paris_11, charter, seller):
    vehicle = {"item_title": "Peugeot 208", "item_kind": ItemKind.VEHICLE, "vehicle_plate": "AA-001-AA"}
    book(buyer, paris_11, seller, **vehicle)

    with pytest.raises(SlotUnavailable):
        book(other_buyer, paris_11, seller, **vehicle)


def test_a_slot_outside_the_offer_is_refused(buyer, paris_11, officer, charter, seller):
    for starts_at in (
        datetime(2026, 6, 12, 10, 10, tzinfo=PARIS),  # not on the slot grid
        datetime(2026, 6, 12, 19, 0, tzinfo=PARIS),  # after closing time
        datetime(2026, 6, 10, 9, 0, tzinfo=PARIS),  # inside the lead time
        datetime(2026, 7, 10, 10, 0, tzinfo=PARIS),  # beyond the horizon
    ):
        with pytest.raises(SlotUnavailable):
            book(buyer, paris_11, seller, starts_at=starts_at)

    assert Booking.objects.count() == 0


def test_a_lapsed_hold_is_expired_and_its_slot_booked_again(
    buyer, other_buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks
):
    lapsed = book(buyer, paris_11, seller)
    later = lapsed.hold_expires_at + timedelta(minutes=1)

    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        booking = book(other_buyer, paris_11, seller)

    lapsed.refresh_from_db()
    assert lapsed.status == S.EXPIRED
    assert booking.status == S.PENDING
    assert booking.space == lapsed.space


def test_a_fourth_active_booking_for_the_same_buyer_is_refused(buyer, paris_11, officer, charter, seller):
    for hour in (10, 11, 12):
        book(buyer, paris_11, seller, starts_at=SLOT.replace(hour=hour))

    with pytest.raises(TooManyActiveBookings) as error:
        book(buyer, paris_11, seller, starts_at=SLOT.replace(hour=13))

    assert "3" in str(error.value.message)
    assert Booking.objects.filter(buyer=buyer).count() == 3


def test_the_active_booking_limit_counts_only_bookings_that_still_hold(
    buyer, other_buyer, paris_11, officer, charter, seller, settings
):
    settings.BOOKINGS_INVITATIONS_PER_RECIPIENT_PER_DAY = 10  # five invitations to one seller, not the point here
    first, *_ = (book(buyer, paris_11, seller, starts_at=SLOT.replace(hour=hour)) for hour in (10, 11, 12))
    book(other_buyer, paris_11, seller, starts_at=SLOT.replace(hour=14))  # someone else's does not count
    booking_cancel(booking=first, role=Actor.BUYER, user=buyer, reason="Plus besoin")

    fourth = book(buyer, paris_11, seller, starts_at=SLOT.replace(hour=13))

    assert fourth.status == S.PENDING


def test_a_lapsed_hold_does_not_count_towards_the_limit(buyer, paris_11, officer, charter, seller):
    for hour in (10, 11, 12):
        book(buyer, paris_11, seller, starts_at=SLOT.replace(hour=hour))

    with time_machine.travel(NOW + timedelta(hours=25), tick=False):
        # Every hold has lapsed; the sweep has not run.
        assert Booking.objects.filter(status=S.PENDING).count() == 3
        fourth = book(buyer, paris_11, seller, starts_at=SLOT.replace(hour=16))

    assert fourth.status == S.PENDING


@pytest.mark.parametrize("status", [S.CONFIRMED, S.CHECKED_IN])
def test_bookings_whose_slot_is_over_do_not_count_towards_the_limit(buyer, paris_11, officer, charter, seller, status):
    # The refusal tells the buyer to "wait until one is over": staff closing
    # the file (outcome, no-show) later must not keep the buyer locked out.
    room = paris_11.spaces.get(kind=SpaceKind.ROOM)
    for days in (1, 2, 3):
        starts_at = NOW - timedelta(days=days)
        factories.BookingFactory(
            station=paris_11,
            space=room,
            buyer=buyer,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=30),
            hold_expires_at=starts_at - timedelta(hours=2),
            buyer_charter_version=charter,
            status=status,
        )

    booking = book(buyer, paris_11, seller)

    assert booking.status == S.PENDING


def test_a_booking_under_way_still_counts_towards_the_limit(buyer, paris_11, officer, charter, seller):
    room = paris_11.spaces.get(kind=SpaceKind.ROOM)
    for minutes in (-10, 60 * 24, 60 * 25):  # one started ten minutes ago, two to come
        starts_at = NOW + timedelta(minutes=minutes)
        factories.BookingFactory(
            station=paris_11,
            space=room,
            buyer=buyer,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=30),
            hold_expires_at=NOW - timedelta(hours=3),
            buyer_charter_version=charter,
            status=S.CHECKED_IN if minutes < 0 else S.CONFIRMED,
        )

    with pytest.raises(TooManyActiveBookings):
        book(buyer, paris_11, seller)


@pytest.mark.parametrize("email", ["buyer@example.org", "  Buyer@Example.ORG "])
def test_naming_yourself_as_the_seller_is_refused(buyer, paris_11, officer, charter, email):
    with pytest.raises(SellerIsBuyer):
        booking_create(
            buyer=buyer, station=paris_11, starts_at=SLOT, item_title="Vélo", seller_email=email, seller_name="Moi"
        )

    assert Booking.objects.count() == 0
    assert BookingEvent.objects.count() == 0


def test_a_booking_made_in_a_transaction_that_rolls_back_sends_nothing(
    buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks
):
    # The rollback happens before the capture ends: a commit would run what is left.
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        book(buyer, paris_11, seller)
        raise RuntimeError("the surrounding work failed")

    assert callbacks == []
    assert mail.outbox == []
    assert Booking.objects.count() == 0
    assert BookingEvent.objects.count() == 0


# --- the seller answers -----------------------------------------------------------------------


def test_accept_confirms_and_records_the_sellers_charter_version(pending, charter):
    booking = booking_accept(booking=pending, charter_version=charter)

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
        booking_accept(booking=pending, charter_version=newer)

    pending.refresh_from_db()
    assert pending.status == S.PENDING
    assert pending.seller_charter_version is None
    assert pending.events.count() == 1


def test_confirmation_emails_both_parties_with_a_calendar_file_and_a_qr_code(
    pending, charter, buyer, seller, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_accept(booking=pending, charter_version=charter)

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
            booking_accept(booking=pending, charter_version=charter, now=after)
        else:
            booking_decline(booking=pending, now=after)

    pending.refresh_from_db()
    assert pending.status == S.PENDING
    assert pending.events.count() == 1


# --- expiry -----------------------------------------------------------------------------------


def test_the_sweep_expires_a_hold_after_its_deadline_and_tells_both(
    pending, buyer, seller, django_capture_on_commit_callbacks
):
    deadline = pending.hold_expires_at

    assert bookings_expire_overdue(now=deadline - timedelta(seconds=1)) == 0
    pending.refresh_from_db()
    assert pending.status == S.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_expire_overdue(now=deadline) == 1

    pending.refresh_from_db()
    assert pending.status == S.EXPIRED
    assert statuses(pending)[-1] == (S.PENDING, S.EXPIRED)
    assert pending.events.last().actor_role == Actor.SYSTEM
    assert recipients() == sorted([buyer.email, seller["seller_email"]])


def test_the_sweep_run_twice_expires_once(pending):
    later = pending.hold_expires_at + timedelta(minutes=5)

    assert bookings_expire_overdue(now=later) == 1
    assert bookings_expire_overdue(now=later) == 0

    assert pending.events.filter(to_status=S.EXPIRED).count() == 1


def test_the_sweep_leaves_answered_bookings_alone(confirmed):
    assert bookings_expire_overdue(now=confirmed.starts_at) == 0

    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED


def test_a_hold_cannot_be_expired_before_its_deadline(pending):
    with pytest.raises(InvalidTransition):
        booking_expire(booking=pending, now=pending.hold_expires_at - timedelta(seconds=1))

    assert pending.events.count() == 1


# --- cancelling -------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["pending", "confirmed"])
def test_the_buyer_can_cancel_a_pending_or_confirmed_booking(
    request, fixture, buyer, seller, django_capture_on_commit_callbacks
):
    booking = request.getfixturevalue(fixture)
    before = booking.status

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, role=Actor.BUYER, user=buyer, reason="Trouvé moins cher")

    booking.refresh_from_db()
    assert booking.status == S.CANCELLED
    assert booking.cancel_reason == "Trouvé moins cher"
    last = booking.events.last()
    assert (last.from_status, last.to_status, last.actor, last.actor_role) == (before, S.CANCELLED, buyer, "buyer")
    assert recipients() == sorted([buyer.email, seller["seller_email"]])


def test_staff_can_cancel_a_confirmed_booking(confirmed, staff_11e):
    booking_cancel(booking=confirmed, role=Actor.STAFF, user=staff_11e, reason="Commissariat fermé")

    confirmed.refresh_from_db()
    assert confirmed.status == S.CANCELLED
    assert confirmed.events.last().actor == staff_11e


def test_a_completed_booking_cannot_be_cancelled(confirmed, staff_11e, buyer):
    booking_check_in(booking=confirmed, user=staff_11e)
    booking_record_outcome(booking=confirmed, outcome=S.COMPLETED, user=staff_11e)
    events = confirmed.events.count()

    with pytest.raises(InvalidTransition):
        booking_cancel(booking=confirmed, role=Actor.BUYER, user=buyer, reason="Trop tard")

    confirmed.refresh_from_db()
    assert confirmed.status == S.COMPLETED
    assert confirmed.cancel_reason == ""
    assert confirmed.events.count() == events


# --- at the station ---------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", [S.COMPLETED, S.ABORTED, S.INCIDENT])
def test_check_in_then_the_officer_records_the_outcome(confirmed, staff_11e, outcome):
    booking_check_in(booking=confirmed, user=staff_11e)
    confirmed.refresh_from_db()
    assert confirmed.status == S.CHECKED_IN

    booking_record_outcome(booking=confirmed, outcome=outcome, user=staff_11e, note="RAS")

    confirmed.refresh_from_db()
    assert confirmed.status == outcome
    assert statuses(confirmed) == [
        ("", S.PENDING),
        (S.PENDING, S.CONFIRMED),
        (S.CONFIRMED, S.CHECKED_IN),
        (S.CHECKED_IN, outcome),
    ]
    assert [e.actor_role for e in confirmed.events.all()] == ["buyer", "seller", "staff", "staff"]
    assert confirmed.events.last().actor == staff_11e
    assert confirmed.events.last().note == "RAS"


def test_a_confirmed_booking_nobody_came_to_is_a_no_show(confirmed, staff_11e):
    booking_mark_no_show(booking=confirmed, user=staff_11e)

    confirmed.refresh_from_db()
    assert confirmed.status == S.NO_SHOW
    assert confirmed.events.last().actor_role == Actor.STAFF


def test_a_checked_in_booking_still_holds_its_slot(confirmed, other_buyer, paris_11, seller, staff_11e):
    booking_check_in(booking=confirmed, user=staff_11e)

    with pytest.raises(SlotUnavailable):
        book(other_buyer, paris_11, seller)


# --- invalid transitions ----------------------------------------------------------------------


def _staff(request):
    return request.getfixturevalue("staff_11e")


ACTIONS = {
    "accept": (lambda b, r: booking_accept(booking=b, charter_version=r.getfixturevalue("charter")), {S.PENDING}),
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
        booking_accept(booking=stale, charter_version=charter)

    assert stale_status == S.PENDING
    pending.refresh_from_db()
    assert pending.status == S.CANCELLED
    assert pending.events.count() == 2


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
        booking_accept(booking=pending, charter_version=charter)

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
