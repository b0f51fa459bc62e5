"""The hostile inputs issue 8 found, one by one: each is a 4xx or a redirect, never a 500.

The property-based walk over every URL is tests/test_hostile_input.py; these are
the reported cases, kept as plain examples so that a regression names itself.
"""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer_client(buyer):
    client = Client(raise_request_exception=False)
    client.force_login(buyer)
    return client


@pytest.fixture
def staff_client(staff_11e):
    client = Client(raise_request_exception=False)
    client.force_login(staff_11e)
    return client


@pytest.mark.parametrize("path", ["/bookings/%00/", "/bookings/%00/cancel/", "/bookings/SX-%00AB/"])
def test_nul_byte_in_a_booking_reference_is_a_bad_request(buyer_client, path):
    response = buyer_client.get(path)

    assert response.status_code == 400
    assert b"cannot be read" in response.content


def test_nul_byte_in_an_admin_filter_is_a_bad_request(staff_client):
    response = staff_client.get("/admin/bookings/booking/?status__exact=%00")

    assert response.status_code == 400


def test_nul_byte_in_an_admin_autocomplete_term_is_a_bad_request(staff_client):
    response = staff_client.get(
        "/admin/autocomplete/",
        {"term": "\x00", "app_label": "stations", "model_name": "shift", "field_name": "officer"},
    )

    assert response.status_code == 400


def test_nul_byte_in_a_posted_field_is_a_bad_request_and_changes_nothing(buyer_client, buyer):
    response = buyer_client.post("/accounts/email/", {"email": "new\x00@example.org", "action_add": ""})

    assert response.status_code == 400
    assert buyer.emailaddress_set.count() == 1


def test_a_session_cookie_holding_nul_bytes_is_ignored(client):
    # A quoted cookie value may spell NUL in octal: the session lookup took it to PostgreSQL.
    response = client.get("/bookings/", HTTP_COOKIE='sessionid="\\000\\000\\000\\000\\000\\000\\000\\000"')

    assert response.status_code == 302  # no session: to the login page
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(
    "query",
    [
        "starts_at__year=99999999999999999999",
        "starts_at__year=9999",
        "starts_at__year=9999&starts_at__month=12",
        "starts_at__year=9999&starts_at__month=12&starts_at__day=31",
        "starts_at__year=1&starts_at__month=1&starts_at__day=1",
        "starts_at__year=2026&starts_at__month=99999999999999999999",
    ],
)
def test_out_of_range_dates_in_the_admin_date_hierarchy_redirect_with_an_error(staff_client, query):
    response = staff_client.get(f"/admin/bookings/booking/?{query}")

    assert response.status_code == 302
    assert response.url.endswith("?e=1")


def test_a_lookup_on_a_date_the_database_cannot_hold_is_not_a_server_error(staff_client):
    # SQLite's adapter turns 0001-01-01 Paris time into UTC and overflows; PostgreSQL answers.
    response = staff_client.get("/admin/bookings/booking/?starts_at__gte=0001-01-01")

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response.url.endswith("?e=1")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30", "99999999999999999999-01-01"])
def test_the_schedule_shows_today_for_a_day_out_of_range(staff_client, day):
    response = staff_client.get("/admin/bookings/booking/schedule/", {"day": day})

    assert response.status_code == 200
    assert b"cannot be shown" in response.content


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_statistics_fall_back_to_the_default_period_for_a_day_out_of_range(staff_client, day):
    response = staff_client.get("/admin/bookings/booking/statistics/", {"first_day": day, "last_day": day})

    assert response.status_code == 200


def test_a_url_far_too_long_is_refused_before_any_view_runs(staff_client):
    response = staff_client.get("/admin/bookings/booking/", {"q": "a " * 20_000})

    assert response.status_code == 414


@pytest.mark.parametrize("path", ["/bookings/%ED%A0%80/", "/stations/paris-11%FF/", "/stations/%0A/", "/charter/%7F/"])
def test_a_path_that_is_not_text_is_a_bad_request(buyer_client, path):
    assert buyer_client.get(path).status_code == 400


def test_an_admin_search_longer_than_the_cap_lists_without_it_and_says_why(staff_client):
    response = staff_client.get("/admin/bookings/booking/", {"q": "x" * 201})

    assert response.status_code == 200
    assert b"at most 200 characters" in response.content


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/admin/stations/closure/add/", {"reason": "Exercice"}),
        ("/admin/stations/shift/add/", {}),
        ("/admin/stations/officerabsence/add/", {"reason": "Congé"}),
    ],
)
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_admin_form_refuses_a_date_out_of_range_with_a_message(staff_client, paris_11, path, fields, day):
    from stations.models import Closure, OfficerAbsence, Shift
    from tests import factories

    officer = factories.OfficerFactory(station=paris_11)
    data = {
        "station": paris_11.pk,
        "officer": officer.pk,
        "starts_at_0": day,
        "starts_at_1": "00:00",
        "ends_at_0": day,
        "ends_at_1": "20:00",
        **fields,
    }

    response = staff_client.post(path, data)

    assert response.status_code == 200
    assert b"Pick a date between the years 1900 and 2999." in response.content
    assert not Closure.objects.exists() and not Shift.objects.exists() and not OfficerAbsence.objects.exists()


def test_a_week_of_shifts_refuses_a_first_day_out_of_range(staff_client, paris_11):
    from stations.models import Shift
    from tests import factories

    officer = factories.OfficerFactory(station=paris_11)
    data = {
        "officers": officer.pk,
        "weekdays": ["0", "6"],
        "starts": "08:00",
        "ends": "16:00",
        "first_day": "9999-12-31",
    }

    response = staff_client.post(f"/admin/stations/station/{paris_11.pk}/roster/week/", data)

    assert response.status_code == 200
    assert b"Pick a date between the years 1900 and 2999." in response.content
    assert not Shift.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/bookings/SX-ZZZZZ/",
        "/bookings/SX-ZZZZZ/cancel/",
        "/bookings/" + "A" * 3000 + "/",
        "/bookings/invite/not-a-token/",
        "/bookings/seller-cancel/not-a-token/",
        "/stations/no-such-station/",
        "/bookings/new/no-such-station/item/",
    ],
)
def test_a_reference_or_link_that_names_nothing_is_not_found(buyer_client, path):
    assert buyer_client.get(path).status_code == 404


def test_the_charter_live_check_still_takes_the_longest_description(client, charter):
    # 2,000 CJK characters are 18,000 bytes once escaped: the URL bound must leave room for them.
    response = client.get("/charter/check/", {"title": "漢" * 200, "description": "漢" * 2000})

    assert response.status_code == 200


@pytest.mark.parametrize("page", ["schedule", "statistics"])
@pytest.mark.parametrize("station", ["²", "٣", "99999999999999999999", "-1"])
def test_a_superuser_asking_for_a_station_that_is_no_id_gets_not_found(admin_client, paris_11, page, station):
    assert admin_client.get(f"/admin/bookings/booking/{page}/", {"station": station}).status_code == 404


@pytest.mark.parametrize("changelist", ["/admin/auth/group/", "/admin/account/emailaddress/", "/admin/stations/shift/"])
@pytest.mark.parametrize("selected", ["abc", "²", "99999999999999999999", "-99999999999999999999"])
def test_an_admin_action_on_rows_that_are_no_ids_changes_nothing_and_says_so(admin_client, buyer, changelist, selected):
    from allauth.account.models import EmailAddress

    response = admin_client.post(
        changelist, {"action": "delete_selected", "index": "0", "_selected_action": selected}, follow=True
    )

    assert response.status_code == 200
    assert b"Items must be selected in order to perform actions on them" in response.content
    assert EmailAddress.objects.filter(user=buyer).exists()


def test_every_admin_and_inline_of_the_site_guards_its_input():
    from django.contrib import admin

    from config.admin_changelist import BoundedInputAdmin

    unguarded = [
        f"{model._meta.label}: {cls.__name__}"
        for model, model_admin in admin.site._registry.items()
        for cls in [type(model_admin), *model_admin.inlines]
        if not issubclass(cls, BoundedInputAdmin)
    ]

    assert not unguarded, "take config.admin_changelist.BoundedInputAdmin first in their bases"
