"""Invariants 1 and 2 under real concurrency: many buyers press "book" at the same moment.

These need PostgreSQL: SQLite in tests is one in-memory database per connection,
and its locking is not what production runs on.
"""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bookings.drafts import draft_save
from bookings.exceptions import SlotUnavailable, TooManyActiveBookings
from bookings.models import Booking, BookingStatus, ItemKind
from bookings.selectors import station_free_slots
from bookings.services import booking_create
from stations.models import SpaceKind
from tests import factories
from tests.charter_forms import charter_accepted
from tests.clock import pinned_clock

S = BookingStatus
THREADS = 20

pytestmark = pytest.mark.postgres


# Wednesday 10:00 in Paris, far from midnight and from a daylight saving change:
# tomorrow's slots are read from the clock.
NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


_pinned_clock = pinned_clock(NOW)


def tomorrows_first_slot(station, kind=SpaceKind.ROOM):
    tomorrow = timezone.localdate(timezone.now(), station.zone) + timedelta(days=1)
    slots = station_free_slots(station=station, kind=kind, first_day=tomorrow, last_day=tomorrow)
    assert slots, "the fixtures should leave tomorrow open"
    return slots[0]


def run_together(work, count=THREADS):
    """Run work(i) in `count` threads released at once; return what each returned or raised."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def target(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except BaseException as exc:  # the test inspects every outcome
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def race_for_one_slot(station, slot, seller, item_kind=ItemKind.GOODS):
    buyers = [factories.UserFactory(email=f"racer{i}@example.org") for i in range(THREADS)]

    def attempt(i):
        return booking_create(
            buyer=buyers[i],
            station=station,
            starts_at=slot.starts_at,
            item_title="Console de jeux",
            item_kind=item_kind,
            vehicle_plate="AB-123-CD" if item_kind == ItemKind.VEHICLE else "",
            **seller,
        )

    return run_together(attempt)


def test_twenty_buyers_racing_for_one_room_slot_get_exactly_one_booking(
    transactional_db, on_postgres, paris_11, officer, charter, seller
):
    slot = tomorrows_first_slot(paris_11)

    results = race_for_one_slot(paris_11, slot, seller)

    booked = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, SlotUnavailable)]
    assert len(booked) == 1, results
    assert len(refused) == THREADS - 1, [r for r in results if not isinstance(r, Booking | SlotUnavailable)]
    assert Booking.objects.count() == 1
    assert Booking.objects.get().events.count() == 1
    # Only the winner's seller invite and request confirmation went out.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([booked[0].buyer.email, seller["seller_email"]])


def test_twenty_buyers_racing_for_one_bay_slot_get_exactly_one_booking(
    transactional_db, on_postgres, paris_11, charter, seller
):
    slot = tomorrows_first_slot(paris_11, kind=SpaceKind.BAY)

    results = race_for_one_slot(paris_11, slot, seller, item_kind=ItemKind.VEHICLE)

    assert sum(isinstance(r, Booking) for r in results) == 1
    assert sum(isinstance(r, SlotUnavailable) for r in results) == THREADS - 1, results
    assert Booking.objects.count() == 1


def test_racing_buyers_cannot_book_two_rooms_with_one_officer_on_duty(
    transactional_db, on_postgres, paris_11, officer, charter, seller
):
    # Whichever room each racer is given, one officer on duty means one booking.
    factories.SpaceFactory(station=paris_11, kind=SpaceKind.ROOM, name="Salle 2")
    slot = tomorrows_first_slot(paris_11)
    assert len(slot.free_space_ids) == 2

    results = race_for_one_slot(paris_11, slot, seller)

    assert sum(isinstance(r, Booking) for r in results) == 1
    assert sum(isinstance(r, SlotUnavailable) for r in results) == THREADS - 1, results
    assert Booking.objects.count() == 1


def test_two_officers_and_two_rooms_give_exactly_two_bookings_under_a_race(
    transactional_db, on_postgres, paris_11, officer, charter, seller
):
    factories.SpaceFactory(station=paris_11, kind=SpaceKind.ROOM, name="Salle 2")
    colleague = factories.OfficerFactory(station=paris_11)
    for shift in officer.shifts.all():
        factories.ShiftFactory(officer=colleague, starts_at=shift.starts_at, ends_at=shift.ends_at)
    slot = tomorrows_first_slot(paris_11)

    results = race_for_one_slot(paris_11, slot, seller)

    booked = [r for r in results if isinstance(r, Booking)]
    assert len(booked) == 2
    assert sum(isinstance(r, SlotUnavailable) for r in results) == THREADS - 2, results
    assert {b.space_id for b in booked} == set(slot.free_space_ids)


def test_one_buyer_racing_for_twenty_slots_gets_no_more_than_the_limit(
    transactional_db, on_postgres, paris_11, buyer, charter, seller, settings
):
    # Twenty different slots, so no database constraint is involved: only the
    # per-station lock makes each racer count the bookings the others made.
    tomorrow = timezone.localdate(timezone.now(), paris_11.zone) + timedelta(days=1)
    slots = station_free_slots(
        station=paris_11, kind=SpaceKind.BAY, first_day=tomorrow, last_day=tomorrow + timedelta(days=1)
    )[:THREADS]
    assert len(slots) == THREADS
    limit = settings.BOOKINGS_MAX_ACTIVE_PER_BUYER

    def attempt(i):
        return booking_create(
            buyer=buyer,
            station=paris_11,
            starts_at=slots[i].starts_at,
            item_title="Scooter",
            item_kind=ItemKind.VEHICLE,
            vehicle_plate=f"AB-{i:03d}-CD",
            **seller,
        )

    results = run_together(attempt)

    assert sum(isinstance(r, Booking) for r in results) == limit
    assert sum(isinstance(r, TooManyActiveBookings) for r in results) == THREADS - limit, results
    assert Booking.objects.filter(buyer=buyer).count() == limit


def test_twenty_buyers_posting_the_review_step_at_once_get_one_booking_and_no_error(
    transactional_db, on_postgres, paris_11, officer, charter, seller
):
    slot = tomorrows_first_slot(paris_11)
    draft = {
        "item": {
            "item_title": "Appareil photo",
            "item_description": "Reflex, deux objectifs",
            "item_kind": ItemKind.GOODS.value,
            "vehicle_plate": "",
            "listing_url": "",
        },
        "slot": slot.key,
        "seller": dict(seller),
    }
    clients = []
    for i in range(THREADS):
        client = Client()
        racer = factories.UserFactory(email=f"web.racer{i}@example.org")
        client.force_login(racer)
        draft_save(buyer=racer, station=paris_11, **draft)
        clients.append(client)
    url = reverse("bookings:review", kwargs={"slug": paris_11.slug})

    results = run_together(lambda i: clients[i].post(url, charter_accepted()))

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    assert [r.status_code for r in results] == [302] * THREADS
    booking = Booking.objects.get()
    winners = [r for r in results if r.url == reverse("bookings:detail", kwargs={"reference": booking.reference})]
    losers = [r for r in results if r.url == reverse("bookings:slot", kwargs={"slug": paris_11.slug})]
    assert len(winners) == 1
    assert len(losers) == THREADS - 1


# --- the PostgreSQL exclusion constraint (migration bookings/0002) ----------------------------


@pytest.fixture
def first_booking(paris_11, charter):
    room = paris_11.spaces.get(kind=SpaceKind.ROOM)
    starts_at = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    return factories.BookingFactory(
        station=paris_11,
        space=room,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        buyer_charter_version=charter,
        status=S.CONFIRMED,
    )


def overlapping(first, *, offset_minutes=15, status=S.PENDING, space=None, minutes=30):
    starts_at = first.starts_at + timedelta(minutes=offset_minutes)
    return factories.BookingFactory(
        station=first.station,
        space=space or first.space,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        buyer_charter_version=first.buyer_charter_version,
        status=status,
    )


@pytest.mark.parametrize("status", [S.PENDING, S.CONFIRMED, S.CHECKED_IN])
@pytest.mark.parametrize("offset_minutes", [15, -15, -10])
def test_the_exclusion_constraint_refuses_overlapping_holding_bookings_of_one_space(
    on_postgres, first_booking, status, offset_minutes
):
    with pytest.raises(IntegrityError, match="booking_no_overlap_per_space"), transaction.atomic():
        overlapping(first_booking, offset_minutes=offset_minutes, status=status, minutes=60)

    assert Booking.objects.count() == 1


def test_the_exclusion_constraint_also_counts_a_lapsed_pending_hold(on_postgres, first_booking):
    # The database does not know the clock; booking_create expires lapsed holds first.
    Booking.objects.filter(pk=first_booking.pk).update(
        status=S.PENDING, hold_expires_at=timezone.now() - timedelta(hours=1)
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        overlapping(first_booking)


@pytest.mark.parametrize("status", [S.CANCELLED, S.DECLINED, S.EXPIRED, S.COMPLETED, S.NO_SHOW])
def test_the_exclusion_constraint_lets_bookings_that_no_longer_hold_overlap(on_postgres, first_booking, status):
    overlapping(first_booking, status=status)

    assert Booking.objects.count() == 2


def test_the_exclusion_constraint_lets_back_to_back_bookings_and_other_spaces_through(
    on_postgres, first_booking, paris_11
):
    overlapping(first_booking, offset_minutes=30)
    overlapping(first_booking, offset_minutes=-30)
    overlapping(first_booking, offset_minutes=15, space=paris_11.spaces.get(kind=SpaceKind.BAY))

    assert Booking.objects.count() == 4
