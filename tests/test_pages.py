"""Public pages: home, stations, charter, privacy and legal notices, language switch, and the DEBUG-only mailbox."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_explains_the_service_and_lists_stations(client, paris_11, paris_13):
    body = client.get(reverse("stations:home")).content.decode()
    assert "police station" in body
    assert paris_11.name in body and paris_13.name in body


def test_station_list_takes_a_fixed_number_of_queries(client, paris_11, paris_13, django_assert_max_num_queries):
    from tests.factories import StationFactory

    for n in range(5):
        StationFactory(slug=f"extra-{n}")
    client.get(reverse("stations:list"))  # works out each station's next free slot, then cached (bookings.directory)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("stations:list"))
    assert response.status_code == 200


def test_station_detail_shows_address_hours_rooms_and_bays(client, paris_11):
    body = client.get(reverse("stations:detail", args=[paris_11.slug])).content.decode()
    assert paris_11.address in body
    assert "09:00–18:00" in body
    assert "Salle 1" in body and "Place 1" in body


def test_inactive_station_is_not_found(client, paris_11):
    paris_11.is_active = False
    paris_11.save()
    assert client.get(reverse("stations:detail", args=[paris_11.slug])).status_code == 404


def test_charter_page_shows_the_current_version_in_french_and_english(client, charter):
    english = client.get(reverse("charter:current"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get(reverse("charter:current"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Blades and sharp objects are not allowed." in english
    assert "Les lames et objets tranchants sont interdits." in french


def test_charter_page_is_404_before_any_publication(client):
    assert client.get(reverse("charter:current")).status_code == 404


@override_settings(
    BOOKINGS_RETENTION_DAYS=45,
    BOOKINGS_DRAFT_HOURS=12,
    SESSION_COOKIE_AGE=3 * 86400,
    CONTACT_EMAIL="contact@prefecture.example",
    DPO_EMAIL="dpo@prefecture.example",
)
def test_privacy_notice_states_the_periods_the_sweeps_apply_and_whom_to_ask(client):
    body = client.get(reverse("privacy"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for kept in ["email address", "vehicle plate", "seller's name", "history", "cookie"]:
        assert kept in body, kept
    assert "Erased 45 days after the slot." in body
    assert "Forgotten 12 hours after its last change." in body
    assert "The session ends 3 days after your last visit." in body
    assert 'href="mailto:dpo@prefecture.example"' in body
    assert 'href="mailto:contact@prefecture.example"' in body
    assert "to have it erased" in body and "CNIL" in body


@override_settings(
    LEGAL_PUBLISHER="Préfecture de police",
    LEGAL_PUBLISHER_ADDRESS="1 bis rue de Lutèce, 75004 Paris",
    LEGAL_PUBLICATION_DIRECTOR="Le préfet de police",
    LEGAL_HOST="Hébergeur Exemple SAS",
    CONTACT_EMAIL="contact@prefecture.example",
)
def test_legal_notice_names_the_publisher_the_director_the_host_and_a_contact(client):
    body = client.get(reverse("legal"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for fact in ["Préfecture de police", "1 bis rue de Lutèce", "Le préfet de police", "Hébergeur Exemple SAS"]:
        assert fact in body, fact
    assert 'id="contact"' in body and 'href="mailto:contact@prefecture.example"' in body


@pytest.mark.parametrize("url", ["/", "/stations/", "/stations/paris-11/", "/charter/", "/privacy/", "/legal/"])
def test_every_public_page_opens_with_a_skip_link_and_ends_with_the_legal_links(client, paris_11, charter, url):
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    first_focusable = re.search(r"<body[^>]*>\s*(?:\{%.*?%\}\s*)?<a [^>]*>", body, re.S)
    assert first_focusable and 'href="#main"' in first_focusable.group(0)
    assert '<main id="main"' in body
    footer = body[body.index("<footer") :]
    assert f'href="{reverse("privacy")}"' in footer and f'href="{reverse("legal")}"' in footer
    assert 'rel="icon" href="/static/img/favicon.svg"' in body


def test_the_logo_and_the_icons_are_static_files():
    for name in ["img/logo.svg", "img/logo-inverse.svg", "img/favicon.svg", "img/apple-touch-icon.png"]:
        assert finders.find(name), name


def test_the_current_wizard_step_is_marked_for_assistive_technology(client, buyer, paris_11, charter):
    client.force_login(buyer)
    body = client.get(reverse("bookings:item", args=[paris_11.slug]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.findall(r'aria-current="step">([^<]+)<', body) == ["Item"]


def test_a_refused_item_is_summarised_in_an_alert_that_takes_the_focus(client, buyer, paris_11, charter):
    client.force_login(buyer)
    response = client.post(
        reverse("bookings:item", args=[paris_11.slug]),
        {"item_title": "Machette", "item_kind": "goods"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.content.decode()
    summary = re.search(r'<div class="alert alert-danger sx-error-summary"[^>]*>(.*?)</div>', body, re.S)
    assert summary, body
    assert 'role="alert"' in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    assert "data-sx-error-summary" in summary.group(0)
    assert "Blades and sharp objects are not allowed." in summary.group(1)
    assert 'src="/static/js/error-summary.js"' in body


def test_a_field_in_error_is_marked_invalid_and_described_by_its_error(client, buyer, paris_11, charter):
    client.force_login(buyer)
    response = client.post(
        reverse("bookings:item", args=[paris_11.slug]),
        {"item_title": "Scooter", "item_kind": "vehicle", "vehicle_plate": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.content.decode()
    field = re.search(r'<input[^>]*id="id_vehicle_plate"[^>]*>', body).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="id_vehicle_plate_error"' in field
    assert 'id="id_vehicle_plate_error"' in body
    link = '<a href="#id_vehicle_plate" data-sx-error-link><span class="d-block fw-semibold">Vehicle plate</span>Give '
    assert link in body
    title = re.search(r'<input[^>]*id="id_item_title"[^>]*>', body).group(0)
    assert "aria-invalid" not in title


def test_dev_mailbox_does_not_exist_outside_debug(client):
    assert client.get("/dev/mail/").status_code == 404


def test_dev_mailbox_lists_messages_sent_through_the_dev_backend(tmp_path, client):
    from django.core.mail import EmailMessage

    with override_settings(
        DEBUG=True,
        DEV_MAILBOX_DIR=tmp_path,
        MAILERS={"default": {"BACKEND": "config.dev_mail.MailboxBackend"}},
    ):
        EmailMessage(
            "Invitation SX-7K3Q9", "Follow http://127.0.0.1:8000/bookings/invite/abc/", to=["s@example.net"]
        ).send()
        from config import dev_views

        response = dev_views.mailbox(client.get("/").wsgi_request)
    body = response.content.decode()
    assert "Invitation SX-7K3Q9" in body
    assert 'href="http://127.0.0.1:8000/bookings/invite/abc/"' in body


def test_seller_link_is_rate_limited_per_address(client):
    from django.core.cache import cache

    cache.clear()
    url = reverse("bookings:seller-invite", args=["not-a-token"])
    statuses = [client.post(url, {"action": "accept"}).status_code for _ in range(11)]
    assert statuses[:10] == [404] * 10
    assert statuses[10] == 429
    assert "Too many attempts" in client.post(url).content.decode()
