"""Officer assignment (bookings.assignment): within the roster, least loaded first, never dropped silently."""

import random
import zoneinfo
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from bookings.assignment import station_reassign_officers, stations_staffing_sweep
from bookings.exceptions import SlotUnavailable
from bookings.models import Booking, BookingStatus
from bookings.selectors import station_free_slots, station_slot
from bookings.services import booking_accept, booking_cancel, booking_create
from bookings.slots.roster import Roster
from bookings.tasks import alert_unstaffed_booking, notify_officer_assignment
from stations.models import Shift, SpaceKind
from tests import factories
from tests.clock import pinned_clock
from tests.factories import SELLER_NAMES

S = BookingStatus
ROOM = SpaceKind.ROOM
PARIS = zoneinfo.ZoneInfo("Europe/Paris")

# Wednesday 2026-06-10, 08:00 in Paris. Slots are booked on Friday the 12th.
NOW = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)
FRIDAY = date(2026, 6, 12)

pytestmark = pytest.mark.django_db


_pinned_clock = pinned_clock(NOW)


@pytest.fixture(autouse=True)
def _many_bookings_per_buyer(settings):
    settings.BOOKINGS_MAX_ACTIVE_PER_BUYER = 1000


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), PARIS)


def on_shift(officer, starts_at, ends_at):
    return factories.ShiftFactory(officer=officer, starts_at=starts_at, ends_at=ends_at)


def rooms(station, count):
    existing = list(station.spaces.filter(kind=ROOM))
    for n in range(len(existing), count):
        factories.SpaceFactory(station=station, kind=ROOM, name=f"Salle {n + 1}")
    return list(station.spaces.filter(kind=ROOM).order_by("name"))


def book(buyer, station, seller, starts_at, **item):
    item.setdefault("item_title", "Vélo de course")
    return booking_create(buyer=buyer, station=station, starts_at=starts_at, **seller, **item)


def confirm(booking, charter, capture):
    with capture(execute=True):
        return booking_accept(**SELLER_NAMES, booking=booking, charter_version=charter)


def to(address) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def assert_roster_invariants(station):
    """No officer with two bookings at once or over the cap in a shift; every assignment within a shift."""
    active = list(Booking.objects.active(NOW).filter(station=station, officer__isnull=False))
    by_officer = defaultdict(list)
    for booking in active:
        by_officer[booking.officer_id].append(booking)
    for officer_id, bookings in by_officer.items():
        bookings.sort(key=lambda b: b.starts_at)
        for first, second in zip(bookings, bookings[1:], strict=False):
            assert first.ends_at <= second.starts_at, f"officer {officer_id} has two bookings at once"
        for shift in Shift.objects.filter(officer_id=officer_id):
            inside = [b for b in bookings if b.starts_at < shift.ends_at and b.ends_at > shift.starts_at]
            assert all(shift.starts_at <= b.starts_at and b.ends_at <= shift.ends_at for b in inside)
            assert len(inside) <= station.officer_cap_per_shift
        for booking in bookings:
            assert Shift.objects.filter(
                officer_id=officer_id, starts_at__lte=booking.starts_at, ends_at__gte=booking.ends_at
            ).exists(), f"{booking} is outside its officer's shifts"


# --- reservation and confirmation -------------------------------------------------------


def test_a_room_booking_reserves_an_officer_and_the_officer_is_told_only_once_the_seller_accepts(
    buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(buyer, paris_11, seller, paris(FRIDAY, 10))
    assert booking.officer == officer
    assert to(officer.user.email) == []  # not told while the seller may still decline

    booking = confirm(booking, charter, django_capture_on_commit_callbacks)

    booking.refresh_from_db()
    assert booking.officer == officer
    assert booking.officer_notified_at == NOW
    (message,) = to(officer.user.email)
    assert booking.reference in message.subject
    assert "10:00" in message.subject  # the station's wall clock, not UTC
    assert paris_11.name in message.body
    assert any(name.endswith(".ics") for name, _content, _type in message.attachments)
    assert seller["seller_email"] not in message.body


def test_a_bay_booking_gets_no_officer(buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(buyer, paris_11, seller, paris(FRIDAY, 10), item_kind="vehicle", vehicle_plate="AB-123-CD")
    booking = confirm(booking, charter, django_capture_on_commit_callbacks)

    assert booking.officer is None
    assert to(officer.user.email) == []


def test_the_least_loaded_officer_of_the_shift_is_chosen(buyer, paris_11, charter, seller):
    rooms(paris_11, 3)
    busy = factories.OfficerFactory(station=paris_11, badge_number="A-001")
    free = factories.OfficerFactory(station=paris_11, badge_number="Z-999")
    for officer in (busy, free):
        on_shift(officer, paris(FRIDAY, 9), paris(FRIDAY, 18))
    for hour in (9, 11):
        factories.BookingFactory(
            station=paris_11, space=rooms(paris_11, 3)[0], starts_at=paris(FRIDAY, hour), officer=busy
        )

    booking = book(buyer, paris_11, seller, paris(FRIDAY, 15))

    assert booking.officer == free


def test_on_equal_load_the_choice_is_stable_by_badge_number(buyer, paris_11, charter, seller):
    second = factories.OfficerFactory(station=paris_11, badge_number="B-002")
    first = factories.OfficerFactory(station=paris_11, badge_number="B-001")
    for officer in (first, second):
        on_shift(officer, paris(FRIDAY, 9), paris(FRIDAY, 18))

    assert book(buyer, paris_11, seller, paris(FRIDAY, 10)).officer == first


def test_at_acceptance_the_booking_moves_to_a_strictly_less_loaded_officer(
    paris_11, charter, django_capture_on_commit_callbacks
):
    room_1, room_2 = rooms(paris_11, 2)
    first = factories.OfficerFactory(station=paris_11, badge_number="B-001")
    second = factories.OfficerFactory(station=paris_11, badge_number="B-002")
    for officer in (first, second):
        on_shift(officer, paris(FRIDAY, 9), paris(FRIDAY, 18))
    # Reserved with the first officer, who has since been given two more bookings.
    booking = factories.BookingFactory(station=paris_11, space=room_1, starts_at=paris(FRIDAY, 10), officer=first)
    for hour in (14, 15):
        factories.BookingFactory(station=paris_11, space=room_2, starts_at=paris(FRIDAY, hour), officer=first)

    confirm(booking, charter, django_capture_on_commit_callbacks)

    booking.refresh_from_db()
    assert booking.officer == second
    assert len(to(second.user.email)) == 1
    assert to(first.user.email) == []


def test_at_acceptance_a_tie_keeps_the_reserved_officer(paris_11, charter, django_capture_on_commit_callbacks):
    room_1, room_2 = rooms(paris_11, 2)
    first = factories.OfficerFactory(station=paris_11, badge_number="B-001")
    second = factories.OfficerFactory(station=paris_11, badge_number="B-002")
    for officer in (first, second):
        on_shift(officer, paris(FRIDAY, 9), paris(FRIDAY, 18))
    booking = factories.BookingFactory(station=paris_11, space=room_1, starts_at=paris(FRIDAY, 10), officer=second)
    factories.BookingFactory(station=paris_11, space=room_2, starts_at=paris(FRIDAY, 14), officer=second)
    factories.BookingFactory(station=paris_11, space=room_2, starts_at=paris(FRIDAY, 15), officer=first)

    confirm(booking, charter, django_capture_on_commit_callbacks)

    booking.refresh_from_db()
    assert booking.officer == second  # one other booking each: no churn
    assert len(to(second.user.email)) == 1


# --- the slot engine offers only what the assignment can staff ----------------------------


def test_the_per_shift_cap_closes_the_slots_of_a_full_shift(buyer, paris_11, charter, seller):
    paris_11.officer_cap_per_shift = 2
    paris_11.save()
    rooms(paris_11, 3)
    officer = factories.OfficerFactory(station=paris_11)
    on_shift(officer, paris(FRIDAY, 9), paris(FRIDAY, 12))
    on_shift(officer, paris(FRIDAY, 14), paris(FRIDAY, 18))
    book(buyer, paris_11, seller, paris(FRIDAY, 9))
    book(buyer, paris_11, seller, paris(FRIDAY, 10))

    morning = station_free_slots(station=paris_11, kind=ROOM, first_day=FRIDAY, last_day=FRIDAY)
    assert [s.local_starts_at.hour for s in morning if s.local_starts_at.hour < 12] == []
    with pytest.raises(SlotUnavailable):
        book(buyer, paris_11, seller, paris(FRIDAY, 11))
    # The afternoon is another shift, with its own cap.
    assert book(buyer, paris_11, seller, paris(FRIDAY, 14)).officer == officer


def test_an_officer_never_has_two_bookings_at_once(buyer, paris_11, officer, charter, seller):
    rooms(paris_11, 2)
    first = book(buyer, paris_11, seller, paris(FRIDAY, 10))

    assert station_slot(station=paris_11, kind=ROOM, starts_at=paris(FRIDAY, 10)) is None
    with pytest.raises(SlotUnavailable):
        book(buyer, paris_11, seller, paris(FRIDAY, 10))
    assert first.officer == officer


def test_an_absent_officer_staffs_no_room(paris_11, officer):
    factories.OfficerAbsenceFactory(officer=officer, starts_at=paris(FRIDAY, 10), ends_at=paris(FRIDAY, 12))

    times = [
        s.local_starts_at.strftime("%H:%M")
        for s in station_free_slots(station=paris_11, kind=ROOM, first_day=FRIDAY, last_day=FRIDAY)
    ]

    assert "09:30" in times and "12:00" in times
    assert not {"10:00", "10:30", "11:00", "11:30"} & set(times)


def test_a_booking_that_lost_its_officer_comes_before_a_new_booking(paris_11, officer):
    rooms(paris_11, 2)
    orphan = factories.BookingFactory(station=paris_11, space=rooms(paris_11, 2)[0], starts_at=paris(FRIDAY, 10))

    assert orphan.officer is None
    assert station_slot(station=paris_11, kind=ROOM, starts_at=paris(FRIDAY, 10)) is None


@pytest.mark.parametrize("seed", range(6))
def test_every_slot_the_engine_offers_can_be_booked_with_an_officer_and_stays_staffed_at_acceptance(
    seed, paris_11, charter, seller, django_capture_on_commit_callbacks, settings
):
    """Random rosters (overlapping shifts, absences, caps, rooms): book every slot offered, in random
    order, then accept them all. Each booking gets an officer from the engine, the seller's acceptance
    never leaves one without, and no officer is ever double-booked or over the cap."""
    # Every booking invites the one seller: the caps on invitations are not the point here.
    settings.BOOKINGS_INVITATIONS_PER_RECIPIENT_PER_DAY = settings.BOOKINGS_INVITATIONS_PER_BUYER_PER_DAY = 1000
    rng = random.Random(seed)
    paris_11.officer_cap_per_shift = rng.randint(1, 4)
    paris_11.save()
    rooms(paris_11, rng.randint(1, 4))
    for n in range(rng.randint(1, 4)):
        officer = factories.OfficerFactory(station=paris_11, badge_number=f"R{seed}-{n}")
        for _shift in range(rng.randint(1, 2)):
            start = rng.choice([8, 9, 10, 12, 13, 14])
            on_shift(officer, paris(FRIDAY, start), paris(FRIDAY, min(start + rng.randint(2, 6), 19)))
        if rng.random() < 0.3:
            factories.OfficerAbsenceFactory(
                officer=officer, starts_at=paris(FRIDAY, rng.randint(9, 16)), ends_at=paris(FRIDAY, 17)
            )
    buyers = [factories.UserFactory() for _ in range(3)]
    booked = []
    while True:
        offered = station_free_slots(station=paris_11, kind=ROOM, first_day=FRIDAY, last_day=FRIDAY)
        if not offered:
            break
        slot = rng.choice(offered)
        booking = book(rng.choice(buyers), paris_11, seller, slot.starts_at)  # never SlotUnavailable
        assert booking.officer_id is not None
        assert booking.officer_id in slot.officer_ids
        booked.append(booking)
        assert_roster_invariants(paris_11)

    rng.shuffle(booked)
    for booking in booked:
        confirm(booking, charter, django_capture_on_commit_callbacks)
        booking.refresh_from_db()
        assert booking.officer_id is not None and booking.unstaffed_since is None
    assert_roster_invariants(paris_11)


def test_roster_rules_alone_two_bookings_at_once_or_over_the_cap_are_not_kept():
    start = datetime(2026, 6, 12, 8, tzinfo=UTC)
    half = timedelta(minutes=30)
    roster = Roster(
        cap=2,
        shifts=[(1, "B1", start, start + timedelta(hours=4))],
        absences=[],
        bookings=[
            (10, 1, start, start + half),
            (11, 1, start, start + half),  # at the same time: not kept
            (12, 1, start + 2 * half, start + 3 * half),
            (13, 1, start + 4 * half, start + 5 * half),  # third in the shift: over the cap
        ],
    )

    assert [b[0] for b in roster.assigned[1]] == [10, 12]
    assert roster.misassigned == {11, 13}
    assert roster.free_officers(start + 6 * half, start + 7 * half) == []


# --- roster changes -------------------------------------------------------------------------


@pytest.fixture
def two_officers(paris_11):
    """Two officers on shift Friday 09:00-18:00; the `first` takes bookings on equal load."""
    first = factories.OfficerFactory(station=paris_11, badge_number="B-001")
    second = factories.OfficerFactory(station=paris_11, badge_number="B-002")
    shifts = {officer: on_shift(officer, paris(FRIDAY, 9), paris(FRIDAY, 18)) for officer in (first, second)}
    return first, second, shifts


@pytest.fixture
def confirmed_with_first(buyer, paris_11, charter, seller, two_officers, django_capture_on_commit_callbacks):
    first, _second, _shifts = two_officers
    booking = book(buyer, paris_11, seller, paris(FRIDAY, 10))
    assert booking.officer == first
    confirm(booking, charter, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    return booking


def test_removing_a_shift_reassigns_the_booking_and_tells_the_new_officer(
    confirmed_with_first, two_officers, django_capture_on_commit_callbacks
):
    first, second, shifts = two_officers
    with django_capture_on_commit_callbacks(execute=True):
        shifts[first].delete()

    confirmed_with_first.refresh_from_db()
    assert confirmed_with_first.officer == second
    assert confirmed_with_first.officer_notified_at == NOW
    assert len(to(second.user.email)) == 1


def test_marking_the_officer_absent_reassigns_the_booking(
    confirmed_with_first, two_officers, django_capture_on_commit_callbacks
):
    first, second, _shifts = two_officers
    with django_capture_on_commit_callbacks(execute=True):
        factories.OfficerAbsenceFactory(officer=first, starts_at=paris(FRIDAY, 8), ends_at=paris(FRIDAY, 20))

    confirmed_with_first.refresh_from_db()
    assert confirmed_with_first.officer == second


def test_an_officer_made_inactive_loses_the_booking_to_a_colleague(
    confirmed_with_first, two_officers, django_capture_on_commit_callbacks
):
    first, second, _shifts = two_officers
    first.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        first.save()

    confirmed_with_first.refresh_from_db()
    assert confirmed_with_first.officer == second


def test_a_shortened_shift_keeps_the_bookings_it_still_covers(
    buyer, paris_11, charter, seller, two_officers, django_capture_on_commit_callbacks
):
    first, second, shifts = two_officers
    room = rooms(paris_11, 1)[0]
    morning, afternoon = (
        factories.BookingFactory(
            station=paris_11, space=room, starts_at=paris(FRIDAY, hour), officer=first, status=S.CONFIRMED
        )
        for hour in (9, 16)
    )

    shifts[first].ends_at = paris(FRIDAY, 12)
    with django_capture_on_commit_callbacks(execute=True):
        shifts[first].save()

    morning.refresh_from_db()
    afternoon.refresh_from_db()
    assert morning.officer == first
    assert afternoon.officer == second


def test_a_lower_cap_moves_the_last_bookings_of_the_shift(
    buyer, paris_11, charter, seller, two_officers, django_capture_on_commit_callbacks, settings
):
    settings.BOOKINGS_INVITATIONS_PER_RECIPIENT_PER_DAY = 10  # four invitations to one seller, not the point here
    first, second, _shifts = two_officers
    rooms(paris_11, 2)
    bookings = [book(buyer, paris_11, seller, paris(FRIDAY, hour)) for hour in (9, 9, 10, 10)]
    assert sorted(b.officer_id for b in bookings) == sorted([first.pk, first.pk, second.pk, second.pk])

    paris_11.officer_cap_per_shift = 1
    with django_capture_on_commit_callbacks(execute=True):
        paris_11.save()

    officers = [Booking.objects.get(pk=b.pk).officer_id for b in bookings]
    assert sorted(o for o in officers if o) == sorted([first.pk, second.pk])
    assert officers.count(None) == 2


def test_when_nobody_can_take_it_the_booking_is_flagged_and_staff_alerted_once(
    confirmed_with_first, two_officers, staff_11e, django_capture_on_commit_callbacks
):
    first, second, shifts = two_officers
    with django_capture_on_commit_callbacks(execute=True):
        shifts[first].delete()
        shifts[second].delete()

    confirmed_with_first.refresh_from_db()
    assert confirmed_with_first.status == S.CONFIRMED  # never dropped
    assert confirmed_with_first.officer is None
    assert confirmed_with_first.unstaffed_since == NOW
    assert confirmed_with_first.is_unstaffed
    (alert,) = to(staff_11e.email)
    assert confirmed_with_first.reference in alert.subject
    assert reverse("admin:bookings_booking_change", args=[confirmed_with_first.pk]) in alert.body

    # Another roster change, a sweep, the task run again: still one alert.
    with django_capture_on_commit_callbacks(execute=True):
        station_reassign_officers(station_id=confirmed_with_first.station_id)
        stations_staffing_sweep()
    assert alert_unstaffed_booking(confirmed_with_first.pk) == 0
    assert len(to(staff_11e.email)) == 1


def test_a_new_shift_staffs_a_flagged_booking_and_clears_the_flag(
    confirmed_with_first, two_officers, staff_11e, django_capture_on_commit_callbacks
):
    first, second, shifts = two_officers
    with django_capture_on_commit_callbacks(execute=True):
        shifts[first].delete()
        shifts[second].delete()
    newcomer = factories.OfficerFactory(station=confirmed_with_first.station, badge_number="B-003")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        on_shift(newcomer, paris(FRIDAY, 9), paris(FRIDAY, 12))

    confirmed_with_first.refresh_from_db()
    assert confirmed_with_first.officer == newcomer
    assert confirmed_with_first.unstaffed_since is None
    assert confirmed_with_first.unstaffed_alerted_at is None  # a later loss alerts again
    assert len(to(newcomer.user.email)) == 1


def test_the_staffing_sweep_catches_what_bulk_changes_left_unstaffed(
    confirmed_with_first, two_officers, django_capture_on_commit_callbacks
):
    first, second, _shifts = two_officers
    Shift.objects.filter(officer=first).update(ends_at=paris(FRIDAY, 9, 30))  # no signal

    with django_capture_on_commit_callbacks(execute=True):
        result = stations_staffing_sweep()

    confirmed_with_first.refresh_from_db()
    assert confirmed_with_first.officer == second
    assert result["moved"] == 1
    assert len(to(second.user.email)) == 1


def test_a_cancelled_exchange_releases_the_officer_who_was_told(
    confirmed_with_first, two_officers, django_capture_on_commit_callbacks
):
    first, _second, _shifts = two_officers
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=confirmed_with_first, role="buyer", user=confirmed_with_first.buyer)

    (message,) = to(first.user.email)
    assert message.subject.startswith("Cancelled")
    assert confirmed_with_first.reference in message.subject


def test_the_officer_email_task_run_twice_sends_once(confirmed_with_first, two_officers):
    first, _second, _shifts = two_officers
    type(confirmed_with_first).objects.filter(pk=confirmed_with_first.pk).update(officer_notified_at=None)

    assert notify_officer_assignment(confirmed_with_first.pk) == 1
    assert notify_officer_assignment(confirmed_with_first.pk) == 0
    assert len(to(first.user.email)) == 1


# --- admin ----------------------------------------------------------------------------------


def test_staff_find_unstaffed_bookings_with_a_filter_and_a_flag(
    client, confirmed_with_first, two_officers, staff_11e, django_capture_on_commit_callbacks
):
    first, second, shifts = two_officers
    with django_capture_on_commit_callbacks(execute=True):
        shifts[first].delete()
        shifts[second].delete()
    client.force_login(staff_11e)

    response = client.get(reverse("admin:bookings_booking_changelist") + "?staffing=unstaffed")

    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [confirmed_with_first]
    assert "No officer available" in response.content.decode()


def test_staff_action_find_an_officer_assigns_after_a_shift_was_added_in_bulk(
    client, confirmed_with_first, two_officers, staff_11e, django_capture_on_commit_callbacks
):
    first, second, shifts = two_officers
    with django_capture_on_commit_callbacks(execute=True):
        shifts[first].delete()
        shifts[second].delete()
    Shift.objects.bulk_create([Shift(officer=second, starts_at=paris(FRIDAY, 9), ends_at=paris(FRIDAY, 12))])
    client.force_login(staff_11e)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:bookings_booking_changelist"),
            {"action": "find_officer", "_selected_action": [confirmed_with_first.pk]},
            follow=True,
        )

    assert response.status_code == 200
    confirmed_with_first.refresh_from_db()
    assert confirmed_with_first.officer == second
    assert "Officer assigned" in response.content.decode()


# --- the audit trail of officer changes --------------------------------------------------------


def officer_notes(booking) -> list[tuple[str, str, str]]:
    """The booking's audit rows that changed no status: (from, to, note)."""
    return [
        (event.from_status, event.to_status, event.note)
        for event in booking.events.order_by("id")
        if event.from_status == event.to_status
    ]


def test_a_reassignment_and_a_loss_of_officer_are_recorded_without_emailing_the_parties(
    confirmed_with_first, two_officers, django_capture_on_commit_callbacks
):
    first, second, shifts = two_officers
    assert officer_notes(confirmed_with_first) == []  # a tie at acceptance kept the reserved officer

    with django_capture_on_commit_callbacks(execute=True):
        shifts[first].delete()
    with django_capture_on_commit_callbacks(execute=True):
        shifts[second].delete()
    # Another roster change while nobody can take it: no second row.
    with django_capture_on_commit_callbacks(execute=True):
        station_reassign_officers(station_id=confirmed_with_first.station_id)

    assert officer_notes(confirmed_with_first) == [
        (S.CONFIRMED, S.CONFIRMED, "Officer with badge B-002 assigned."),
        (S.CONFIRMED, S.CONFIRMED, "No officer of the roster can take this booking: the station's staff are alerted."),
    ]
    officer_events = [e for e in confirmed_with_first.events.all() if e.from_status == e.to_status]
    assert [event.notified_at for event in officer_events] == [NOW, NOW]  # nothing left for the event sweep
    buyer_and_seller = {confirmed_with_first.buyer.email, confirmed_with_first.seller_email}
    assert not [m for m in mail.outbox if set(m.to) & buyer_and_seller]
