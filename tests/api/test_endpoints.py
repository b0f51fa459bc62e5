"""The partner API's reads and its proposal link: stations near a point, slots from the site's engine,
the charter in the asked language."""

from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from bookings.selectors import station_free_slots
from stations.models import SpaceKind
from tests import factories

pytestmark = pytest.mark.django_db


def test_stations_are_listed_nearest_a_point_first(api, paris_11, paris_13):
    # Place d'Italie is in the 13th: its station is nearer than the 11th's.
    paris_11.latitude, paris_11.longitude = Decimal("48.858900"), Decimal("2.379800")
    paris_11.save()
    paris_13.latitude, paris_13.longitude = Decimal("48.831300"), Decimal("2.355900")
    paris_13.save()
    factories.StationFactory(slug="nowhere", name="A station without coordinates")

    near_italie = api.get("/api/v1/stations", {"lat": "48.8311", "lon": "2.3556"}).json()
    near_bastille = api.get("/api/v1/stations", {"lat": "48.8532", "lon": "2.3692"}).json()

    assert [s["slug"] for s in near_italie] == ["paris-13", "paris-11", "nowhere"]
    assert near_italie[0]["distance_km"] < 0.1
    assert near_italie[2]["distance_km"] is None
    assert [s["slug"] for s in near_bastille][:2] == ["paris-11", "paris-13"]


def test_stations_are_filtered_by_city(api, paris_11):
    factories.StationFactory(slug="kennewick", name="Kennewick Police", address="211 W 6th Ave, Kennewick, WA")

    assert [s["slug"] for s in api.get("/api/v1/stations", {"city": "kennewick"}).json()] == ["kennewick"]
    assert [s["slug"] for s in api.get("/api/v1/stations", {"city": "Paris"}).json()] == ["paris-11"]


def test_a_point_needs_both_coordinates(api, paris_11):
    response = api.get("/api/v1/stations", {"lat": "48.8"})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_one_station_has_its_hours_and_spaces(api, paris_11):
    body = api.get("/api/v1/stations/paris-11").json()

    assert body["name"] == paris_11.name
    assert len(body["opening_hours"]) == 7
    assert body["opening_hours"][0] == {"weekday": 0, "opens_at": "09:00:00", "closes_at": "18:00:00"}
    assert sorted((s["kind"], s["name"]) for s in body["spaces"]) == [("bay", "Place 1"), ("room", "Salle 1")]


def test_an_unknown_station_is_a_404_with_a_code(api, db):
    response = api.get("/api/v1/stations/no-such-station")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("kind", [SpaceKind.ROOM, SpaceKind.BAY])
def test_slots_are_the_sites_own(frozen, api, paris_11, officer, kind):
    first, last = date(2026, 3, 10), date(2026, 3, 12)
    engine = station_free_slots(station=paris_11, kind=kind, first_day=first, last_day=last)

    body = api.get("/api/v1/stations/paris-11/slots", {"kind": kind, "first_day": first, "last_day": last}).json()

    assert engine, "the fixture station offers slots"
    assert [s["starts_at"] for s in body["slots"]] == [s.starts_at.isoformat().replace("+00:00", "Z") for s in engine]
    assert body["first_day"] == "2026-03-10"


def test_slots_are_bounded_by_the_booking_horizon(api, paris_11, frozen):
    horizon_end = date(2026, 3, 10) + timedelta(days=paris_11.horizon_days)

    clipped = api.get("/api/v1/stations/paris-11/slots", {"first_day": "2026-03-10", "last_day": "2027-01-01"})
    beyond = api.get("/api/v1/stations/paris-11/slots", {"first_day": "2027-01-01", "last_day": "2027-01-02"})
    backwards = api.get("/api/v1/stations/paris-11/slots", {"first_day": "2026-03-12", "last_day": "2026-03-11"})

    assert clipped.json()["last_day"] == horizon_end.isoformat()
    assert (beyond.status_code, beyond.json()["code"]) == (422, "outside_horizon")
    assert (backwards.status_code, backwards.json()["code"]) == (422, "invalid_range")


@pytest.mark.parametrize(
    ("language", "reason"),
    [("fr", "Les lames et objets tranchants sont interdits."), ("en", "Blades and sharp objects are not allowed.")],
)
def test_the_charter_check_answers_in_the_asked_language(api, charter, language, reason):
    response = api.post(
        "/api/v1/charter/check",
        {"title": "Couteau de chasse", "description": "lame 12 cm"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 200
    assert response.json() | {"rule": None} == {
        "verdict": "forbidden",
        "space_kind": "room",
        "category": "blade",
        "rule": None,
        "reason": reason,
        "charter_version": 1,
    }


def test_a_vehicle_goes_to_a_bay(api, charter):
    body = api.post("/api/v1/charter/check", {"title": "Peugeot 208 diesel"}, content_type="application/json").json()

    assert body["verdict"] in ("allowed", "review")


def test_errors_are_in_the_asked_language(api, paris_11, charter):
    payload = {"station": "paris-11", "title": "Machette", "listing_url": "https://annonces.example/1", "role": "buyer"}

    french = api.post("/api/v1/proposals", payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr")
    unknown = api.get("/api/v1/stations/nope", HTTP_ACCEPT_LANGUAGE="en")

    assert french.json() == {"code": "charter_forbidden", "message": "Les lames et objets tranchants sont interdits."}
    assert unknown.json() == {"code": "not_found", "message": "No such object."}


def test_a_proposal_link_is_built_for_an_allowed_item(api, paris_11, charter, frozen):
    response = api.post(
        "/api/v1/proposals",
        {
            "station": "paris-11",
            "title": "Vélo de course",
            "listing_url": "https://annonces.example/123",
            "role": "seller",
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    url = urlsplit(response.json()["url"])
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    assert url.path == "/book/"
    assert query["station"] == "paris-11"
    assert query["title"] == "Vélo de course"
    assert query["role"] == "seller"
    assert query["sig"]
    assert response.json()["expires_at"] == "2026-03-24T08:00:00Z"


def test_no_proposal_link_for_a_forbidden_item(api, paris_11, charter):
    response = api.post(
        "/api/v1/proposals",
        {"station": "paris-11", "title": "Machette", "listing_url": "https://annonces.example/1", "role": "buyer"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 422
    assert response.json() == {"code": "charter_forbidden", "message": "Blades and sharp objects are not allowed."}


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("station", "paris-99", "unknown_station"),
        ("listing_url", "javascript:alert(1)", "invalid_listing_url"),
        ("title", "   ", "invalid_title"),
    ],
)
def test_a_proposal_with_a_bad_value_is_refused(api, paris_11, charter, field, value, code):
    payload = {"station": "paris-11", "title": "Vélo", "listing_url": "https://annonces.example/1", "role": "buyer"}

    response = api.post("/api/v1/proposals", payload | {field: value}, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (422, code)


def test_the_schema_and_the_docs_are_served_from_our_own_static_files(client, db):
    schema = client.get("/api/v1/openapi.json")
    docs = client.get("/api/v1/docs")

    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "script-src 'self'" in docs["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/stations?city=%00", 400, "bad_request"),
        ("/api/v1/stations/%00", 400, "bad_request"),
        ("/api/v1/no-such-thing", 404, "not_found"),
    ],
)
def test_refusals_before_the_api_are_json_too(api, url, status, code):
    response = api.get(url)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == code


def test_a_nul_in_a_json_body_is_refused_before_the_database(api, paris_11, charter):
    payload = {"station": "paris-11\u0000", "title": "Vélo", "listing_url": "https://a.example/1", "role": "buyer"}

    response = api.post("/api/v1/proposals", payload, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (422, "invalid_input")


def test_a_json_string_is_no_charter_check(api, charter):
    response = api.post("/api/v1/charter/check", '"a knife"', content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (422, "invalid_input")
