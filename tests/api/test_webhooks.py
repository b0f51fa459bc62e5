"""Webhooks: a booking made through a partner's link is reported, signed, delivered once, retried with backoff."""

import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from api import tasks
from api.models import PartnerBooking, WebhookDelivery
from api.webhooks import WEBHOOK, WebhookRefused, backoff, webhook_deliver
from bookings.selectors import station_free_slots
from bookings.services import booking_accept, booking_cancel, booking_create
from tests import factories
from tests.api.webhook_server import Receiver

pytestmark = pytest.mark.django_db

DOCS = Path(settings.BASE_DIR) / "docs" / "partners.md"


def documented(language: str) -> str:
    """The verification example of docs/partners.md in `language`, as a partner would copy it."""
    return re.search(rf"```{language}\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)[1]


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def hooked(partner, receiver):
    partner.webhook_url = receiver.url
    partner.save(update_fields=["webhook_url"])
    return partner


def _through_the_link(api, client, buyer, paris_11):
    """The partner builds a link; the buyer opens it: the wizard's item is filled in."""
    built = api.post(
        "/api/v1/proposals",
        {
            "station": "paris-11",
            "title": "Vélo de course",
            "listing_url": "https://annonces.example/42",
            "role": "buyer",
        },
        content_type="application/json",
    ).json()
    url = urlsplit(built["url"])
    del client.defaults["HTTP_AUTHORIZATION"]
    client.force_login(buyer)
    opened = client.get(f"{url.path}?{url.query}")
    assert opened.status_code == 302
    assert opened["Location"] == "/bookings/new/paris-11/item/"


def _book(buyer, paris_11, seller, charter):
    day = timezone.localdate()
    slot = station_free_slots(station=paris_11, kind="room", first_day=day, last_day=day + timedelta(days=3))[0]
    return booking_create(
        buyer=buyer, station=paris_11, starts_at=slot.starts_at, item_title="Vélo de course", **seller
    )


def test_a_confirmed_booking_from_a_partner_link_delivers_a_webhook_the_documented_code_verifies(
    frozen, api, hooked, receiver, buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks
):
    _through_the_link(api, api, buyer, paris_11)
    with django_capture_on_commit_callbacks(execute=True):
        booking = _book(buyer, paris_11, seller, charter)
    assert PartnerBooking.objects.get().booking == booking
    assert receiver.requests == []  # pending is nobody's business yet

    with django_capture_on_commit_callbacks(execute=True):
        booking_accept(**factories.SELLER_NAMES, booking=booking, charter_version=charter)

    (sent,) = receiver.requests
    body = json.loads(sent["body"])
    assert body == {
        "event": "booking.confirmed",
        "listing_url": "https://annonces.example/42",
        "occurred_at": "2026-03-10T08:00:00+00:00",
        "proposal": PartnerBooking.objects.get().pk,
        "station": "paris-11",
    }
    for personal in (buyer.email, seller["seller_email"], seller["seller_name"], booking.reference):
        assert personal not in sent["body"].decode()
    namespace = {}
    exec(documented("python"), namespace)  # noqa: S102 - the documentation's own example, run as a partner would
    verify = namespace["verify"]
    header = sent["headers"]["Safe-Exchange-Signature"]
    assert verify(hooked.webhook_secret, header, sent["body"])
    assert not verify(hooked.webhook_secret, header, sent["body"].replace(b"42", b"43"))
    assert not verify("whsec_another", header, sent["body"])
    assert WebhookDelivery.objects.get().delivered_at == timezone.now()


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_the_documented_javascript_verifies_a_real_delivery_too(
    frozen,
    api,
    hooked,
    receiver,
    buyer,
    paris_11,
    officer,
    charter,
    seller,
    django_capture_on_commit_callbacks,
    tmp_path,
):
    _through_the_link(api, api, buyer, paris_11)
    with django_capture_on_commit_callbacks(execute=True):
        booking_accept(
            **factories.SELLER_NAMES, booking=_book(buyer, paris_11, seller, charter), charter_version=charter
        )
    (sent,) = receiver.requests
    (tmp_path / "verify.js").write_text(documented("javascript"), encoding="utf-8")
    (tmp_path / "body.bin").write_bytes(sent["body"])
    script = (
        "const { verify } = require('./verify.js');"
        "const body = require('node:fs').readFileSync('body.bin');"
        "const [secret, header] = process.argv.slice(1);"
        "process.stdout.write(String(verify(secret, header, body, 1e12)));"
    )

    def run(secret):
        header = sent["headers"]["Safe-Exchange-Signature"]
        node = subprocess.run(["node", "-e", script, secret, header], cwd=tmp_path, capture_output=True, check=True)  # noqa: S603, S607
        return node.stdout.decode()

    assert run(hooked.webhook_secret) == "true"
    assert run("whsec_another") == "false"


def test_a_booking_made_without_the_link_is_nobodys(
    frozen, hooked, receiver, buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking_accept(
            **factories.SELLER_NAMES, booking=_book(buyer, paris_11, seller, charter), charter_version=charter
        )

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_a_forged_link_opens_the_wizard_but_gives_the_partner_nothing(frozen, api, hooked, buyer, paris_11, charter):
    built = api.post(
        "/api/v1/proposals",
        {"station": "paris-11", "title": "Vélo", "listing_url": "https://annonces.example/42", "role": "buyer"},
        content_type="application/json",
    ).json()
    url = urlsplit(built["url"])
    del api.defaults["HTTP_AUTHORIZATION"]
    api.force_login(buyer)

    opened = api.get(f"{url.path}?{url.query.replace('42', '43')}")

    assert opened["Location"] == "/bookings/new/paris-11/item/"
    assert not PartnerBooking.objects.exists()


def test_a_cancellation_is_reported_too(
    frozen, api, hooked, receiver, buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks
):
    _through_the_link(api, api, buyer, paris_11)
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_accept(
            **factories.SELLER_NAMES, booking=_book(buyer, paris_11, seller, charter), charter_version=charter
        )
        booking_cancel(booking=booking, role="buyer", user=buyer)

    assert [json.loads(r["body"])["event"] for r in receiver.requests] == ["booking.confirmed", "booking.cancelled"]


def test_a_refused_delivery_is_kept_for_a_retry_with_backoff_and_delivered_once(
    frozen, api, hooked, receiver, buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks
):
    _through_the_link(api, api, buyer, paris_11)
    booking = _book(buyer, paris_11, seller, charter)
    booking_accept(
        **factories.SELLER_NAMES, booking=booking, charter_version=charter
    )  # its on-commit message never left: the sweep's work
    delivery = WebhookDelivery.objects.get()
    receiver.answers = [500]

    with pytest.raises(WebhookRefused):
        webhook_deliver(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.delivered_at, delivery.attempts, delivery.last_status) == (None, 1, 500)
    now = timezone.now()
    queued = []
    assert list(WEBHOOK.unsent(now + timedelta(seconds=20))) == []  # settling, and backing off
    assert list(WEBHOOK.unsent(now + backoff(1) + timedelta(minutes=2))) == [(delivery.pk,)]

    with time_machine.travel(now + timedelta(minutes=3), tick=False):
        tasks.sweep_webhooks()  # eager: queued and delivered
        queued.append(webhook_deliver(delivery.pk))  # a second copy of the message finds it claimed

    delivery.refresh_from_db()
    assert len(receiver.requests) == 2
    assert queued == [0]
    assert (delivery.attempts, delivery.last_status) == (2, 200)
    assert delivery.delivered_at is not None


def test_backoff_grows_exponentially_and_stays_under_the_brokers_redelivery():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(30) == timedelta(hours=6)
    task = tasks.deliver_webhook
    assert task.retry_backoff == 30
    assert OSError in task.autoretry_for
    assert task.retry_backoff_max + task.time_limit < 3600  # the Redis visibility timeout
    assert issubclass(WebhookRefused, OSError)


def test_a_revoked_key_gets_no_more_webhooks(
    frozen, api, hooked, receiver, buyer, paris_11, officer, charter, seller, django_capture_on_commit_callbacks
):
    _through_the_link(api, api, buyer, paris_11)
    booking = _book(buyer, paris_11, seller, charter)
    hooked.revoked_at = timezone.now()
    hooked.save()

    with django_capture_on_commit_callbacks(execute=True):
        booking_accept(**factories.SELLER_NAMES, booking=booking, charter_version=charter)

    assert receiver.requests == []
