"""`manage.py create_station_staff`: one station's staff account, provisioned again and again safely."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from stations.permissions import STATION_STAFF_GROUP
from tests import factories

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command("create_station_staff", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_staff_account_of_the_station_with_its_password(client, paris_11):
    output = _run("--station", "paris-11", "--email", "Agent.Dupont@Prefecture.example", "--password", "Tr0mb0ne-lune")

    user = User.objects.get()
    assert user.email == "Agent.Dupont@prefecture.example"
    assert (user.is_staff, user.is_superuser, user.station) == (True, False, paris_11)
    assert list(user.groups.values_list("name", flat=True)) == [STATION_STAFF_GROUP]
    address = EmailAddress.objects.get(user=user)
    assert (address.verified, address.primary) == (True, True)
    assert "created" in output and "Password set." in output
    assert "Tr0mb0ne-lune" not in output
    assert client.login(username=user.email, password="Tr0mb0ne-lune")
    assert client.get(reverse("admin:stations_station_change", args=[paris_11.pk])).status_code == 200


def test_running_it_again_changes_nothing(paris_11):
    args = ("--station", "paris-11", "--email", "agent@prefecture.example", "--password", "Tr0mb0ne-lune")
    _run(*args)
    output = _run(*args[:4])

    assert User.objects.count() == 1
    assert EmailAddress.objects.count() == 1
    user = User.objects.get()
    assert user.groups.count() == 1
    assert user.check_password("Tr0mb0ne-lune")
    assert "up to date" in output and "Password unchanged." in output


def test_without_a_password_it_prints_a_link_to_set_one(client, paris_11):
    output = _run("--station", "paris-11", "--email", "agent@prefecture.example")

    user = User.objects.get()
    assert not user.has_usable_password()
    link = next(line for line in output.splitlines() if "/accounts/password/reset/key/" in line)
    form_page = client.get(link.removeprefix("http://127.0.0.1:8000"), follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0], {"password1": "Tr0mb0ne-lune", "password2": "Tr0mb0ne-lune"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Tr0mb0ne-lune")
    # The link worked once.
    client.logout()
    assert client.get(link.removeprefix("http://127.0.0.1:8000"), follow=True).context["token_fail"]
    assert "Password unchanged." in _run("--station", "paris-11", "--email", "agent@prefecture.example")


def test_an_existing_buyer_account_becomes_staff_keeping_its_password(paris_11, buyer):
    _run("--station", "paris-11", "--email", buyer.email)

    buyer.refresh_from_db()
    assert buyer.is_staff and buyer.station == paris_11
    assert buyer.check_password("correct horse battery staple")
    assert EmailAddress.objects.filter(user=buyer).count() == 1


def test_staff_of_another_station_is_not_moved_silently(paris_11, paris_13, staff_13e):
    with pytest.raises(CommandError, match="another station"):
        _run("--station", "paris-11", "--email", staff_13e.email)

    staff_13e.refresh_from_db()
    assert staff_13e.station == paris_13


def test_unknown_station_weak_password_and_bad_email_are_refused(paris_11):
    with pytest.raises(CommandError, match="slug"):
        _run("--station", "paris-99", "--email", "agent@prefecture.example")
    with pytest.raises(CommandError):
        _run("--station", "paris-11", "--email", "agent@prefecture.example", "--password", "123")
    with pytest.raises(CommandError, match="not an email"):
        _run("--station", "paris-11", "--email", "agent")
    assert not User.objects.exists()


def test_the_staff_account_sees_only_its_station(client, paris_11, paris_13):
    _run("--station", "paris-11", "--email", "agent@prefecture.example", "--password", "Tr0mb0ne-lune")
    room_13 = factories.SpaceFactory(station=paris_13, name="Salle 13")
    client.login(username="agent@prefecture.example", password="Tr0mb0ne-lune")

    assert client.get(reverse("admin:stations_room_change", args=[room_13.pk])).status_code == 404
