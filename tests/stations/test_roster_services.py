"""The roster page's rows saved through one service (stations.services.roster_entries_save)."""

from datetime import UTC, datetime, timedelta

import pytest

from stations.models import OfficerAbsence, Shift
from stations.services import roster_entries_save
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY_9 = datetime(2026, 6, 8, 7, 0, tzinfo=UTC)


def test_rows_are_removed_and_saved_together_and_the_station_is_reassigned_once_committed(
    paris_11, django_capture_on_commit_callbacks
):
    officer = factories.OfficerFactory(station=paris_11)
    old = factories.ShiftFactory(officer=officer, starts_at=MONDAY_9, ends_at=MONDAY_9 + timedelta(hours=4))
    new_shift = Shift(
        officer=officer, starts_at=MONDAY_9 + timedelta(days=1), ends_at=MONDAY_9 + timedelta(days=1, hours=8)
    )
    absence = OfficerAbsence(
        officer=officer, starts_at=MONDAY_9 + timedelta(days=2), ends_at=MONDAY_9 + timedelta(days=3)
    )

    with django_capture_on_commit_callbacks() as callbacks:
        roster_entries_save(station=paris_11, saved=[new_shift, absence], deleted=[old])

    assert list(Shift.objects.values_list("starts_at", flat=True)) == [new_shift.starts_at]
    assert OfficerAbsence.objects.filter(pk=absence.pk).exists()
    assert callbacks  # the bookings app's signals queued the reassignment for after the commit
