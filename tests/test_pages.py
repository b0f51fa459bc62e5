"""Public pages: home, stations, charter, language switch, and the DEBUG-only mailbox."""

import pytest
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
