from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from bookings.selectors import station_free_slots
from charter.models import CharterVersion, Rule
from stations.models import Officer, OpeningHours, Shift, Space, SpaceKind, Station
from stations.permissions import station_staff_group

# A Tuesday in Paris. The 14-day horizon crosses the switch to summer time on
# Sunday 29 March 2026, when 09:00 in Paris moves from 08:00 to 07:00 UTC.
NOW = datetime(2026, 3, 24, 8, 0, tzinfo=UTC)
BEFORE_DST = date(2026, 3, 25)  # Wednesday
AFTER_DST = date(2026, 3, 31)  # Tuesday
SATURDAY = date(2026, 3, 28)
SUNDAY = date(2026, 4, 5)


def _seed(now=NOW):
    with time_machine.travel(now, tick=False):
        call_command("seed_demo", "--quiet", "--force")


@pytest.fixture
def seeded(db):
    _seed()


def _counts():
    models = (Station, Space, OpeningHours, Officer, Shift, User, EmailAddress, CharterVersion, Rule)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["staff group members"] = station_staff_group().user_set.count()
    return counts


def _local_times(slots, day):
    return [slot.local_starts_at.time() for slot in slots if slot.local_starts_at.date() == day]


def test_seed_demo_twice_creates_nothing_new(db):
    _seed()
    first = _counts()

    _seed()

    assert _counts() == first
    assert first["Station"] == 4
    assert first["Shift"] > 0


def test_seed_demo_a_day_later_adds_shifts_only_for_the_new_day(db):
    _seed()
    before = Shift.objects.count()

    _seed(NOW + timedelta(days=1))

    # Only the day entering the horizon (Wednesday 8 April) gets shifts; the
    # days already covered are not staffed twice.
    pairs = list(Shift.objects.values_list("officer_id", "starts_at"))
    assert len(pairs) == len(set(pairs))
    new_day = date(2026, 4, 8)
    paris = Station.objects.get(slug="paris-11").zone
    new = [s for s in Shift.objects.all() if timezone.localtime(s.starts_at, paris).date() == new_day]
    assert Shift.objects.count() == before + len(new)
    assert len(new) == 3 * 2 * 2  # three Paris stations, two opening ranges, two officers


def test_the_four_stations_have_their_time_zones(seeded):
    zones = dict(Station.objects.values_list("slug", "time_zone"))

    assert zones == {
        "paris-11": "Europe/Paris",
        "paris-13": "Europe/Paris",
        "paris-17": "Europe/Paris",
        "kennewick": "America/Los_Angeles",
    }


def test_paris_stations_have_two_rooms_two_bays_and_three_officers(seeded):
    for slug in ("paris-11", "paris-13", "paris-17"):
        station = Station.objects.get(slug=slug)
        assert station.spaces.filter(kind=SpaceKind.ROOM).count() == 2
        assert station.spaces.filter(kind=SpaceKind.BAY).count() == 2
        assert station.officers.count() == 3
        assert station.latitude and station.longitude and station.phone


def test_paris_11_offers_room_and_bay_slots_on_both_sides_of_the_clock_change(seeded):
    station = Station.objects.get(slug="paris-11")
    morning = [time(9, 0), time(9, 30), time(10, 0), time(10, 30), time(11, 0), time(11, 30)]

    for kind in (SpaceKind.ROOM, SpaceKind.BAY):
        slots = station_free_slots(station=station, kind=kind, first_day=BEFORE_DST, last_day=SUNDAY, now=NOW)
        for day in (BEFORE_DST, AFTER_DST):
            local = _local_times(slots, day)
            # Rooms follow the shifts: a shift built an hour off on the far side of
            # the clock change would lose 09:00 or 18:30.
            assert local[:6] == morning, (kind, day)
            assert local[6] == time(14, 0), (kind, day)
            assert local[-1] == time(18, 30), (kind, day)
            assert len(local) == 16, (kind, day)
        assert _local_times(slots, SATURDAY)[0] == time(10, 0)
        assert _local_times(slots, SUNDAY) == []


def test_paris_shifts_start_at_nine_local_time_after_the_clock_change(seeded):
    station = Station.objects.get(slug="paris-11")

    starts = sorted(
        Shift.objects.filter(officer__station=station, starts_at__date=AFTER_DST).values_list("starts_at", flat=True)
    )

    assert starts[0] == datetime(2026, 3, 31, 7, 0, tzinfo=UTC)
    assert timezone.localtime(starts[0], station.zone).time() == time(9, 0)


def test_kennewick_is_a_safe_exchange_zone_with_house_rules_and_no_bookable_slot(seeded):
    station = Station.objects.get(slug="kennewick")
    day = AFTER_DST

    slots = {
        kind: station_free_slots(station=station, kind=kind, first_day=day, last_day=day, now=NOW)
        for kind in SpaceKind.values
    }

    assert slots == {SpaceKind.ROOM: [], SpaceKind.BAY: [], SpaceKind.ZONE: []}
    zones = station.spaces.filter(kind=SpaceKind.ZONE, is_active=True)
    assert zones.count() == 2
    assert all("Open 24 hours" in zone.house_rules_en and "24 h/24" in zone.house_rules for zone in zones)
    assert not station.spaces.exclude(kind=SpaceKind.ZONE).exists()
    assert station.officers.count() == 0
    assert not station.opening_hours.exists()


def test_demo_buyer_logs_in_through_allauth_with_a_verified_address(seeded, client):
    assert EmailAddress.objects.filter(email="buyer@demo.safe-exchange.local", verified=True, primary=True).exists()

    response = client.post(
        reverse("account_login"), {"login": "buyer@demo.safe-exchange.local", "password": "demo-buyer-2026"}
    )

    assert response.status_code == 302
    assert response.url == reverse("bookings:mine")
    assert int(client.session["_auth_user_id"]) == User.objects.get(email="buyer@demo.safe-exchange.local").pk


def test_demo_buyer_can_log_in_with_email_and_password(seeded, client):
    assert client.login(email="buyer@demo.safe-exchange.local", password="demo-buyer-2026")


def test_each_station_has_a_scoped_staff_account_and_there_is_one_superuser(seeded):
    group = station_staff_group()
    for station in Station.objects.all():
        staff = User.objects.get(email=f"staff.{station.slug}@demo.safe-exchange.local")
        assert staff.is_staff and not staff.is_superuser
        assert staff.station == station
        assert staff.groups.filter(pk=group.pk).exists()
        assert staff.check_password("demo-staff-2026")

    admin = User.objects.get(email="admin@demo.safe-exchange.local")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("demo-admin-2026")


def test_officer_accounts_cannot_log_in(seeded):
    officers = User.objects.filter(email__startswith="officer")

    assert officers.count() == 9
    assert not any(user.has_usable_password() for user in officers)


def test_seed_demo_prints_the_logins(db, capsys):
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", "--force")

    out = capsys.readouterr().out
    for login in ("buyer@demo.safe-exchange.local", "staff.paris-17@demo.safe-exchange.local", "demo-admin-2026"):
        assert login in out


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_without_debug_unless_forced():
    from django.core.management.base import CommandError

    from accounts.models import User

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", "--quiet")
    assert not User.objects.filter(is_superuser=True).exists()
