"""Domain code queues tasks by name (bookings.outbox) and never imports bookings.tasks."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings

from bookings import outbox
from bookings.notification_kinds import NOTIFICATION_KINDS
from bookings.notifications import notifications_requeue

IMPORTS_TASKS = re.compile(
    r"^\s*(from (\.|bookings\.)tasks import|import bookings\.tasks|from (\.|bookings) import tasks)", re.MULTILINE
)


def test_every_task_the_domain_queues_by_name_is_registered():
    assert set(outbox.TASK_NAMES) <= set(current_app.tasks)


def test_no_module_but_the_app_registry_imports_the_tasks():
    root = Path(settings.BASE_DIR)
    importers = [
        str(path.relative_to(root))
        for app in ("accounts", "bookings", "charter", "config", "stations")
        for path in (root / app).rglob("*.py")
        # apps.py registers them in every process (AppConfig.ready); tasks.py is them.
        if path.name not in ("tasks.py", "apps.py") and IMPORTS_TASKS.search(path.read_text(encoding="utf-8"))
    ]

    assert importers == []


@pytest.mark.django_db
def test_every_kind_of_email_has_one_registered_task_and_nothing_to_queue_again_on_an_empty_outbox():
    now = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)  # 08:00 in Paris: past the daily schedule's hour

    assert len({kind.task for kind in NOTIFICATION_KINDS}) == len(NOTIFICATION_KINDS)
    assert {kind.task for kind in NOTIFICATION_KINDS} <= set(current_app.tasks)
    assert [notifications_requeue(kind, now=now) for kind in NOTIFICATION_KINDS] == [0] * len(NOTIFICATION_KINDS)
