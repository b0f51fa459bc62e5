"""The staff pages' date inputs carry ISO values in both languages, and a date range reads "Du … Au …" in French.

A browser's <input type="date"> accepts only YYYY-MM-DD: a localised value ("30/10/2026")
is thrown away and the field shows empty.
"""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 10, 30, 9, 0, tzinfo=UTC)  # Friday 30 October 2026, 10:00 in Paris
STATISTICS = reverse("admin:bookings_booking_statistics")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _date_inputs(page: str) -> dict:
    return {
        match["name"]: match["value"]
        for match in re.finditer(r'<input type="date" name="(?P<name>\w+)" value="(?P<value>[^"]*)"', page)
    }


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_statistics_period_is_iso_in_both_languages(client, staff_11e, language):
    client.force_login(staff_11e)

    page = client.get(STATISTICS, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert _date_inputs(page) == {"first_day": "2026-10-03", "last_day": "2026-10-30"}


def test_a_period_asked_for_comes_back_iso_in_french(client, staff_11e):
    client.force_login(staff_11e)

    page = client.get(
        STATISTICS, {"first_day": "2026-09-01", "last_day": "2026-09-30"}, HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()

    assert _date_inputs(page) == {"first_day": "2026-09-01", "last_day": "2026-09-30"}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_week_of_shifts_starts_on_an_iso_day_in_both_languages(client, staff_11e, paris_11, language):
    factories.OfficerFactory(station=paris_11)
    client.force_login(staff_11e)

    page = client.get(
        reverse("admin:stations_station_week", args=[paris_11.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()

    assert _date_inputs(page) == {"first_day": "2026-11-02"}  # the next Monday


def test_a_week_of_shifts_posted_in_french_is_made(client, staff_11e, paris_11):
    officer = factories.OfficerFactory(station=paris_11)
    client.force_login(staff_11e)

    response = client.post(
        reverse("admin:stations_station_week", args=[paris_11.pk]),
        {"officers": [officer.pk], "weekdays": ["0"], "starts": "09:00", "ends": "17:00", "first_day": "2026-11-02"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert response.status_code == 302
    assert officer.shifts.count() == 1


def test_the_period_reads_du_au_in_french_not_destinataire(client, staff_11e):
    """Needs the French catalogue with the "date range" context (msgctxt) merged."""
    client.force_login(staff_11e)

    page = client.get(STATISTICS, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert re.search(r'<label for="id_last_day">Au</label>', page)
    assert re.search(r'<label for="id_first_day">Du</label>', page)
    assert "Destinataire" not in page
