"""Statistics in the admin: figures from real bookings, as charts (JSON), CSV, scoped per station."""

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from bookings.models import BookingStatus, CharterRefusal
from charter.models import BookingCharterReview, CharterOverride
from stations.models import Room
from tests import factories

S = BookingStatus
NOW = datetime(2026, 6, 12, 16, 0, tzinfo=UTC)  # Friday 18:00 in Paris
MONDAY = date(2026, 6, 8)
STATISTICS = reverse("admin:bookings_booking_statistics")
PERIOD = {"first_day": "2026-06-01", "last_day": "2026-06-12"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _at(station, day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), station.zone)


def _booking(station, day, hour, status, **fields):
    starts_at = _at(station, day, hour)
    return factories.BookingFactory(
        station=station,
        space=Room.objects.get(station=station),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        status=status,
        **fields,
    )


@pytest.fixture
def week(paris_11, paris_13, charter):
    """A week of paris-11 (and one booking of paris-13, to be left out)."""
    officer = factories.OfficerFactory(station=paris_11, badge_number="P11-007")
    for offset in range(3):  # Monday to Wednesday, 8 hours each
        day = MONDAY + timedelta(days=offset)
        factories.ShiftFactory(officer=officer, starts_at=_at(paris_11, day, 9), ends_at=_at(paris_11, day, 17))
    _booking(paris_11, MONDAY, 10, S.COMPLETED, officer=officer)
    _booking(paris_11, MONDAY, 11, S.COMPLETED, officer=officer)
    _booking(paris_11, MONDAY, 12, S.NO_SHOW, no_show_party="seller", officer=officer)
    _booking(paris_11, MONDAY + timedelta(days=1), 10, S.NO_SHOW, no_show_party="both", officer=officer)
    _booking(paris_11, MONDAY + timedelta(days=1), 11, S.REFUSED, refusal_category="blade", officer=officer)
    _booking(paris_11, MONDAY + timedelta(days=2), 10, S.CANCELLED, officer=officer)  # no officer time
    _booking(paris_11, MONDAY + timedelta(days=2), 23, S.ABORTED)  # 23:00 local is 21:00 UTC: same local day
    reviewed = _booking(paris_11, MONDAY + timedelta(days=2), 14, S.CONFIRMED)
    review = BookingCharterReview.objects.create(
        booking=reviewed, version=charter, verdict="review", category="bulky", checked_at=NOW
    )
    CharterOverride.objects.create(
        review=review, at=_at(paris_11, MONDAY, 9), from_verdict="review", to_verdict="forbidden", reason="Trop gros"
    )
    CharterRefusal.objects.create(station=paris_11, category="weapon", at=_at(paris_11, MONDAY, 8), version=charter)
    CharterRefusal.objects.create(station=paris_11, category="weapon", at=_at(paris_11, MONDAY, 9), version=charter)
    CharterRefusal.objects.create(station=paris_13, category="weapon", at=_at(paris_13, MONDAY, 9), version=charter)
    _booking(paris_13, MONDAY, 10, S.NO_SHOW, no_show_party="buyer")
    return officer


def test_the_figures_come_from_the_stations_bookings(client, staff_11e, week):
    client.force_login(staff_11e)

    data = client.get(STATISTICS, {**PERIOD, "format": "json"}).json()

    assert data["station"] == "paris-11"
    assert data["total"] == 8
    assert data["outcomes"] == {
        "confirmed": 1,
        "completed": 2,
        "aborted": 1,
        "cancelled": 1,
        "no_show": 2,
        "refused": 1,
    }
    days = data["days"]
    assert days[0] == "2026-06-01" and days[-1] == "2026-06-12"
    monday = days.index("2026-06-08")
    assert data["bookings_per_day"]["completed"][monday] == 2
    assert data["bookings_per_day"]["no_show"][monday] == 1
    assert data["bookings_per_day"]["aborted"][days.index("2026-06-10")] == 1
    # Due: completed 2, aborted 1, refused 1, no-show 2.
    assert data["no_show"] == {"due": 6, "no_shows": 2, "rate": 0.3333, "by_party": {"seller": 1, "both": 1}}
    assert data["charter_refusals"] == {
        "categories": ["blade", "bulky", "weapon"],
        "booking": {"weapon": 2},
        "staff": {"bulky": 1},
        "desk": {"blade": 1},
    }
    assert data["officer_time"]["weeks"] == ["2026-W24"]
    [entry] = data["officer_time"]["officers"]
    assert entry["officer"].startswith("P11-007")
    # Two completed, two no-shows, one refused: five half-hour slots; three 8-hour shifts.
    assert entry["booking_minutes"] == [150]
    assert entry["shift_minutes"] == [3 * 8 * 60]


def test_the_page_draws_the_charts_with_the_local_chart_library(client, staff_11e, week):
    client.force_login(staff_11e)

    response = client.get(STATISTICS, PERIOD)

    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/vendor/chart.js-4.6.1/chart.umd.js" in page
    assert "//cdn" not in page
    assert 'id="sx-stat-data"' in page
    for canvas in ("sx-chart-days", "sx-chart-outcomes", "sx-chart-no-show", "sx-chart-refusals", "sx-chart-officers"):
        assert canvas in page
    assert response.context["summary"]["total"] == 8
    assert response.context["officer_rows"] == [(response.context["officer_rows"][0][0], 2.5, 24.0, 10)]


def test_the_csv_holds_the_same_figures(client, staff_11e, week):
    client.force_login(staff_11e)

    response = client.get(STATISTICS, {**PERIOD, "format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    assert "paris-11" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["station"] for row in rows} == {"paris-11"}
    bookings = sum(int(row["value"]) for row in rows if row["metric"] == "bookings")
    assert bookings == 8
    no_shows = {row["category"]: int(row["value"]) for row in rows if row["metric"] == "no_show_party"}
    assert no_shows == {"seller": 1, "both": 1}
    minutes = [row for row in rows if row["metric"] == "officer_booking_minutes"]
    assert [(row["period"], row["value"]) for row in minutes] == [("2026-W24", "150")]


def test_staff_cannot_read_another_stations_statistics_in_any_format(client, staff_11e, paris_13, week):
    client.force_login(staff_11e)

    for output in ("", "json", "csv"):
        response = client.get(STATISTICS, {**PERIOD, "station": paris_13.pk, "format": output})
        assert response.status_code == 404, output


def test_all_stations_add_up_for_superusers_and_the_csv_names_each_station(client, week, paris_13):
    root = factories.UserFactory(email="root@prefecture.example", is_staff=True, is_superuser=True)
    client.force_login(root)

    data = client.get(STATISTICS, {**PERIOD, "format": "json"}).json()
    assert data["station"] == "all-stations"
    assert data["total"] == 9
    assert data["no_show"]["by_party"] == {"seller": 1, "both": 1, "buyer": 1}
    assert data["charter_refusals"]["booking"] == {"weapon": 3}

    one = client.get(STATISTICS, {**PERIOD, "station": paris_13.pk, "format": "json"}).json()
    assert one["total"] == 1

    rows = list(csv.DictReader(io.StringIO(client.get(STATISTICS, {**PERIOD, "format": "csv"}).content.decode())))
    assert {row["station"] for row in rows} == {"paris-11", "paris-13"}
    page = client.get(STATISTICS, PERIOD).content.decode()
    assert "All stations" in page


def test_prefecture_accounts_with_the_permission_see_every_station(client, week):
    from django.contrib.auth.models import Permission

    from stations.permissions import station_staff_group

    boss = factories.UserFactory(email="boss@prefecture.example", is_staff=True)
    boss.groups.add(station_staff_group())
    boss.user_permissions.add(Permission.objects.get(codename="view_all_stations"))
    client.force_login(boss)

    assert client.get(STATISTICS, {**PERIOD, "format": "json"}).json()["total"] == 9


def test_the_default_period_is_the_last_four_weeks_and_a_wrong_one_is_explained(client, staff_11e, week):
    client.force_login(staff_11e)

    data = client.get(STATISTICS, {"format": "json"}).json()
    assert (data["first_day"], data["last_day"]) == ("2026-05-16", "2026-06-12")

    response = client.get(STATISTICS, {"first_day": "2026-06-12", "last_day": "2026-06-01"})
    assert response.context["period_error"]
    assert response.context["summary"]["first_day"] == "2026-05-16"


def test_an_empty_period_has_no_rate(client, staff_11e):
    client.force_login(staff_11e)

    data = client.get(STATISTICS, {"first_day": "2020-01-01", "last_day": "2020-01-31", "format": "json"}).json()

    assert data["total"] == 0
    assert data["no_show"]["rate"] is None
    assert (
        "No booking was due"
        in client.get(STATISTICS, {"first_day": "2020-01-01", "last_day": "2020-01-31"}).content.decode()
    )


def test_statistics_need_the_booking_permission(client, paris_11):
    nobody = factories.UserFactory(email="nobody@prefecture.example", is_staff=True, station=paris_11)
    client.force_login(nobody)

    assert client.get(STATISTICS).status_code == 403


def test_days_follow_each_stations_time_zone(client):
    kennewick = factories.StationFactory(slug="kennewick", time_zone="America/Los_Angeles")
    bay = factories.SpaceFactory(station=kennewick, kind="bay", name="Spot 1")
    # 23:30 on June 8 in Kennewick is June 9 in UTC.
    starts_at = datetime(2026, 6, 9, 6, 30, tzinfo=UTC)
    factories.BookingFactory(
        station=kennewick, space=bay, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30), status=S.COMPLETED
    )
    root = factories.UserFactory(email="root@prefecture.example", is_staff=True, is_superuser=True)
    client.force_login(root)

    data = client.get(STATISTICS, {**PERIOD, "station": kennewick.pk, "format": "json"}).json()

    assert data["bookings_per_day"]["completed"][data["days"].index("2026-06-08")] == 1
