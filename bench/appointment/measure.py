"""django-appointment's slot computation for one staff member, timed; run by bench/appointment_compare.py.

Runs in django-appointment's own virtual environment (var/bench-appointment), never in the
project's: it sets up the settings beside this file (SQLite in memory), makes one staff member
working Monday to Saturday 9:00–19:00 in 30-minute slots with the appointments it is given, then
asks `appointment.services.get_available_slots_for_staff` (what its slot page calls for each date:
day off, working hours, slots, pending reschedules, appointments, unavailabilities) for every date
of the range. Prints one JSON line (slots, queries, versions), then times one more computation of
the whole range for each line it reads on stdin and answers each with a JSON line {"ms": ...}.
"""

import argparse
import json
import os
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as wall
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "settings"

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from appointment.models import Appointment, AppointmentRequest, Service, StaffMember, WorkingHours  # noqa: E402
from appointment.services import get_available_slots_for_staff  # noqa: E402
from appointment.utils.db_helpers import get_weekday_num_from_date  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SLOT = timedelta(minutes=30)


def populate(appointments: list[tuple[str, str]]):
    # The wheel ships no migrations: the tables come from the models.
    call_command("migrate", run_syncdb=True, verbosity=0)
    user = get_user_model().objects.create_user(username="officer", email="officer@bench.example")
    service = Service.objects.create(name="Exchange", duration=SLOT, price=0)
    staff = StaffMember.objects.create(user=user, slot_duration=30, appointment_buffer_time=0)
    staff.services_offered.add(service)
    # Its weekdays count from Sunday (0) to Saturday (6): Monday to Saturday is 1 to 6.
    for day_of_week in range(1, 7):
        WorkingHours.objects.create(staff_member=staff, day_of_week=day_of_week, start_time=wall(9), end_time=wall(19))
    client = get_user_model().objects.create_user(username="buyer", email="buyer@bench.example")
    for day, starts in appointments:
        starts_at = datetime.combine(date.fromisoformat(day), wall.fromisoformat(starts))
        request = AppointmentRequest.objects.create(
            date=starts_at.date(),
            start_time=starts_at.time(),
            end_time=(starts_at + SLOT).time(),
            service=service,
            staff_member=staff,
        )
        Appointment.objects.create(client=client, appointment_request=request)
    return staff, service


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--now", required=True, help="the pinned clock, ISO 8601 with offset")
    parser.add_argument("--first-day", required=True)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--appointments", required=True, help='JSON [["2027-03-01", "10:00"], ...]')
    args = parser.parse_args()
    first_day = date.fromisoformat(args.first_day)
    dates = [first_day + timedelta(days=n) for n in range(args.days)]
    with time_machine.travel(datetime.fromisoformat(args.now), tick=True):
        staff, service = populate(json.loads(args.appointments))

        def run():
            return [
                slot
                for day in dates
                for slot in get_available_slots_for_staff(day, staff, get_weekday_num_from_date(day), service=service)
            ]

        with CaptureQueriesContext(connection) as captured:
            slots = run()  # also the warm-up: its config cache filled
        reply(
            {
                "slots": len(slots),
                "queries": len(captured),
                "django_appointment": version("django-appointment"),
                "django": django.get_version(),
                "python": sys.version.split()[0],
            }
        )
        # Then one timed computation per line read, so that the caller can interleave its own
        # calls with these (both sides then share whatever else loads the machine).
        for _line in sys.stdin:
            started = time.perf_counter()
            run()
            reply({"ms": (time.perf_counter() - started) * 1000})


def reply(message: dict) -> None:
    print(json.dumps(message), flush=True)


if __name__ == "__main__":
    main()
