"""The JSON check behind the item step's live check, and the public charter page."""

import pytest
from django.test import Client
from django.urls import reverse

from charter.seed import charter_seed_first_version
from tests import factories

pytestmark = pytest.mark.django_db

CHECK = reverse("charter:check")


@pytest.fixture
def seeded(db):
    return charter_seed_first_version()


def check(client, language="en", **params):
    return client.get(CHECK, params, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize(
    ("title", "verdict", "space_kind", "category"),
    [
        ("Machette 45 cm", "forbidden", "room", "blade"),
        ("Arc à poulies 60 lbs", "review", "room", "weapon"),
        ("Renault Clio 1.5 dCi", "allowed", "bay", "vehicle"),
        ("Vélo de course", "allowed", "room", None),
        ("Pistolet à colle", "allowed", "room", None),
    ],
)
def test_the_check_answers_verdict_space_and_reason(client, seeded, title, verdict, space_kind, category):
    answer = check(client, title=title).json()

    assert (answer["verdict"], answer["space_kind"], answer["category"]) == (verdict, space_kind, category)
    assert answer["message"]
    assert answer["version"] == 1
    assert answer["charter_url"].startswith(reverse("charter:current"))
    if category:
        rule = seeded.rules.get(pk=answer["rule"])
        assert answer["reason"] == rule.reason_en
        assert answer["charter_url"].endswith(f"#{category}")


def test_the_check_reads_the_description_and_answers_in_the_visitors_language(client, seeded):
    answer = check(client, "fr", title="Objet de collection", description="Sabre de cavalerie").json()

    assert answer["verdict"] == "forbidden"
    assert answer["reason"] == seeded.rules.get(pk=answer["rule"]).reason_fr
    assert answer["message"] == answer["reason"]
    assert answer["verdict_label"] == "Interdit"


def test_a_vehicle_answer_says_where_the_exchange_happens(client, seeded):
    answer = check(client, title="Moto Yamaha MT-07").json()

    assert "parking bay" in answer["message"]


def test_the_check_makes_no_database_query_once_the_version_is_loaded(client, seeded, django_assert_num_queries):
    check(client, title="warm up")

    with django_assert_num_queries(0):
        for title in ("Lave-linge Bosch", "Vélo", "Voiture Clio", "Couteau suisse"):
            assert check(client, title=title).status_code == 200


def test_publishing_a_version_reaches_the_check_at_once(client, seeded):
    assert check(client, title="Guitare électrique").json()["verdict"] == "allowed"
    newer = factories.CharterVersionFactory(number=2)
    factories.RuleFactory(version=newer, category="bulky", terms="guitare", exceptions="", reason_en="No guitars.")

    answer = check(client, title="Guitare électrique").json()

    assert (answer["verdict"], answer["reason"], answer["version"]) == ("forbidden", "No guitars.", 2)


def test_the_check_answers_only_get_and_post(client, seeded):
    assert client.put(CHECK, {"title": "Machette"}).status_code == 405
    assert client.delete(CHECK).status_code == 405


def test_long_inputs_are_cut_to_the_forms_limits(client, seeded):
    answer = check(client, title="Vélo " * 100 + "machette", description="x" * 5000 + " machette").json()

    assert answer["verdict"] == "allowed"


def test_the_item_page_posts_a_full_length_description_in_any_script(seeded):
    # 2,000 characters of emoji percent-encode to ~24 KB: too long for a request line
    # (gunicorn refuses over 4 KB), so the page POSTs with its CSRF token.
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("stations:home"))
    token = client.cookies["csrftoken"].value
    description = "🚲" * 1990 + " machette"

    answer = client.post(CHECK, {"title": "Vélo", "description": description}, HTTP_X_CSRFTOKEN=token)

    assert answer.status_code == 200
    assert answer.json()["verdict"] == "forbidden"
    assert client.post(CHECK, {"title": "Vélo", "description": description}).status_code == 403


def test_the_check_is_rate_limited_per_address(client, seeded):
    statuses = [check(client, title=f"Vélo {n}").status_code for n in range(125)]

    assert statuses[:120] == [200] * 120
    assert statuses[-1] == 429
    assert "error" in check(client, title="Vélo").json()


def test_without_a_published_charter_the_check_says_so(client):
    response = check(client, title="Vélo")

    assert response.status_code == 503
    assert "error" in response.json()


# --- the public page -----------------------------------------------------------------------------


def test_the_public_charter_shows_french_and_english_whatever_the_language(client, seeded):
    for language in ("fr", "en"):
        body = client.get(reverse("charter:current"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert 'lang="fr"' in body and 'lang="en"' in body
        for rule in seeded.rules.all():
            assert rule.reason_fr.replace("'", "&#x27;") in body
            assert rule.reason_en.replace("'", "&#x27;") in body
        assert "Charte des objets interdits" in body
        assert "Charter of forbidden items" in body


def test_the_public_charter_has_an_anchor_per_category_for_the_refusal_links(client, seeded):
    body = client.get(reverse("charter:current")).content.decode()

    for category in ("weapon", "blade", "bulky", "dangerous", "illegal", "vehicle"):
        assert body.count(f'id="{category}"') == 1, category
    assert "Parking bay" in body
    assert "Checked by an officer" in body


def test_the_public_charter_page_takes_a_fixed_number_of_queries(client, seeded, django_assert_max_num_queries):
    client.get(reverse("charter:current"))
    with django_assert_max_num_queries(1):
        assert client.get(reverse("charter:current")).status_code == 200


def test_without_a_published_charter_the_page_is_not_found(client):
    assert client.get(reverse("charter:current")).status_code == 404


def test_the_live_check_speaks_french_to_a_french_browser(client, seeded):
    review = check(client, "fr", title="Arc à poulies").json()
    vehicle = check(client, "fr", title="Voiture Renault Clio").json()
    plain = check(client, "fr", title="Vélo").json()

    assert review["message"].startswith("Un policier examinera cet objet")
    assert review["verdict_label"] == "Examiné par un policier"
    assert vehicle["message"].startswith("C’est un véhicule")
    assert vehicle["category_label"] == "Véhicule (place de stationnement)"
    assert plain["message"] == "Rien dans la charte n’empêche cet objet."
