"""Our slot engine against django-appointment's slot computation: one room, 14 days, the same hours.

    .venv/bin/python bench/appointment_compare.py

django-appointment (PyPI) computes the free slots of one staff member, date by date. It runs in
a virtual environment of its own (var/bench-appointment, made here with python3.13 from
bench/appointment/requirements.txt on first use; its Django is the one it resolves to) and is
timed there by bench/appointment/measure.py. Ours runs here: station_free_slots(kind=room) for a
station with one room, open Monday to Saturday 9:00–19:00 in 30-minute slots, with two officers
covering every open day. Both on SQLite in memory, both with the same six appointments (one
staff member's, one room's with its officer), both with the clock pinned on a Sunday evening so
that the 14 days from Monday offer the same 234 slots. The two are timed in turns (one call of
ours, one 14-date computation of theirs, the order swapped each round), so that whatever else
loads the machine weighs on both; medians. An order of magnitude, not a race. Prints a markdown
fragment on stdout (progress on stderr); when django-appointment cannot be installed or run, the
fragment says "not run" and why.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RECIPE = HERE / "appointment"
VENV = ROOT / "var" / "bench-appointment"
# Sunday 28 February 2027, 20:00 in Paris: both sides start offering on Monday.
NOW = datetime(2027, 2, 28, 19, 0, tzinfo=UTC)
DAYS = 14
# (days after the first Monday, wall-clock start): the handful of appointments both sides hold.
APPOINTMENTS = [(0, "10:00"), (1, "14:30"), (3, "09:00"), (4, "17:00"), (8, "11:30"), (12, "15:00")]


class NotRun(Exception):
    """django-appointment could not be installed or run; the message says why."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _run(command: list[str], **options) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, **options)  # noqa: S603 - our own command


def appointment_python() -> Path:
    """The separate environment's interpreter, made and filled on first use."""
    python = VENV / "bin" / "python"
    marker = VENV / ".installed"
    requirements = RECIPE / "requirements.txt"
    if marker.exists() and marker.read_text() == requirements.read_text():
        return python
    maker = shutil.which("python3.13")
    if maker is None:
        raise NotRun("python3.13 not found")
    log(f"making {VENV.relative_to(ROOT)} (django-appointment's own environment)")
    made = _run([maker, "-m", "venv", "--clear", str(VENV)])
    if made.returncode:
        raise NotRun(f"python3.13 -m venv failed: {made.stderr.strip().splitlines()[-1:]}")
    installed = _run([str(python), "-m", "pip", "install", "--quiet", "-r", str(requirements)], timeout=600)
    if installed.returncode:
        last = installed.stderr.strip().splitlines()[-1:] or ["pip failed"]
        raise NotRun(f"pip install -r bench/appointment/requirements.txt failed: {last[0]}")
    marker.write_text(requirements.read_text())
    return python


@contextmanager
def theirs_running(*, first_day, appointments):
    """django-appointment's side, data made and warmed up: yields its figures and a timed call (ms)."""
    python = appointment_python()
    command = [str(python), str(RECIPE / "measure.py"), "--now", NOW.isoformat(), "--first-day", first_day.isoformat()]
    command += ["--days", str(DAYS), "--appointments", json.dumps(appointments)]
    with tempfile.TemporaryFile(mode="w+") as errors:
        process = subprocess.Popen(  # noqa: S603 - our own command
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True
        )

        def answer() -> dict:
            line = process.stdout.readline()
            while line and not line.startswith("{"):  # its logger writes warnings on stdout
                line = process.stdout.readline()
            if not line:
                process.wait(timeout=30)
                errors.seek(0)
                last = errors.read().strip().splitlines()[-1:] or [f"exit status {process.returncode}"]
                raise NotRun(f"bench/appointment/measure.py failed: {last[0]}")
            return json.loads(line)

        def timed_call() -> float:
            process.stdin.write("run\n")
            process.stdin.flush()
            return answer()["ms"]

        try:
            yield answer(), timed_call
        finally:
            process.stdin.close()
            process.wait(timeout=30)


@contextmanager
def ours_running(*, first_day, appointments):
    """Our side, in this environment on SQLite in memory like theirs: yields its figures and a timed call (ms)."""
    os.environ["DATABASE_URL"] = "sqlite:///" + str(ROOT / "var" / "sx_bench_engine_compare.sqlite3")
    sys.path.insert(0, str(HERE))
    # Imported here: _slot_data sets Django up, which must follow the choice of database above.
    import _slot_data as data
    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bookings.models import Booking, BookingStatus
    from bookings.selectors import station_free_slots
    from stations.models import Officer, SpaceKind

    database = connection.creation.create_test_db(verbosity=0, autoclobber=True)  # in memory
    try:
        station = data.build_station(
            slug="one-room",
            rooms=1,
            bays=0,
            horizon_days=DAYS,
            booked_share=0,
            past_days=0,
            closures=False,
            absences=False,
            now=NOW,
        )
        zone = station.zone
        room = station.spaces.get()
        officers = list(Officer.objects.filter(station=station).order_by("badge_number"))
        charter = data.CharterVersion.objects.get(number=1)
        for number, (day, starts) in enumerate(appointments):
            starts_at = datetime.combine(datetime.fromisoformat(day).date(), wall_time.fromisoformat(starts))
            starts_at = starts_at.replace(tzinfo=zone).astimezone(UTC)
            weekday = starts_at.astimezone(zone).weekday()
            # The officer on duty that day (officer n rests on weekday n, see _slot_data).
            officer = next(o for n, o in enumerate(officers) if n % 6 != weekday)
            Booking.objects.create(
                reference=f"CMP-{number:04d}",
                station=station,
                space=room,
                starts_at=starts_at,
                ends_at=starts_at + data.SLOT,
                status=BookingStatus.CONFIRMED,
                hold_expires_at=starts_at - timedelta(hours=2),
                seller_email="seller@bench.example",
                seller_name="Vendeur",
                item_title="Vélo",
                buyer_charter_version=charter,
                officer=officer,
            )
        last_day = first_day + timedelta(days=DAYS - 1)

        def call():
            return station_free_slots(
                station=station, kind=SpaceKind.ROOM, first_day=first_day, last_day=last_day, now=NOW
            )

        def timed_call() -> float:
            started = time.perf_counter()
            call()
            return (time.perf_counter() - started) * 1000

        with time_machine.travel(NOW, tick=True):
            with CaptureQueriesContext(connection) as captured:
                slots = call()  # also the warm-up
            yield {"slots": len(slots), "queries": len(captured), "python": sys.version.split()[0]}, timed_call
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)


def interleaved(*calls, budget: float, at_least: int = 15, at_most: int = 300) -> list[list[float]]:
    """Each call's timings (ms), taken in turns, the order swapped every round, until `budget` seconds."""
    timings = [[] for _ in calls]
    started = time.perf_counter()
    rounds = 0
    while rounds < at_least or (time.perf_counter() - started < budget and rounds < at_most):
        order = range(len(calls)) if rounds % 2 == 0 else reversed(range(len(calls)))
        for index in order:
            timings[index].append(calls[index]())
        rounds += 1
    return timings


def fragment(*, ours: dict, theirs: dict | None, reason: str = "", revision: str) -> str:
    lines = [
        "### Slot engine against django-appointment (one room, 14 days)",
        "",
        f"`.venv/bin/python bench/appointment_compare.py` (commit {revision}; both on SQLite in memory, "
        f"Python {ours['python']}; Monday to Saturday 9:00–19:00, 30-minute slots, {len(APPOINTMENTS)} appointments; "
        + (
            f"the two timed in turns, median of {ours['rounds']} rounds)"
            if theirs
            else f"median of {ours['rounds']} calls)"
        ),
        "",
        "| computation | ms for 14 days | slots | queries |",
        "|---|--:|--:|--:|",
        f"| ours: `station_free_slots(kind=room)`, one call | {ours['ms']:.2f} | {ours['slots']} | {ours['queries']} |",
    ]
    if theirs is None:
        lines += ["", f"django-appointment: not run: {reason}"]
        return "\n".join(lines)
    lines.append(
        f"| django-appointment {theirs['django_appointment']} (Django {theirs['django']}): "
        f"`get_available_slots_for_staff`, one call per date | {theirs['ms']:.2f} | {theirs['slots']} "
        f"| {theirs['queries']} |"
    )
    ratio = theirs["ms"] / ours["ms"]
    lines += ["", f"Ours is faster by about **{ratio:.0f}×** (issue 10 asks for at least 50×)."]
    if theirs["slots"] != ours["slots"]:
        lines.append(f"Note: the two offer different slot counts ({ours['slots']} and {theirs['slots']}).")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=6.0, help="seconds of interleaved timing, at least 15 rounds")
    args = parser.parse_args()
    first_day = NOW.astimezone(ZoneInfo("Europe/Paris")).date() + timedelta(days=1)  # the Monday after NOW
    appointments = [((first_day + timedelta(days=d)).isoformat(), starts) for d, starts in APPOINTMENTS]
    theirs, reason = None, ""
    with ours_running(first_day=first_day, appointments=appointments) as (ours, ours_call):
        try:
            with theirs_running(first_day=first_day, appointments=appointments) as (theirs, theirs_call):
                ours_ms, theirs_ms = interleaved(ours_call, theirs_call, budget=args.budget)
                theirs["ms"] = statistics.median(theirs_ms)
        except (NotRun, subprocess.TimeoutExpired, json.JSONDecodeError, BrokenPipeError) as error:
            theirs, reason = None, str(error) or type(error).__name__
            log(f"django-appointment not run: {reason}")
            (ours_ms,) = interleaved(ours_call, budget=args.budget / 2)
        ours["ms"], ours["rounds"] = statistics.median(ours_ms), len(ours_ms)
    log(f"ours: {ours['ms']:.2f} ms, {ours['slots']} slots, {ours['queries']} queries")
    if theirs:
        log(f"django-appointment: {theirs['ms']:.2f} ms, {theirs['slots']} slots, {theirs['queries']} queries")
    from _slot_data import source_revision  # Django is set up by now (ours_running)

    print(fragment(ours=ours, theirs=theirs, reason=reason, revision=source_revision()))


if __name__ == "__main__":
    main()
