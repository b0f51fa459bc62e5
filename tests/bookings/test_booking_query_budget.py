"""The final booking POST's SQL budget: at most 12 statements, at most 6 under the station's lock.

Counted as the database sees them, transaction control included (BEGIN, COMMIT), in a
real transaction (not the test's wrapping one), on SQLite and, in CI, on PostgreSQL.
The tasks the booking queues run elsewhere in production (a Celery worker): they are
collected here, not run, so their own statements do not count.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings import outbox
from bookings.models import Booking
from bookings.selectors import station_free_slots
from stations.models import SpaceKind
from tests import factories
from tests.charter_forms import charter_accepted

NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Paris

POST_BUDGET = 12
UNDER_LOCK_BUDGET = 6


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def queued(monkeypatch):
    tasks = []
    monkeypatch.setattr(outbox, "enqueue", lambda task, *args: tasks.append((getattr(task, "name", task), args)))
    return tasks


def _walk_to_review(client, station, kind, seller):
    today = NOW.astimezone(station.zone).date()
    slot = station_free_slots(station=station, kind=kind, first_day=today, last_day=today + timedelta(days=3))[0]
    item = {"item_title": "Vélo de course", "item_kind": "goods"}
    if kind == SpaceKind.BAY:
        item = {"item_title": "Peugeot 208", "item_kind": "vehicle", "vehicle_plate": "AB-123-CD"}
    assert client.post(reverse("bookings:item", args=[station.slug]), item).status_code == 302
    day = slot.local_starts_at.date().isoformat()
    assert client.post(reverse("bookings:slot", args=[station.slug]), {"day": day, "slot": slot.key}).status_code == 302
    assert client.post(reverse("bookings:seller", args=[station.slug]), seller).status_code == 302
    # The review page, as the buyer reads it before ticking the box: the charter and the session are cached.
    assert client.get(reverse("bookings:review", args=[station.slug])).status_code == 200
    return slot


def _under_the_station_lock(statements: list[str]) -> list[str]:
    """From the transaction's read of the station (its lock) to the COMMIT."""
    begin = next(n for n, sql in enumerate(statements) if sql.startswith("BEGIN"))
    lock = next(n for n in range(begin, len(statements)) if statements[n].startswith('SELECT "stations_station"'))
    commit = next(n for n in range(lock, len(statements)) if statements[n] == "COMMIT")
    return statements[lock : commit + 1]


def _busy_station(station, officer):
    """Other buyers' bookings all around: the budget must not grow with them."""
    today = NOW.astimezone(station.zone).date()
    room = station.spaces.get(kind=SpaceKind.ROOM)
    for n in range(1, 12):
        starts_at = datetime.combine(today + timedelta(days=n), datetime.min.time(), station.zone) + timedelta(hours=9)
        factories.BookingFactory(
            station=station, space=room, officer=officer, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30)
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", [SpaceKind.ROOM, SpaceKind.BAY])
def test_the_final_booking_post_stays_within_its_sql_budget(
    client, paris_11, officer, buyer, seller, charter, queued, kind
):
    _busy_station(paris_11, officer)
    client.force_login(buyer)
    slot = _walk_to_review(client, paris_11, kind, seller)

    with CaptureQueriesContext(connection) as post:
        response = client.post(reverse("bookings:review", args=[paris_11.slug]), charter_accepted())

    booking = Booking.objects.get(buyer=buyer)
    assert response.status_code == 302 and response["Location"].endswith(f"/{booking.reference}/")
    assert (booking.starts_at, booking.space.kind) == (slot.starts_at, kind)
    statements = [query["sql"] for query in post.captured_queries]
    assert len(statements) <= POST_BUDGET, "\n".join(statements)
    assert len(_under_the_station_lock(statements)) <= UNDER_LOCK_BUDGET, "\n".join(statements)
    assert [name for name, _args in queued] == ["bookings.tasks.notify_booking_event"]


SLOT_PAGE_BUDGET = 3


@pytest.mark.django_db(transaction=True)
def test_the_slot_page_reads_the_engine_once_then_the_slot_cache(client, paris_11, officer, buyer, charter):
    """The wizard's slot page: the user, the station with the draft, the engine's one statement; then
    the same page again without the engine's (bookings.slots.cache), until availability changes."""
    _busy_station(paris_11, officer)
    client.force_login(buyer)
    item = {"item_title": "Vélo de course", "item_kind": "goods"}
    assert client.post(reverse("bookings:item", args=[paris_11.slug]), item).status_code == 302
    page = reverse("bookings:slot", args=[paris_11.slug])

    with CaptureQueriesContext(connection) as first:
        computed = client.get(page)
    with CaptureQueriesContext(connection) as again:
        kept = client.get(page)

    def engine(captured):
        return [q["sql"] for q in captured.captured_queries if "stations_openinghours" in q["sql"]]

    assert computed.status_code == kept.status_code == 200
    for shown in ("days", "next_slots", "day_slots"):  # (the page's CSRF token differs)
        assert kept.context[shown] == computed.context[shown]
    assert computed.context["day_slots"]
    assert len(engine(first)) == 1 and engine(again) == []
    assert len(first.captured_queries) <= SLOT_PAGE_BUDGET, "\n".join(q["sql"] for q in first.captured_queries)
    assert len(again.captured_queries) == len(first.captured_queries) - 1
