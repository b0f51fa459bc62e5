"""Signed webhooks to partners: booking confirmed, cancelled, completed, no-show.

A booking is a partner's when the buyer came through the partner's signed proposal link
(PartnerBooking). Each change of status that a partner is owed becomes a WebhookDelivery
row when the BookingEvent is written (api.signals); the row is the outbox, delivered like
the emails (bookings.notifications): the task claims it (UPDATE … WHERE delivered_at IS
NULL) in the transaction that posts it, and commits only once the partner answered 2xx.
A refusal or a network error rolls the claim back and counts the attempt; Celery retries
with exponential backoff, and a sweep queues again, with the same backoff, what is still
undelivered (a lost message, retries exhausted) until MAX_AGE.

The body holds no personal data: the event, the partner's own listing address, the station,
and an opaque proposal id. The signature header is
`Safe-Exchange-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`
(docs/partners.md shows how to verify it).
"""

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bookings.models import BookingEvent, BookingStatus
from bookings.notifications import Notification, ids_in_batches, notification_send
from bookings.outbox import MAX_AGE, enqueue_on_commit, settle_time

from .models import PartnerBooking, Scope, WebhookDelivery, WebhookEvent

DELIVER_WEBHOOK = "api.tasks.deliver_webhook"
SIGNATURE_HEADER = "Safe-Exchange-Signature"
TIMEOUT_SECONDS = 10
# The sweep waits this long after the n-th failed attempt before the next: 30 s, 1 min, 2 min… up to 6 h.
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=6)

EVENTS = {
    BookingStatus.CONFIRMED: WebhookEvent.CONFIRMED,
    BookingStatus.CANCELLED: WebhookEvent.CANCELLED,
    BookingStatus.COMPLETED: WebhookEvent.COMPLETED,
    BookingStatus.NO_SHOW: WebhookEvent.NO_SHOW,
}


class WebhookRefused(OSError):
    """The partner's server answered, but not 2xx: retried like a network error."""

    def __init__(self, status: int):
        super().__init__(f"HTTP {status}")
        self.status = status


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def webhook_body(*, link: PartnerBooking, event: BookingEvent, kind: str) -> str:
    return json.dumps(
        {
            "event": kind,
            "occurred_at": event.at.isoformat(),
            "proposal": link.pk,
            "listing_url": link.listing_url,
            "station": link.station.slug,
        },
        separators=(",", ":"),
        sort_keys=True,
    )


def webhook_for_event(event: BookingEvent) -> WebhookDelivery | None:
    """The delivery a new booking event owes its partner, queued once the event commits; None when none is owed."""
    kind = EVENTS.get(event.to_status)
    if kind is None:
        return None
    link = (
        PartnerBooking.objects.select_related("partner", "station")
        .filter(booking_id=event.booking_id, partner__revoked_at__isnull=True)
        .exclude(partner__webhook_url="")
        .first()
    )
    if link is None or not link.partner.has_scope(Scope.WEBHOOKS):
        return None
    delivery, created = WebhookDelivery.objects.get_or_create(
        partner=link.partner,
        booking_event=event,
        defaults={"event": kind, "body": webhook_body(link=link, event=event, kind=kind), "created_at": event.at},
    )
    if created:
        enqueue_on_commit(DELIVER_WEBHOOK, delivery.pk)
    return delivery


def _post(delivery: WebhookDelivery, now: datetime) -> int:
    body = delivery.body.encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is an http(s) URLField set by a superuser
        delivery.partner.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "SafeExchange-Webhooks/1",
            "Safe-Exchange-Event": delivery.event,
            "Safe-Exchange-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: signature(
                secret=delivery.partner.webhook_secret, timestamp=int(now.timestamp()), body=body
            ),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:  # 4xx and 5xx
        raise WebhookRefused(error.code) from None
    if not 200 <= status < 300:
        raise WebhookRefused(status)
    return status


def _send(delivery_id: int, now: datetime) -> int:
    delivery = WebhookDelivery.objects.select_related("partner").get(pk=delivery_id)
    status = _post(delivery, now)
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        attempts=F("attempts") + 1, last_attempt_at=now, last_status=status, last_error=""
    )
    return 1


def webhook_attempt_failed(*, delivery_id: int, error: Exception, now: datetime | None = None) -> None:
    """Count a failed attempt (outside the rolled-back claim): the log shows it, the sweep backs off from it."""
    status = error.status if isinstance(error, WebhookRefused) else None
    WebhookDelivery.objects.filter(pk=delivery_id, delivered_at__isnull=True).update(
        attempts=F("attempts") + 1,
        last_attempt_at=now or timezone.now(),
        last_status=status,
        last_error=str(error)[:300],
    )


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _undelivered(now: datetime):
    due = WebhookDelivery.objects.filter(
        delivered_at__isnull=True, created_at__lt=now - settle_time(), created_at__gte=now - MAX_AGE
    )
    for (delivery_id,) in ids_in_batches(due.values_list("id", flat=True)):
        row = WebhookDelivery.objects.filter(pk=delivery_id).values("attempts", "last_attempt_at").first()
        if row and (row["last_attempt_at"] is None or row["last_attempt_at"] <= now - backoff(row["attempts"])):
            yield (delivery_id,)


WEBHOOK = Notification(
    "partner webhook",
    claim=lambda delivery_id, now: bool(
        WebhookDelivery.objects.filter(pk=delivery_id, delivered_at__isnull=True).update(delivered_at=now)
    ),
    send=_send,
    task=DELIVER_WEBHOOK,
    unsent=_undelivered,
)


def webhook_deliver(delivery_id: int, *, now: datetime | None = None) -> int:
    """Post one delivery if nobody has; 1 when this call delivered it, 0 when it was delivered already.

    A failure counts the attempt and is raised again for the task's retry.
    """
    now = now or timezone.now()
    try:
        return notification_send(WEBHOOK, delivery_id, now=now)
    except OSError as error:
        with transaction.atomic():
            webhook_attempt_failed(delivery_id=delivery_id, error=error, now=now)
        raise
