"""CSV exports never hand a spreadsheet a formula (CSV injection), and every CSV goes through one writer."""

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from bookings.exports import csv_writer
from bookings.models import BookingStatus
from stations.models import Room
from tests import factories

NOW = datetime(2026, 6, 12, 16, 0, tzinfo=UTC)
MONDAY = date(2026, 6, 8)
# (badge, first name): the CSV names an officer "badge first last", stripped.
HOSTILE_OFFICERS = [
    ('=HYPERLINK("http://x","y")', ""),
    ("+33 6 12", ""),
    ("-2+3", ""),
    ("@SUM(A1:A9)", ""),
    ("", "@Marie"),  # no badge: the name starts the cell
]


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.django_db
def test_officer_labels_that_start_a_formula_come_out_as_text_in_the_statistics_csv(admin_client, paris_11):
    room = Room.objects.get(station=paris_11)
    for hour, (badge, first_name) in enumerate(HOSTILE_OFFICERS, start=10):
        officer = factories.OfficerFactory(
            station=paris_11, badge_number=badge, user__first_name=first_name, user__last_name="Curie"
        )
        starts_at = datetime.combine(MONDAY, time(hour), paris_11.zone)
        factories.BookingFactory(
            station=paris_11,
            space=room,
            officer=officer,
            status=BookingStatus.COMPLETED,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=30),
        )

    response = admin_client.get(
        reverse("admin:bookings_booking_statistics"),
        {"station": paris_11.pk, "first_day": "2026-06-08", "last_day": "2026-06-08", "format": "csv"},
    )

    officers = {row["category"]: row["value"] for row in _rows(response) if row["metric"] == "officer_booking_minutes"}
    assert officers == {
        """'=HYPERLINK("http://x","y") Curie""": "30",
        "'+33 6 12 Curie": "30",
        "'-2+3 Curie": "30",
        "'@SUM(A1:A9) Curie": "30",
        "'@Marie Curie": "30",
    }
    assert {row["value"] for row in _rows(response) if row["metric"] == "bookings"} == {"5"}


def test_text_cells_that_a_spreadsheet_would_run_get_a_leading_quote_and_numbers_stay_numbers():
    out = io.StringIO()

    csv_writer(out).writerow(["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "a-b", "", None, -5, -1.5, Decimal("-2.50")])

    assert next(csv.reader(io.StringIO(out.getvalue()))) == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@A1",
        "'\t=1",
        "'\r=1",
        "a-b",
        "",
        "",
        "-5",
        "-1.5",
        "-2.50",
    ]


def test_objects_are_neutralised_by_their_text():
    class Badge:
        def __str__(self):
            return "=cmd|' /c calc'!A1"

    out = io.StringIO()
    csv_writer(out).writerows([[Badge()], ["plain"]])

    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=cmd|' /c calc'!A1"], ["plain"]]


def test_no_module_writes_a_csv_without_the_safe_writer():
    root = Path(settings.BASE_DIR)
    raw = re.compile(r"\bcsv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/**/*.py")
        # var/ holds what runs leave behind (the benchmark's own virtual environments).
        if path.parts[len(root.parts)] not in {".venv", "var", "tests", "bench", "node_modules"}
        and path.relative_to(root) != Path("bookings/exports.py")
        and raw.search(path.read_text(encoding="utf-8"))
    ]

    assert offenders == []
