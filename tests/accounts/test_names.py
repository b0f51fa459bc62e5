"""Buyers' names: required at sign-up (allauth's ACCOUNT_SIGNUP_FORM_CLASS), edited on the account page."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.names import NAME_MAX_LENGTH, person_name_clean
from tests import factories

pytestmark = pytest.mark.django_db

SIGNUP = reverse("account_signup")
MINE = reverse("accounts:mine")
PASSWORD = "a long pass phrase for a new buyer"


def _signup(client, **fields):
    data = {"email": "new.buyer@example.org", "password1": PASSWORD, "password2": PASSWORD} | fields
    return client.post(SIGNUP, data)


# --- what a name may be -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Jean  ", "Jean"),
        ("Jean\r\n", "Jean"),  # pasted with its line break
        ("Jean \u00a0 Pierre", "Jean Pierre"),  # a no-break space, and two spaces, become one
        ("Jean-Pierre", "Jean-Pierre"),
        ("O'Neil", "O'Neil"),
        ("d\u2019Artagnan", "d\u2019Artagnan"),
        ("Ze\u0301lie", "Z\u00e9lie"),  # decomposed é stored composed (NFC)
        ("Nguyễn", "Nguyễn"),
        ("Øyvind", "Øyvind"),
        ("Иванова", "Иванова"),
        ("J. R.", "J. R."),
    ],
)
def test_names_are_stored_as_typed_tidied(typed, stored):
    assert person_name_clean(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "required"),
        ("   ", "required"),
        ("Jean\x00", "invisible"),
        ("Jean\u202eenituP", "invisible"),  # right-to-left override: reads otherwise than typed
        ("Jean\u200b", "invisible"),
        ("Jean\u2028Dupont", "invisible"),  # a line separator
        ("Jean\nDupont", "invisible"),  # a line break inside (at the ends it is stripped)
        ("Jean\tDupont", "invisible"),
        ("<script>", "characters"),
        ("Jean2", "characters"),
        ("jean@example.org", "characters"),
        ("https://evil", "characters"),
        ("--", "no_letter"),
        ("x" * (NAME_MAX_LENGTH + 1), "max_length"),
    ],
)
def test_unreadable_names_are_refused_with_a_reason(typed, code):
    with pytest.raises(ValidationError) as refused:
        person_name_clean(typed)
    assert refused.value.code == code


def test_the_refusal_speaks_the_users_language():
    with translation.override("fr"):
        with pytest.raises(ValidationError) as refused:
            person_name_clean("Jean2")
        assert "lettres" in refused.value.messages[0]


# --- sign-up -----------------------------------------------------------------------------------


def test_sign_up_without_a_name_is_refused(client):
    response = _signup(client)

    assert response.status_code == 200
    assert not User.objects.filter(email="new.buyer@example.org").exists()
    assert "Give your first name." in response.text and "Give your last name." in response.text


def test_sign_up_with_a_control_character_in_the_name_is_refused(client):
    response = _signup(client, first_name="Jean\x07", last_name="Dupont")

    assert response.status_code == 200
    assert not User.objects.filter(email="new.buyer@example.org").exists()
    assert "invisible or control character" in response.text


def test_sign_up_stores_the_names(client):
    response = _signup(client, first_name="  Jean ", last_name="Dupont  Martin")

    assert response.status_code == 302
    user = User.objects.get(email="new.buyer@example.org")
    assert (user.first_name, user.last_name) == ("Jean", "Dupont Martin")


def test_the_sign_up_page_asks_for_the_names(client):
    page = client.get(SIGNUP).text

    assert 'name="first_name"' in page and 'autocomplete="given-name"' in page
    assert 'name="last_name"' in page and 'autocomplete="family-name"' in page
    assert page.index('name="first_name"') < page.index('name="last_name"') < page.index('name="password1"')


# --- the account page --------------------------------------------------------------------------


def test_the_account_page_needs_a_login(client):
    response = client.get(MINE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.post(MINE, {"first_name": "Eve", "last_name": "Intruse"}).status_code == 302


def test_the_account_page_edits_the_names(client, buyer):
    client.force_login(buyer)
    assert buyer.first_name in client.get(MINE).text

    response = client.post(MINE, {"first_name": "Alex", "last_name": " Martin "})

    assert response.status_code == 302 and response["Location"] == MINE
    buyer.refresh_from_db()
    assert (buyer.first_name, buyer.last_name) == ("Alex", "Martin")


def test_the_account_page_refuses_a_post_without_the_csrf_token(buyer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    before = (buyer.first_name, buyer.last_name)

    response = client.post(MINE, {"first_name": "Alex", "last_name": "Martin"})

    assert response.status_code == 403
    buyer.refresh_from_db()
    assert (buyer.first_name, buyer.last_name) == before


def test_a_bad_name_changes_nothing_and_says_why_in_french(client, buyer):
    client.force_login(buyer)
    before = (buyer.first_name, buyer.last_name)

    response = client.post(MINE, {"first_name": "x" * 200, "last_name": "Martin"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert "au plus 100" in response.text
    buyer.refresh_from_db()
    assert (buyer.first_name, buyer.last_name) == before


def test_an_account_without_a_name_keeps_working_and_is_asked_for_one(client):
    nameless = factories.UserFactory(email="old.buyer@example.org", first_name="", last_name="")
    client.force_login(nameless)

    page = client.get(MINE)

    assert page.status_code == 200
    assert 'id="sx-name-missing"' in page.text
    assert "old.buyer@example.org" in client.get(reverse("bookings:mine")).text
    assert reverse("accounts:mine") in page.text  # the navigation links to it
