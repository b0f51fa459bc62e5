"""The slot cache (bookings.slots.cache): kept answers are the engine's, and go when availability changes.

Real transactions (transaction=True): the cache's tokens are renewed when a change commits,
which the test's usual wrapping transaction would never do. Each test compares the cached
answer with the engine's own (cached=False), which never reads the cache.
"""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bookings.models import Actor, BookingStatus
from bookings.services import booking_cancel
from bookings.slots.availability import earliest_start, station_free_slots
from stations.models import Shift, SpaceKind
from tests import factories

# Wednesday 10 June 2026, 10:00 in Paris.
NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
ROOM, BAY = SpaceKind.ROOM, SpaceKind.BAY

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _slots(station, kind=ROOM, *, cached=True, buyer=None, **options):
    days = [NOW.astimezone(station.zone).date(), NOW.astimezone(station.zone).date() + timedelta(days=3)]
    return station_free_slots(
        station=station, kind=kind, first_day=days[0], last_day=days[1], cached=cached, buyer=buyer, **options
    )


def _cached_and_engine(station, kind=ROOM, **options):
    """The answer through the cache, and the engine's own, now."""
    station.refresh_from_db()
    return _slots(station, kind, **options), _slots(station, kind, cached=False, **options)


def _kept(station, kind=ROOM, **options):
    """Read through the cache, and make sure the answer is kept: the next read runs no query."""
    slots = _slots(station, kind, **options)
    again, queries = _queries_of(lambda: _slots(station, kind, **options))
    assert (again, queries) == (slots, 0)
    return slots


def _queries_of(call) -> tuple[list, int]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return result, len(captured.captured_queries)


def _tomorrow_at(station, hour, minute=0) -> datetime:
    day = NOW.astimezone(station.zone).date() + timedelta(days=1)
    return datetime.combine(day, time(hour, minute), station.zone).astimezone(UTC)


def _book(station, starts_at, *, status=BookingStatus.CONFIRMED, kind=ROOM, hold_expires_at=None, **fields):
    space = station.spaces.filter(kind=kind).order_by("name").first()
    return factories.BookingFactory(
        station=station,
        space=space,
        starts_at=starts_at,
        ends_at=starts_at + station.slot_length,
        status=status,
        hold_expires_at=hold_expires_at or starts_at - timedelta(hours=2),
        **fields,
    )


def _starts(slots) -> set[datetime]:
    return {slot.starts_at for slot in slots}


def test_a_second_read_comes_from_the_cache_without_a_query(clock, paris_11, officer):
    first, first_queries = _queries_of(lambda: _slots(paris_11))
    again, again_queries = _queries_of(lambda: _slots(paris_11))

    assert (first_queries, again_queries) == (1, 0)
    assert again == first == _slots(paris_11, cached=False)
    assert len(first) > 50


def test_a_booking_takes_its_slot_out_of_the_kept_answer(clock, paris_11, officer):
    ten = _tomorrow_at(paris_11, 10)
    assert ten in _starts(_kept(paris_11))

    _book(paris_11, ten, officer=officer)  # the station's only room: the slot is gone

    cached, engine = _cached_and_engine(paris_11)
    assert ten not in _starts(cached)
    assert cached == engine


def test_a_cancellation_by_the_station_gives_the_slot_back(clock, paris_11, officer, staff_11e):
    ten = _tomorrow_at(paris_11, 10)
    booking = _book(paris_11, ten, officer=officer)
    assert ten not in _starts(_kept(paris_11))

    booking_cancel(booking=booking, role=Actor.STAFF, user=staff_11e, reason="Fermeture")

    cached, engine = _cached_and_engine(paris_11)
    assert ten in _starts(cached)
    assert cached == engine


def test_a_slot_the_buyer_freed_is_held_back_from_others_but_offered_to_that_buyer(clock, paris_11, officer, buyer):
    ten = _tomorrow_at(paris_11, 10)
    booking = _book(paris_11, ten, officer=officer, buyer=buyer)
    assert ten not in _starts(_kept(paris_11))

    booking_cancel(booking=booking, role=Actor.BUYER, user=buyer)

    others, others_engine = _cached_and_engine(paris_11)
    own, own_engine = _cached_and_engine(paris_11, buyer=buyer)  # computed for them, not kept
    assert ten not in _starts(others) and others == others_engine
    assert ten in _starts(own) and own == own_engine


def test_a_closure_takes_its_slots_out(clock, paris_11, officer):
    assert _tomorrow_at(paris_11, 14) in _starts(_kept(paris_11, BAY))

    factories.ClosureFactory(station=paris_11, starts_at=_tomorrow_at(paris_11, 13), ends_at=_tomorrow_at(paris_11, 15))

    cached, engine = _cached_and_engine(paris_11, BAY)
    assert _tomorrow_at(paris_11, 14) not in _starts(cached)
    assert cached == engine


def test_a_roster_change_is_seen_at_once(clock, paris_11, officer):
    assert _kept(paris_11)  # the officer is on shift every day

    Shift.objects.get(
        officer=officer, starts_at__lte=_tomorrow_at(paris_11, 10), ends_at__gt=_tomorrow_at(paris_11, 10)
    ).delete()

    cached, engine = _cached_and_engine(paris_11)
    assert not any(slot.starts_at.date() == _tomorrow_at(paris_11, 10).date() for slot in cached)
    assert cached == engine


def test_a_kept_answer_never_offers_a_slot_that_became_too_soon(clock, paris_11, officer):
    kept = _kept(paris_11)
    assert min(_starts(kept)) == earliest_start(paris_11, NOW)  # the first slot starts at the earliest, on the dot
    clock.shift(timedelta(seconds=40))  # within the cache's lifetime: that slot is now too soon

    cached, count = _queries_of(lambda: _slots(paris_11))

    assert count == 0  # read from the cache, cut at the new earliest start
    assert cached == _slots(paris_11, cached=False) != kept
    assert min(_starts(cached)) > min(_starts(kept))


def test_a_pending_hold_that_lapses_frees_its_slot_without_any_write(clock, paris_11, officer):
    ten = _tomorrow_at(paris_11, 10)
    _book(paris_11, ten, status=BookingStatus.PENDING, hold_expires_at=NOW + timedelta(seconds=20), officer=officer)
    assert ten not in _starts(_kept(paris_11))

    clock.shift(timedelta(seconds=21))

    cached, engine = _cached_and_engine(paris_11)
    assert ten in _starts(cached)
    assert cached == engine


def test_the_pressure_switch_is_read_from_the_station_not_the_cache(clock, paris_11, officer):
    assert _kept(paris_11)
    paris_11.under_pressure, paris_11.pressure_starts_at, paris_11.pressure_ends_at = True, None, None
    type(paris_11).objects.filter(pk=paris_11.pk).update(under_pressure=True)  # no signal: the kept answer stays

    blocked, count = _queries_of(lambda: _slots(paris_11))
    assert (blocked, count) == ([], 0)  # the kept answer, cut by the station's switch
    assert _slots(paris_11, cached=False) == []
    assert _slots(paris_11, ignore_pressure=True) == _slots(paris_11, cached=False, ignore_pressure=True) != []


def test_a_transaction_sees_its_own_change_before_it_commits(clock, paris_11, officer):
    ten = _tomorrow_at(paris_11, 10)
    assert ten in _starts(_kept(paris_11))

    with transaction.atomic():
        _book(paris_11, ten, officer=officer)
        inside, count = _queries_of(lambda: _slots(paris_11))
        assert ten not in _starts(inside) and count == 1  # computed, not read from the cache

    assert _slots(paris_11) == _slots(paris_11, cached=False) == inside


def test_a_rolled_back_change_leaves_nothing_behind(clock, paris_11, officer):
    ten = _tomorrow_at(paris_11, 10)
    with pytest.raises(RuntimeError), transaction.atomic():
        _book(paris_11, ten, officer=officer)
        raise RuntimeError

    kept, first = _queries_of(lambda: _slots(paris_11))
    again, second = _queries_of(lambda: _slots(paris_11))
    assert ten in _starts(kept) and again == kept
    assert (first, second) == (1, 0)
