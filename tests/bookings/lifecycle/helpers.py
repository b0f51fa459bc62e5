"""What the lifecycle tests share: the pinned instants, booking a slot, reading the events and the mail."""

import re
import zoneinfo
from datetime import UTC, datetime

import pytest
from django.core import mail

from bookings.models import BookingStatus
from bookings.services import (
    booking_create,
)

S = BookingStatus
PARIS = zoneinfo.ZoneInfo("Europe/Paris")

# Wednesday 2026-06-10, 08:00 in Paris (summer time, UTC+2). Pinned before any
# fixture runs, so the officer's shifts start today.
NOW = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)
# Friday 10:00 in Paris: far enough for the seller's full 24-hour window.
SLOT = datetime(2026, 6, 12, 10, 0, tzinfo=PARIS)
# Today 14:00 in Paris: the window is cut to end 2 hours before the slot.
SAME_DAY_SLOT = datetime(2026, 6, 10, 14, 0, tzinfo=PARIS)

REFERENCE = re.compile(r"^SX-[34679ACDEFGHJKMNPQRTUVWXY]{5}$")

pytestmark = pytest.mark.django_db


def book(buyer, station, seller, *, starts_at=SLOT, **item):
    item.setdefault("item_title", "Vélo de course")
    item.setdefault("item_description", "Cadre acier, taille 56")
    return booking_create(buyer=buyer, station=station, starts_at=starts_at, **seller, **item)


def statuses(booking):
    return list(booking.events.order_by("at", "id").values_list("from_status", "to_status"))


def sent_to(outbox=None) -> list[tuple[str, str]]:
    return sorted((m.to[0], m.subject) for m in (outbox if outbox is not None else mail.outbox))


def recipients() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


def attachment(message, suffix):
    found = [a for a in message.attachments if a[0].endswith(suffix)]
    assert len(found) == 1, [a[0] for a in message.attachments]
    return found[0]
