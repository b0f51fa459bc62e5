"""The reminder sweep over 100,000 bookings of which 10,000 are due for a reminder, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safe_exchange .venv/bin/python bench/sweep_reminders.py
    ... --bookings 100000 --due 10000 --batch-size 500 --publish --explain

Works in a database of its own (<name>_bench_reminders, created, migrated and dropped), never in
the one DATABASE_URL names. Each due booking gets two reminders (buyer and seller), so 10,000 due
bookings make 20,000 reminder rows and messages. Prints the time and the number of queries of a
first sweep (everything due), of a second one (nothing left: the steady state every five minutes),
and of the same first sweep with other batch sizes: the queries follow the batches, not the rows.
With --publish, a last first sweep queues real Celery messages on REDIS_URL (a queue of its own,
deleted afterwards) instead of counting them; --explain prints the plan of the due-bookings query.
"""

import argparse
import os
import random
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bookings.models import Booking, BookingStatus, ReminderDelivery  # noqa: E402
from bookings.reminders import reminders_sweep  # noqa: E402
from charter.models import CharterVersion  # noqa: E402
from stations.models import Space, SpaceKind, Station  # noqa: E402

S = BookingStatus
SLOT = timedelta(minutes=30)
QUEUE = "bench-reminders"


def populate(*, total: int, due: int, now) -> None:
    """`due` confirmed bookings inside the 24-hour window, the rest spread over states that are not due."""
    station = Station.objects.create(name="Bench", slug="bench", address="1 rue du Banc, Paris")
    rooms = Space.objects.bulk_create(
        [Space(station=station, kind=SpaceKind.ROOM, name=f"Salle {n:03d}") for n in range(300)]
    )
    buyers = User.objects.bulk_create([User(email=f"buyer{n}@bench.example") for n in range(1000)])
    charter = CharterVersion.objects.create(
        number=1, summary_fr="-", summary_en="-", text_fr="-", text_en="-", published_at=now
    )
    # Holding bookings (pending, confirmed) must not overlap on a room: each gets its own
    # (room, slot). Due ones start between 2 h 30 and 24 h from now.
    first_due = (now + timedelta(hours=2, minutes=30)).replace(minute=0, second=0, microsecond=0) + SLOT
    due_slots = [(room, first_due + n * SLOT) for n in range(42) for room in rooms]
    later_slots = [(room, now + timedelta(days=2) + n * SLOT) for n in range(400) for room in rooms]
    assert due <= len(due_slots), "not enough (room, slot) pairs for that many due bookings"
    rest = total - due
    plan = [(S.CONFIRMED, due_slots[n]) for n in range(due)]
    plan += [(S.CONFIRMED, later_slots[n]) for n in range(rest * 15 // 100)]  # after the 24 hours
    plan += [(S.PENDING, later_slots[-1 - n]) for n in range(rest * 5 // 100)]
    # Not holding: any time. Cancelled ones sit in the window, the rest in the past.
    plan += [(S.CANCELLED, (rooms[n % len(rooms)], first_due)) for n in range(rest * 10 // 100)]
    past = total - len(plan)
    plan += [(S.COMPLETED, (rooms[n % len(rooms)], now - timedelta(days=1 + n % 60))) for n in range(past)]
    # Due bookings are scattered among the ids, as bookings made over two weeks are.
    random.Random(4).shuffle(plan)
    rows = []
    for number, (status, (room, starts_at)) in enumerate(plan):
        rows.append(
            Booking(
                reference=f"SX-B{number:07d}",
                station=station,
                space=room,
                starts_at=starts_at,
                ends_at=starts_at + SLOT,
                status=status,
                hold_expires_at=starts_at - timedelta(hours=2),
                buyer=buyers[number % len(buyers)],
                seller_email=f"seller{number}@bench.example",
                seller_name="Vendeur",
                item_title="Vélo",
                buyer_charter_version=charter,
                seller_answered_at=now - timedelta(days=3) if status == S.CONFIRMED else None,
            )
        )
    Booking.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def explain_due_query(*, now, batch_size: int) -> None:
    from bookings.reminders import _due

    query = _due(lead=24 * 60, next_lead=2 * 60, now=now).order_by("pk").values_list("pk", flat=True)[:batch_size]
    print(query.explain(analyze=True))


def measure(label: str, *, now, batch_size: int, queue) -> dict:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        queued = reminders_sweep(now=now, batch_size=batch_size, queue=queue)
        elapsed = time.perf_counter() - started
    result = {"label": label, "batch": batch_size, "queued": queued, "queries": len(captured), "seconds": elapsed}
    print(f"{label:<44} batch {batch_size:>5}  {queued:>6} queued  {len(captured):>4} queries  {elapsed:7.2f} s")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--publish", action="store_true", help="queue real messages on REDIS_URL")
    parser.add_argument("--explain", action="store_true", help="print the plan of the due-bookings query")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: this benchmark measures PostgreSQL.")

    settings.DATABASES["default"]["TEST"]["NAME"] = settings.DATABASES["default"]["NAME"] + "_bench_reminders"
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"database {database}, PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPUs")
    try:
        now = timezone.now().replace(microsecond=0)
        started = time.perf_counter()
        populate(total=args.bookings, due=args.due, now=now)
        print(
            f"{Booking.objects.count()} bookings, {args.due} due for the 24-hour reminder "
            f"(populated in {time.perf_counter() - started:.0f} s)"
        )
        if args.explain:
            explain_due_query(now=now, batch_size=args.batch_size)
        measure("first sweep: every due reminder", now=now, batch_size=args.batch_size, queue=[].append)
        assert ReminderDelivery.objects.count() == 2 * args.due
        measure("second sweep: nothing new (steady state)", now=now, batch_size=args.batch_size, queue=[].append)
        for batch_size in (100, 2000, 10_000):
            ReminderDelivery.objects.all().delete()
            measure("first sweep, another batch size", now=now, batch_size=batch_size, queue=[].append)
        if args.publish:
            ReminderDelivery.objects.all().delete()
            with publishing() as (queue, queued_on_redis):
                measure("first sweep, publishing to Redis", now=now, batch_size=args.batch_size, queue=queue)
                print(f"  {queued_on_redis()} messages were in the Redis queue {QUEUE!r} (deleted now)")
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)


@contextmanager
def publishing():
    """Queue each reminder on REDIS_URL as the sweep does in production, on a queue of its own."""
    import redis

    from bookings.tasks import send_reminder
    from config.celery import app

    if not settings.REDIS_URL:
        sys.exit("--publish needs REDIS_URL")
    app.conf.task_always_eager = False
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(QUEUE)
    try:
        with app.producer_or_acquire() as producer:
            yield (
                lambda delivery_id: send_reminder.apply_async((delivery_id,), queue=QUEUE, producer=producer),
                lambda: client.llen(QUEUE),
            )
    finally:
        client.delete(QUEUE)


if __name__ == "__main__":
    main()
