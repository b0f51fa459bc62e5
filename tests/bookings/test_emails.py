from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from bookings.selectors import station_free_slots
from bookings.services import booking_create

pytestmark = pytest.mark.django_db


# Wednesday 10:00 in Paris, far from midnight and from a daylight saving change:
# the slot booked is read from the clock.
NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_text_emails_carry_apostrophes_unescaped_and_html_emails_escape_markup(
    paris_11, officer, buyer, charter, django_capture_on_commit_callbacks
):
    today = timezone.localdate(timezone.now(), paris_11.zone)
    slot = station_free_slots(station=paris_11, kind="room", first_day=today, last_day=today + timedelta(days=3))[0]
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(
            buyer=buyer,
            station=paris_11,
            starts_at=slot.starts_at,
            item_title="Sac d'Hermès <b>vintage</b>",
            seller_email="seller@example.net",
            seller_name="Zoé L'Hôte",
        )
    invite = next(m for m in mail.outbox if m.to == ["seller@example.net"])
    assert "Zoé L'Hôte" in invite.body
    assert "Sac d'Hermès <b>vintage</b>" in invite.body
    html = invite.alternatives[0].content
    assert "&lt;b&gt;vintage&lt;/b&gt;" in html
