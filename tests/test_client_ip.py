"""Per-IP rate limits behind a reverse proxy (config/client_ip.py, through django-ratelimit's own counting)."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django_ratelimit.core import is_ratelimited

PROXY = "10.0.0.2"  # the reverse proxy: every request reaches the app from here


@pytest.fixture(autouse=True)
def _pinned_clock():
    # django-ratelimit counts in windows of the real clock: a window ending between
    # two requests of a test would start the count again.
    with time_machine.travel(datetime(2026, 6, 10, 6, 0, 30, tzinfo=UTC), tick=False):
        yield


def request_from(remote_addr=PROXY, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


def limited(request) -> bool:
    """One request through a limit of 2 a minute per IP; True once the client is over it."""
    return is_ratelimited(request, group="test-client-ip", key="ip", rate="2/m", increment=True)


def spend_the_limit(**headers):
    for _ in range(2):
        assert not limited(request_from(**headers))
    assert limited(request_from(**headers))


def test_two_clients_behind_one_proxy_are_limited_separately_when_configured(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    spend_the_limit(HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert not limited(request_from(HTTP_X_FORWARDED_FOR="198.51.100.9"))


def test_a_client_ip_header_set_by_the_proxy_tells_clients_apart(settings):
    settings.CLIENT_IP_HEADER = "X-Real-IP"

    spend_the_limit(HTTP_X_REAL_IP="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert limited(request_from(HTTP_X_REAL_IP="203.0.113.7", HTTP_X_FORWARDED_FOR="5.6.7.8"))
    assert not limited(request_from(HTTP_X_REAL_IP="198.51.100.9"))


def test_a_spoofed_forwarded_for_is_ignored_when_no_proxy_is_configured(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.CLIENT_IP_HEADER = None

    spend_the_limit(remote_addr="203.0.113.7", HTTP_X_FORWARDED_FOR="1.1.1.1")

    # A new made-up address each time does not give the client a fresh bucket.
    assert limited(request_from(remote_addr="203.0.113.7", HTTP_X_FORWARDED_FOR="2.2.2.2"))
    assert limited(request_from(remote_addr="203.0.113.7"))


def test_a_client_prepending_a_fake_address_keeps_its_limit_behind_one_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    # The proxy appends the address it saw; what the client sent stays on the left.
    spend_the_limit(HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert limited(request_from(HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7"))
    assert limited(request_from(HTTP_X_FORWARDED_FOR="198.51.100.9, 8.8.8.8, 203.0.113.7"))


def test_two_trusted_proxies_take_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    spend_the_limit(HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1")

    assert limited(request_from(HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7, 10.0.0.1"))
    assert not limited(request_from(HTTP_X_FORWARDED_FOR="198.51.100.9, 10.0.0.1"))


@pytest.mark.parametrize(
    "forwarded",
    ["not-an-address", "203.0.113.7\x00", "", " , ", "[::1", "999.1.1.1", "a" * 10_000, "2001:db8::zz"],
)
def test_a_garbled_forwarded_for_falls_back_to_the_peer_and_never_fails(forwarded, settings, client, charter):
    settings.TRUSTED_PROXY_COUNT = 1

    spend_the_limit(HTTP_X_FORWARDED_FOR=forwarded)
    assert limited(request_from(HTTP_X_FORWARDED_FOR="also garbage"))  # the proxy's bucket, not a fresh one
    response = client.get(reverse("charter:check"), {"title": "vélo"}, HTTP_X_FORWARDED_FOR=forwarded)
    assert response.status_code < 500


def test_addresses_with_a_port_count_as_the_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    spend_the_limit(HTTP_X_FORWARDED_FOR="203.0.113.7:51000")

    assert limited(request_from(HTTP_X_FORWARDED_FOR="203.0.113.7:52000"))
    assert limited(request_from(HTTP_X_FORWARDED_FOR="203.0.113.7"))
