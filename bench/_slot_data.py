"""Shared by the slot engine benchmarks: Django set up, a station filled as a busy one is, the engine timed.

Importing this module sets Django up: a caller that picks the database sets DATABASE_URL first.

A station here is open Monday to Saturday, 9:00 to 19:00 (30-minute slots), with one officer more
than it has rooms, each on two five-hour shifts a day (9–14, 14–19) and one rest day a week;
about 30 % of its room slots are booked (most confirmed, some pending, some of those pending past
their deadline, some cancelled or declined, a few cancelled by a party minutes ago and so still
held back), each holding booking with an officer the roster allows, as booking_create would have
given; some officers are absent (whole days and two-hour spells); one day is closed and one
afternoon too. A month of past bookings sits in the table as it would.
"""

import os
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from bookings.models import Actor, Booking, BookingEvent, BookingStatus  # noqa: E402
from bookings.selectors import station_free_slots  # noqa: E402
from charter.models import CharterVersion  # noqa: E402
from stations.models import (  # noqa: E402
    Closure,
    Officer,
    OfficerAbsence,
    OpeningHours,
    Shift,
    Space,
    SpaceKind,
    Station,
)

S = BookingStatus
# Monday 1 March 2027, 07:00 in Paris: a 60-day horizon then crosses the change to summer time
# (28 March), as the engine must.
NOW = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)
ZONE_NAME = "Europe/Paris"
OPEN_WEEKDAYS = range(6)  # Monday to Saturday
OPENS, CLOSES = wall(9), wall(19)
SHIFTS = ((wall(9), wall(14)), (wall(14), wall(19)))
SLOT = timedelta(minutes=30)
OFFICER_CAP = 6


def source_revision() -> str:
    """The commit measured, marked when the engine's files differ from it (the lead edits them meanwhile)."""

    def git(*args):
        command = ["git", *args]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True).stdout.strip()  # noqa: S603, S607

    revision = git("rev-parse", "--short", "HEAD") or "unknown"
    if git("status", "--porcelain", "--", "bookings", "stations"):
        revision += " + uncommitted changes in bookings/ or stations/"
    return revision


def _charter(now: datetime) -> CharterVersion:
    charter, _created = CharterVersion.objects.get_or_create(
        number=1, defaults={"summary_fr": "-", "summary_en": "-", "text_fr": "-", "text_en": "-", "published_at": now}
    )
    return charter


def _local(day: date, at: wall, zone) -> datetime:
    return datetime.combine(day, at, zone).astimezone(UTC)


def _slot_starts(day: date, zone) -> list[datetime]:
    start, end = datetime.combine(day, OPENS), datetime.combine(day, CLOSES)
    starts = []
    while start + SLOT <= end:
        starts.append(start.replace(tzinfo=zone).astimezone(UTC))
        start += SLOT
    return starts


def _overlaps(intervals, starts_at, ends_at) -> bool:
    return any(s < ends_at and e > starts_at for s, e in intervals)


def build_station(
    *,
    slug: str,
    rooms: int,
    bays: int = 2,
    horizon_days: int = 60,
    booked_share: float = 0.30,
    past_days: int = 30,
    closures: bool = True,
    absences: bool = True,
    seed: int = 10,
    now: datetime = NOW,
) -> Station:
    """A station with `rooms` rooms and its roster, opening hours and bookings around `now` (see the module)."""
    rng = random.Random(f"{seed}-{slug}")
    charter = _charter(now)
    station = Station.objects.create(
        name=f"Bench {slug}",
        slug=slug,
        address="1 rue du Banc, Paris",
        time_zone=ZONE_NAME,
        horizon_days=horizon_days,
        slot_minutes=int(SLOT.total_seconds() // 60),
        officer_cap_per_shift=OFFICER_CAP,
    )
    zone = station.zone
    OpeningHours.objects.bulk_create(
        [OpeningHours(station=station, weekday=d, opens_at=OPENS, closes_at=CLOSES) for d in OPEN_WEEKDAYS]
    )
    spaces = Space.objects.bulk_create(
        [Space(station=station, kind=SpaceKind.ROOM, name=f"Salle {n:03d}") for n in range(rooms)]
        + [Space(station=station, kind=SpaceKind.BAY, name=f"Place {n:03d}") for n in range(bays)]
    )
    users = User.objects.bulk_create(
        [User(email=f"officer{n}@{slug}.bench.example") for n in range(rooms + 1)]
        + [User(email=f"buyer{n}@{slug}.bench.example") for n in range(200)]
    )
    officer_users, buyers = users[: rooms + 1], users[rooms + 1 :]
    officers = Officer.objects.bulk_create(
        [Officer(user=user, station=station, badge_number=f"B{n:04d}") for n, user in enumerate(officer_users)]
    )

    today = now.astimezone(zone).date()
    days = [today + timedelta(days=n) for n in range(-past_days, horizon_days + 2)]
    open_days = [day for day in days if day.weekday() in OPEN_WEEKDAYS]

    # Roster: each officer rests one weekday of the six, two shifts on the others.
    shifts = []  # (officer, day, shift index, starts_at, ends_at)
    for n, officer in enumerate(officers):
        rest_day = n % len(OPEN_WEEKDAYS)
        for day in open_days:
            if day.weekday() == rest_day:
                continue
            for index, (begins, ends) in enumerate(SHIFTS):
                shifts.append((officer, day, index, _local(day, begins, zone), _local(day, ends, zone)))
    Shift.objects.bulk_create([Shift(officer=o, starts_at=s, ends_at=e) for o, _d, _i, s, e in shifts], batch_size=5000)

    absent = defaultdict(list)  # officer id -> [(starts_at, ends_at)]
    if absences:
        for officer, day, index, starts_at, _ends_at in shifts:
            if day < today or index:
                continue
            draw = rng.random()
            if draw < 0.03:  # a whole day off sick
                absent[officer.pk].append((_local(day, wall(0), zone), _local(day + timedelta(days=1), wall(0), zone)))
            elif draw < 0.06:  # two hours in court
                absent[officer.pk].append((starts_at + timedelta(hours=1), starts_at + timedelta(hours=3)))
        OfficerAbsence.objects.bulk_create(
            [
                OfficerAbsence(officer_id=officer_id, starts_at=s, ends_at=e, reason="bench")
                for officer_id, spans in absent.items()
                for s, e in spans
            ]
        )

    closed = []
    if closures:
        closed_day = today + timedelta(days=9)
        closed.append((_local(closed_day, wall(0), zone), _local(closed_day + timedelta(days=1), wall(0), zone)))
        half_day = today + timedelta(days=min(20, horizon_days))
        closed.append((_local(half_day, wall(14), zone), _local(half_day, wall(19), zone)))
        Closure.objects.bulk_create(
            [Closure(station=station, starts_at=s, ends_at=e, reason="bench") for s, e in closed]
        )

    # Officers for holding room bookings, as the roster would give them: on shift, not absent,
    # not with another booking then, under the per-shift cap, least loaded first.
    on_shift = defaultdict(list)  # slot start -> [(officer id, shift key)]
    for officer, day, index, starts_at, ends_at in shifts:
        for slot_start in _slot_starts(day, zone):
            if starts_at <= slot_start and slot_start + SLOT <= ends_at:
                on_shift[slot_start].append((officer.pk, (officer.pk, day, index)))
    load = defaultdict(int)
    busy = set()

    def officer_for(starts_at):
        free = [
            (load[shift], officer_id, shift)
            for officer_id, shift in on_shift[starts_at]
            if (officer_id, starts_at) not in busy
            and load[shift] < OFFICER_CAP
            and not _overlaps(absent[officer_id], starts_at, starts_at + SLOT)
        ]
        if not free:
            return None
        _load, officer_id, shift = min(free)
        load[shift] += 1
        busy.add((officer_id, starts_at))
        return officer_id

    rows, freed = [], []
    for day in open_days:
        for starts_at in _slot_starts(day, zone):
            ends_at = starts_at + SLOT
            in_closure = _overlaps(closed, starts_at, ends_at)
            for space in spaces:
                if rng.random() >= booked_share:
                    continue
                if starts_at < now:
                    status = S.COMPLETED if rng.random() < 0.9 else S.NO_SHOW
                elif in_closure:
                    status = S.CANCELLED  # the closure cancelled it
                else:
                    draw = rng.random()
                    status = (
                        S.CONFIRMED
                        if draw < 0.55
                        else S.PENDING
                        if draw < 0.80
                        else S.CANCELLED
                        if draw < 0.95
                        else S.DECLINED
                    )
                expired_hold = status == S.PENDING and rng.random() < 0.2
                hold_expires_at = min(now + timedelta(hours=24), starts_at - timedelta(hours=2))
                if expired_hold:
                    hold_expires_at = now - timedelta(hours=1)
                holding = status == S.CONFIRMED or (status == S.PENDING and hold_expires_at > now)
                officer_id = None
                room = space.kind == SpaceKind.ROOM
                if room and (holding or status in (S.COMPLETED, S.NO_SHOW)):
                    officer_id = officer_for(starts_at)
                rows.append(
                    Booking(
                        reference=f"E{station.pk}-{len(rows):06d}",
                        station=station,
                        space=space,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        status=status,
                        hold_expires_at=hold_expires_at,
                        buyer=buyers[len(rows) % len(buyers)],
                        seller_email=f"seller{len(rows)}@{slug}.bench.example",
                        seller_name="Vendeur",
                        item_title="Vélo",
                        buyer_charter_version=charter,
                        officer_id=officer_id,
                        unstaffed_since=now if holding and room and officer_id is None else None,
                    )
                )
                if status in (S.CANCELLED, S.DECLINED) and not in_closure:
                    freed.append(len(rows) - 1)
    Booking.objects.bulk_create(rows, batch_size=5000)

    # The parties' cancellations and refusals, a few of them minutes ago (held back for the others).
    events = []
    for position, index in enumerate(freed):
        booking = rows[index]
        recent = position % 40 == 0
        events.append(
            BookingEvent(
                booking=booking,
                at=now - (timedelta(minutes=5) if recent else timedelta(days=1 + position % 5)),
                actor_role=Actor.SELLER if booking.status == S.DECLINED else Actor.BUYER,
                from_status=S.PENDING,
                to_status=booking.status,
            )
        )
    BookingEvent.objects.bulk_create(events, batch_size=5000)
    return station


def analyze() -> None:
    """Fresh planner statistics after the bulk loads, as autovacuum would have them in production."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def time_free_slots(
    *,
    station: Station,
    days: int,
    kind: str = SpaceKind.ROOM,
    now: datetime = NOW,
    first_day: date | None = None,
    budget: float = 1.5,
    at_most: int = 15,
):
    """station_free_slots over `days` local days (from `now`'s): median milliseconds, slots returned, queries.

    One call first warms the caches (and counts the queries); then at least three timed calls, more
    while the time spent stays under `budget` seconds. A first call slower than half a second is
    counted too: no cache warms that much, and the slow cases then stay within a couple of minutes.
    """
    first_day = first_day or now.astimezone(station.zone).date()
    last_day = first_day + timedelta(days=days - 1)

    def call():
        return station_free_slots(station=station, kind=kind, first_day=first_day, last_day=last_day, now=now)

    # The clock pinned too: whatever the engine reads from it agrees with `now`.
    with time_machine.travel(now, tick=True):
        started, cpu_started = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as captured:
            slots = call()
        first = (time.perf_counter() - started, time.process_time() - cpu_started)
        timings = [first] if first[0] > 0.5 else []
        spent = sum(elapsed for elapsed, _cpu in timings)
        while len(timings) < 3 or (spent < budget and len(timings) < at_most):
            started, cpu_started = time.perf_counter(), time.process_time()
            call()
            timings.append((time.perf_counter() - started, time.process_time() - cpu_started))
            spent += timings[-1][0]
    return {
        "ms": statistics.median(elapsed for elapsed, _cpu in timings) * 1000,
        # This process's own CPU time: what the engine costs in Python, whatever else the machine
        # runs meanwhile (the database server's share is not in it).
        "cpu_ms": statistics.median(cpu for _elapsed, cpu in timings) * 1000,
        "slots": len(slots),
        "queries": len(captured),
        "calls": len(timings),
    }


def profile_free_slots(*, station: Station, days: int, kind: str = SpaceKind.ROOM, top: int = 20) -> None:
    """One call under cProfile; the `top` functions by own time go to stderr."""
    import cProfile  # only with --profile
    import pstats

    first_day = NOW.astimezone(station.zone).date()
    profiler = cProfile.Profile()
    with time_machine.travel(NOW, tick=True):
        profiler.enable()
        station_free_slots(
            station=station, kind=kind, first_day=first_day, last_day=first_day + timedelta(days=days - 1), now=NOW
        )
        profiler.disable()
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(top)


def log(message: str) -> None:
    """Progress goes to stderr: stdout carries only the markdown fragment."""
    print(message, file=sys.stderr, flush=True)
