"""Partner keys: made by a superuser, shown once, kept hashed, scoped, revocable, limited per key."""

import hashlib
import re

import pytest
import time_machine

from api.models import PartnerKey, Scope
from api.services import partner_key_create, partner_key_revoke
from tests import factories

pytestmark = pytest.mark.django_db

KEY = re.compile(r"sxp_[0-9a-f]{8}_[\w-]{40}")


@pytest.fixture
def superuser_client(client):
    client.force_login(factories.UserFactory(email="root@prefecture.example", is_staff=True, is_superuser=True))
    return client


def test_a_superuser_creates_a_key_that_is_shown_once_and_kept_hashed(superuser_client):
    response = superuser_client.post(
        "/admin/api/partnerkey/add/",
        {"name": "Petites annonces", "scopes": ["read", "charter"], "requests_per_minute": "30", "webhook_url": ""},
        follow=True,
    )

    shown = KEY.findall(response.content.decode())
    row = PartnerKey.objects.get()
    assert len(shown) == 1
    key = shown[0]
    assert row.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(list(PartnerKey.objects.values()))
    assert row.scopes == ["read", "charter"]
    assert KEY.findall(superuser_client.get(f"/admin/api/partnerkey/{row.pk}/change/").content.decode()) == []
    assert superuser_client.get("/api/v1/stations", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_station_staff_cannot_see_the_keys(client, staff_11e, partner):
    client.force_login(staff_11e)

    assert client.get("/admin/api/partnerkey/").status_code == 403
    assert client.get(f"/admin/api/partnerkey/{partner.pk}/change/").status_code == 403


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer sxp_nothing", "Basic dXNlcjpwYXNz", "Bearer sxp_00000000_" + "a" * 40],
)
def test_no_genuine_key_is_a_401(client, db, header):
    response = client.get("/api/v1/stations", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_forged_secret_with_a_real_prefix_is_a_401(client, partner):
    forged = partner.plain_key[:-4] + "AAAA"

    assert client.get("/api/v1/stations", HTTP_AUTHORIZATION=f"Bearer {forged}").status_code == 401


def test_a_revoked_key_is_a_401(api, partner):
    assert api.get("/api/v1/stations").status_code == 200

    partner_key_revoke(key=partner)

    assert api.get("/api/v1/stations").status_code == 401


def test_a_key_without_the_scope_is_a_403(client, paris_11, charter):
    _row, key = partner_key_create(name="Lecture seule", scopes=[Scope.READ], created_by=None)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"

    assert client.get("/api/v1/stations").status_code == 200
    refused = client.post("/api/v1/charter/check", {"title": "Vélo"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "scope_missing"


def test_past_its_rate_a_key_gets_a_429_with_retry_after(client, db):
    row, key = partner_key_create(name="Pressé", scopes=[Scope.READ], created_by=None, requests_per_minute=3)
    _other, other_key = partner_key_create(name="Patient", scopes=[Scope.READ], created_by=None)

    with time_machine.travel("2026-03-10 08:00:10Z", tick=False):
        answers = [client.get("/api/v1/stations", HTTP_AUTHORIZATION=f"Bearer {key}") for _ in range(4)]
        other = client.get("/api/v1/stations", HTTP_AUTHORIZATION=f"Bearer {other_key}")

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[3].json()["code"] == "rate_limited"
    assert 1 <= int(answers[3]["Retry-After"]) <= 60
    assert other.status_code == 200


def test_the_last_use_is_recorded(api, partner, frozen):
    api.get("/api/v1/stations")

    partner.refresh_from_db()
    assert partner.last_used_at is not None


def test_the_admin_revokes_keys(superuser_client, partner):
    superuser_client.post("/admin/api/partnerkey/", {"action": "revoke", "_selected_action": [partner.pk]}, follow=True)

    partner.refresh_from_db()
    assert partner.revoked_at is not None


def test_a_partner_rotates_its_webhook_secret(api, partner):
    before = partner.webhook_secret

    response = api.post("/api/v1/webhooks/secret")

    partner.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["secret"] == partner.webhook_secret != before
