"""booking_create's one-slot check (bookings.slots.booking_check) against the whole engine.

The page offers slots from the engine; booking one checks it again in one SQL statement.
The two must agree, or a buyer is offered what they cannot book (or booked into what
was never offered): on random stations, every slot of a day is asked both ways.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bookings.assignment import station_reassign_officers
from bookings.exceptions import NoOfficerFree, SlotUnavailable, StationUnderPressure
from bookings.models import BookingStatus
from bookings.selectors import station_free_slots
from bookings.services import booking_create
from bookings.slots.booking_check import slot_check
from stations.models import SpaceKind
from tests import factories
from tests.clock import pinned_clock

NOW = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)  # Wednesday 08:00 in Paris
TOMORROW = date(2026, 6, 11)
HALF = timedelta(minutes=30)

pytestmark = pytest.mark.django_db


_pinned_clock = pinned_clock(NOW)


def _paris(hour: int, minute: int = 0, day=TOMORROW) -> datetime:
    station_zone = factories.StationFactory._meta.model(time_zone="Europe/Paris").zone
    return datetime.combine(day, time(hour, minute), station_zone)


def _random_station(rng: random.Random, n: int):
    station = factories.StationFactory(slug=f"random-{n}", officer_cap_per_shift=rng.randint(1, 4))
    for weekday in range(7):
        factories.OpeningHoursFactory(station=station, weekday=weekday, opens_at=time(9), closes_at=time(13))
    rooms = [factories.SpaceFactory(station=station, kind=SpaceKind.ROOM, name=f"Salle {r}") for r in range(3)]
    bay = factories.SpaceFactory(station=station, kind=SpaceKind.BAY, name="Place 1")
    officers = [factories.OfficerFactory(station=station, badge_number=f"B-{o}") for o in range(3)]
    for officer in officers:
        for _ in range(rng.randint(0, 2)):
            start = _paris(8) + rng.randint(0, 8) * HALF
            factories.ShiftFactory(officer=officer, starts_at=start, ends_at=start + rng.randint(2, 10) * HALF)
        if rng.random() < 0.3:
            start = _paris(9) + rng.randint(0, 7) * HALF
            factories.OfficerAbsenceFactory(officer=officer, starts_at=start, ends_at=start + rng.randint(1, 3) * HALF)
    if rng.random() < 0.3:
        start = _paris(9) + rng.randint(0, 7) * HALF
        factories.ClosureFactory(station=station, starts_at=start, ends_at=start + rng.randint(1, 2) * HALF)
    statuses = [BookingStatus.CONFIRMED, BookingStatus.PENDING, BookingStatus.CANCELLED]
    for _ in range(rng.randint(0, 10)):
        space = rng.choice([*rooms, bay])
        start = _paris(9) + rng.randint(0, 7) * HALF
        status = rng.choice(statuses)
        # Some pending holds have lapsed: they must not block, in either path.
        hold = NOW + timedelta(hours=1) if rng.random() < 0.7 else NOW - timedelta(minutes=5)
        officer = rng.choice([None, *officers]) if space.kind == SpaceKind.ROOM else None
        if not space.bookings.filter(starts_at=start).exists():
            factories.BookingFactory(
                station=station,
                space=space,
                officer=officer,
                starts_at=start,
                ends_at=start + HALF,
                status=status,
                hold_expires_at=hold,
            )
    # As the system keeps it: every roster change reassigns what no longer fits (bookings.assignment).
    station_reassign_officers(station_id=station.pk, now=NOW)
    return station


@pytest.mark.parametrize("seed", range(60))
def test_the_one_slot_check_books_exactly_what_the_engine_offers(seed, buyer):
    station = _random_station(random.Random(seed), seed)
    for kind in (SpaceKind.ROOM, SpaceKind.BAY):
        offered = {
            slot.starts_at: slot
            for slot in station_free_slots(station=station, kind=kind, first_day=TOMORROW, last_day=TOMORROW)
        }
        for n in range(8):
            starts_at = _paris(9) + n * HALF
            try:
                choice = slot_check(
                    station=station, kind=kind, starts_at=starts_at, now=NOW, buyer=buyer, reference="SX-ZZZZZ"
                )
            except SlotUnavailable:
                assert starts_at not in offered, (kind, starts_at)
                continue
            slot = offered.get(starts_at)
            assert slot is not None, (kind, starts_at)
            # The first free space, unless a lapsed hold sits on it and a later one is clear.
            assert choice.space_id in slot.free_space_ids
            if kind == SpaceKind.ROOM:
                assert choice.officer_id == slot.officer_ids[0]


def test_a_free_room_without_a_free_officer_is_refused_for_that_reason(paris_11, buyer, other_buyer, seller, charter):
    factories.SpaceFactory(station=paris_11, kind=SpaceKind.ROOM, name="Salle 2")
    officer = factories.OfficerFactory(station=paris_11)
    factories.ShiftFactory(officer=officer, starts_at=_paris(9), ends_at=_paris(13))
    booking_create(buyer=other_buyer, station=paris_11, starts_at=_paris(10), item_title="Vélo", **seller)

    with pytest.raises(NoOfficerFree) as refused:
        booking_create(buyer=buyer, station=paris_11, starts_at=_paris(10), item_title="Lampe", **seller)

    assert "officer" in str(refused.value.message)


def test_a_lapsed_hold_on_the_only_room_is_expired_and_the_slot_booked(paris_11, officer, buyer, seller, charter):
    room = paris_11.spaces.get(kind=SpaceKind.ROOM)
    lapsed = factories.BookingFactory(
        station=paris_11,
        space=room,
        officer=officer,
        starts_at=_paris(10),
        ends_at=_paris(10, 30),
        status=BookingStatus.PENDING,
        hold_expires_at=NOW - timedelta(minutes=1),
    )

    booking = booking_create(buyer=buyer, station=paris_11, starts_at=_paris(10), item_title="Lampe", **seller)

    lapsed.refresh_from_db()
    assert (booking.space, booking.officer) == (room, officer)
    assert lapsed.status == BookingStatus.EXPIRED


def test_a_slot_off_the_opening_grid_or_in_a_closure_is_not_booked(paris_11, officer, buyer, seller, charter):
    factories.ClosureFactory(station=paris_11, starts_at=_paris(11), ends_at=_paris(12))

    for starts_at in (_paris(10, 10), _paris(8), _paris(18), _paris(11, 30)):
        with pytest.raises(SlotUnavailable):
            booking_create(buyer=buyer, station=paris_11, starts_at=starts_at, item_title="Lampe", **seller)


def test_a_station_under_pressure_refuses_with_its_own_reason(paris_11, officer, buyer, seller, charter):
    paris_11.under_pressure = True
    paris_11.pressure_message = "Manifestation"
    paris_11.save()

    with pytest.raises(StationUnderPressure) as refused:
        booking_create(buyer=buyer, station=paris_11, starts_at=_paris(10), item_title="Lampe", **seller)

    assert "Manifestation" in str(refused.value.message)
