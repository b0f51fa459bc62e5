"""The development mailbox (/dev/mail/) lists password-reset and seller links: only DEBUG, only this machine."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from django.urls import NoReverseMatch, reverse

from tests import factories
from tests.urlconfs import fresh_urlconf

pytestmark = pytest.mark.django_db

SECRET_LINK = "http://127.0.0.1:8000/accounts/password/reset/key/1-set-password/"


def _fresh_urlconf(monkeypatch, name):
    monkeypatch.setitem(sys.modules, name, None)  # removed again after the test
    fresh_urlconf(name)
    return name


@pytest.fixture
def debug_mailbox(settings, tmp_path, monkeypatch):
    """The embedded default's settings (config.settings.local): DEBUG on, mail kept on disk."""
    settings.DEBUG = True
    settings.DEV_MAILBOX_DIR = tmp_path
    settings.MAILERS = {"default": {"BACKEND": "config.dev_mail.MailboxBackend"}}
    settings.ROOT_URLCONF = _fresh_urlconf(monkeypatch, "tests._debug_urls")
    EmailMessage("Reset your password", f"Follow {SECRET_LINK}", to=["buyer@example.org"]).send()
    return reverse("dev-mailbox")


def test_the_mailbox_answers_a_request_from_the_machine_itself(client, debug_mailbox):
    for address in ("127.0.0.1", "127.8.9.10", "::1"):
        response = client.get(debug_mailbox, REMOTE_ADDR=address)

        assert response.status_code == 200, address
        assert SECRET_LINK in response.text


@pytest.mark.parametrize("address", ["192.168.1.20", "10.0.0.7", "203.0.113.9", "2001:db8::1", "", "not-an-ip"])
def test_the_mailbox_is_not_found_from_another_address(client, debug_mailbox, address):
    response = client.get(debug_mailbox, REMOTE_ADDR=address)

    assert response.status_code == 404
    assert SECRET_LINK not in response.text


@pytest.mark.parametrize(
    "header", ["HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP", "HTTP_X_FORWARDED_HOST"]
)
def test_the_mailbox_is_not_found_through_a_proxy_on_the_machine(client, debug_mailbox, header):
    # A reverse proxy on the same host connects from 127.0.0.1 for a reader who may be anywhere.
    response = client.get(debug_mailbox, REMOTE_ADDR="127.0.0.1", **{header: "127.0.0.1"})

    assert response.status_code == 404


def test_the_mailbox_is_not_found_through_the_operators_own_client_ip_header(client, debug_mailbox, settings):
    settings.CLIENT_IP_HEADER = "X-Client-Address"

    response = client.get(debug_mailbox, REMOTE_ADDR="127.0.0.1", HTTP_X_CLIENT_ADDRESS="127.0.0.1")

    assert response.status_code == 404


def test_a_superuser_reads_the_mailbox_from_anywhere(client, debug_mailbox):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))

    response = client.get(debug_mailbox, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert response.status_code == 200
    assert SECRET_LINK in response.text


def test_staff_or_a_buyer_from_another_address_are_not_superusers(client, debug_mailbox, buyer, staff_11e):
    for user in (buyer, staff_11e):
        client.force_login(user)
        assert client.get(debug_mailbox, REMOTE_ADDR="203.0.113.9").status_code == 404


def test_without_debug_the_urlconf_has_no_mailbox(settings, tmp_path, monkeypatch):
    settings.DEBUG = False
    settings.DEV_MAILBOX_DIR = tmp_path
    settings.ROOT_URLCONF = _fresh_urlconf(monkeypatch, "tests._no_debug_urls")

    with pytest.raises(NoReverseMatch):
        reverse("dev-mailbox")


def test_with_debug_but_real_mail_the_urlconf_has_no_mailbox(settings, monkeypatch):
    # DEBUG with EMAIL_URL set (config.settings.local): mail leaves the machine, nothing to list.
    settings.DEBUG = True
    settings.DEV_MAILBOX_DIR = None
    settings.ROOT_URLCONF = _fresh_urlconf(monkeypatch, "tests._debug_smtp_urls")

    with pytest.raises(NoReverseMatch):
        reverse("dev-mailbox")


def test_production_settings_never_mount_the_mailbox_even_asked_for_debug():
    probe = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.urls import Resolver404, resolve\n"
        "assert settings.DEBUG is False\n"
        "try:\n"
        "    resolve('/dev/mail/')\n"
        "except Resolver404:\n"
        "    print('absent')\n"
    )
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": "probe-only",
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "EMAIL_URL": "smtp://127.0.0.1:25",
    }
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "absent"
