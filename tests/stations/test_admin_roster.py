"""The roster in the admin: officers, shifts and absences on the station's page, a week of shifts from a template."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from stations.models import Officer, OfficerAbsence, Shift
from stations.services import shifts_create_week
from tests import factories

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)  # Friday; Paris springs forward on Sunday 29 March

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _week_url(station):
    return reverse("admin:stations_station_week", args=[station.pk])


def test_a_week_template_creates_shifts_in_station_time_across_the_dst_change(paris_11):
    officer = factories.OfficerFactory(station=paris_11)

    result = shifts_create_week(
        station=paris_11,
        officers=[officer],
        weekdays={0, 1, 2, 3, 4, 5, 6},
        starts=time(8, 0),
        ends=time(16, 0),
        first_day=date(2026, 3, 25),  # Wednesday to Tuesday, over Sunday 29
    )

    shifts = sorted(result.created, key=lambda shift: shift.starts_at)
    assert len(shifts) == 7
    local = [(s.starts_at.astimezone(paris_11.zone), s.ends_at.astimezone(paris_11.zone)) for s in shifts]
    assert {(start.time(), end.time()) for start, end in local} == {(time(8, 0), time(16, 0))}
    assert shifts[0].starts_at == datetime(2026, 3, 25, 7, 0, tzinfo=UTC)  # UTC+1
    assert shifts[-1].starts_at == datetime(2026, 3, 31, 6, 0, tzinfo=UTC)  # UTC+2
    assert all(s.ends_at - s.starts_at == timedelta(hours=8) for s in shifts)


def test_a_night_shift_ends_the_next_day_and_a_time_in_the_spring_gap_moves_past_it(paris_11):
    officer = factories.OfficerFactory(station=paris_11)

    result = shifts_create_week(
        station=paris_11,
        officers=[officer],
        weekdays={5},  # Saturday 28 March, into the night of the change
        starts=time(22, 0),
        ends=time(6, 0),
        first_day=date(2026, 3, 23),
    )
    [night] = result.created
    assert night.starts_at == datetime(2026, 3, 28, 21, 0, tzinfo=UTC)
    assert night.ends_at == datetime(2026, 3, 29, 4, 0, tzinfo=UTC)  # 06:00 summer time: 7 hours that night

    gap = shifts_create_week(
        station=paris_11,
        officers=[factories.OfficerFactory(station=paris_11)],
        weekdays={6},
        starts=time(2, 30),
        ends=time(10, 0),
        first_day=date(2026, 3, 23),
    )
    [early] = gap.created
    assert early.starts_at.astimezone(paris_11.zone).time() == time(3, 30)


def test_applying_the_template_twice_creates_nothing_the_second_time(paris_11):
    officers = [factories.OfficerFactory(station=paris_11) for _ in range(2)]
    template = {"weekdays": {0, 1, 2, 3, 4}, "starts": time(9, 0), "ends": time(17, 0), "first_day": date(2026, 3, 23)}

    first = shifts_create_week(station=paris_11, officers=officers, **template)
    second = shifts_create_week(station=paris_11, officers=officers, **template)

    assert len(first.created) == 10
    assert second.created == []
    assert len(second.skipped) == 10
    assert Shift.objects.count() == 10


def test_another_stations_officer_is_left_out(paris_11, paris_13):
    theirs = factories.OfficerFactory(station=paris_13)

    result = shifts_create_week(
        station=paris_11,
        officers=[theirs],
        weekdays={0},
        starts=time(9, 0),
        ends=time(17, 0),
        first_day=date(2026, 3, 23),
    )

    assert result.created == []
    assert not Shift.objects.exists()


def test_bulk_shifts_reassign_the_stations_bookings_once(paris_11, django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr("bookings.signals._reassign", queued.append)
    officer = factories.OfficerFactory(station=paris_11)

    shifts_create_week(
        station=paris_11,
        officers=[officer],
        weekdays={0, 1, 2},
        starts=time(9, 0),
        ends=time(17, 0),
        first_day=date(2026, 3, 23),
    )

    assert queued == [paris_11.pk]


def test_staff_create_a_week_of_shifts_in_the_admin(client, paris_11, staff_11e):
    ours = factories.OfficerFactory(station=paris_11, badge_number="P11-1")
    client.force_login(staff_11e)

    page = client.get(_week_url(paris_11))
    assert page.status_code == 200
    assert "P11-1" in page.content.decode()
    response = client.post(
        _week_url(paris_11),
        {
            "officers": [ours.pk],
            "weekdays": ["0", "2", "4"],
            "starts": "08:00",
            "ends": "14:00",
            "first_day": "2026-03-23",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("admin:stations_station_change", args=[paris_11.pk])
    assert "3 shifts created." in response.content.decode()
    assert Shift.objects.filter(officer=ours).count() == 3
    again = client.post(
        _week_url(paris_11),
        {
            "officers": [ours.pk],
            "weekdays": ["0", "2", "4"],
            "starts": "08:00",
            "ends": "14:00",
            "first_day": "2026-03-23",
        },
        follow=True,
    )
    assert "3 shifts left out" in again.content.decode()
    assert Shift.objects.count() == 3


def test_the_week_template_offers_only_the_stations_officers(client, paris_11, paris_13, staff_11e):
    theirs = factories.OfficerFactory(station=paris_13, badge_number="P13-9")
    client.force_login(staff_11e)

    assert "P13-9" not in client.get(_week_url(paris_11)).content.decode()
    response = client.post(
        _week_url(paris_11),
        {"officers": [theirs.pk], "weekdays": ["0"], "starts": "08:00", "ends": "14:00", "first_day": "2026-03-23"},
    )
    assert response.status_code == 200
    assert "officers" in response.context["form"].errors
    assert not Shift.objects.exists()


def test_the_station_page_edits_officers_shifts_and_absences(client, paris_11, staff_11e):
    from tests.stations.test_admin_scoping import _form_data

    officer = factories.OfficerFactory(station=paris_11, badge_number="P11-1")
    shift = factories.ShiftFactory(
        officer=officer, starts_at=NOW + timedelta(days=1), ends_at=NOW + timedelta(days=1, hours=8)
    )
    old = factories.ShiftFactory(
        officer=officer, starts_at=NOW - timedelta(days=10), ends_at=NOW - timedelta(days=10, hours=-8)
    )
    client.force_login(staff_11e)
    url = reverse("admin:stations_station_change", args=[paris_11.pk])

    page = client.get(url)
    formsets = {f.formset.prefix: f.formset for f in page.context["inline_admin_formsets"]}
    assert [s.pk for s in formsets["station_shift"].queryset] == [shift.pk]  # the coming two weeks only
    assert list(formsets["station_shift"].forms[0].fields["officer"].queryset) == [officer]
    data = _form_data(page)
    data.update(
        {
            "station_shift-0-ends_at_1": "20:00:00",
            "station_officerabsence-TOTAL_FORMS": "1",
            "station_officerabsence-0-officer": officer.pk,
            "station_officerabsence-0-starts_at_0": "2026-03-23",
            "station_officerabsence-0-starts_at_1": "08:00",
            "station_officerabsence-0-ends_at_0": "2026-03-23",
            "station_officerabsence-0-ends_at_1": "18:00",
            "station_officerabsence-0-reason": "Formation",
            "officers-0-badge_number": "P11-001",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context and [
        f.formset.errors for f in response.context["inline_admin_formsets"]
    ]
    shift.refresh_from_db()
    assert shift.ends_at.astimezone(paris_11.zone).time() == time(20, 0)
    absence = OfficerAbsence.objects.get()
    assert (absence.officer, absence.reason) == (officer, "Formation")
    assert Officer.objects.get(pk=officer.pk).badge_number == "P11-001"
    assert Shift.objects.filter(pk=old.pk).exists()


def test_a_shift_inline_for_another_stations_officer_is_refused(client, paris_11, paris_13, staff_11e):
    from tests.stations.test_admin_scoping import _form_data

    theirs = factories.OfficerFactory(station=paris_13)
    client.force_login(staff_11e)
    url = reverse("admin:stations_station_change", args=[paris_11.pk])
    data = _form_data(client.get(url))
    data.update(
        {
            "station_shift-TOTAL_FORMS": "1",
            "station_shift-0-officer": theirs.pk,
            "station_shift-0-starts_at_0": "2026-03-23",
            "station_shift-0-starts_at_1": "08:00",
            "station_shift-0-ends_at_0": "2026-03-23",
            "station_shift-0-ends_at_1": "16:00",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert not Shift.objects.exists()
