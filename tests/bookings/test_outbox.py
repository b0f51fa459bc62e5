"""Domain code queues tasks by name (bookings.outbox) and never imports bookings.tasks."""

import re
from pathlib import Path

from celery import current_app
from django.conf import settings

from bookings import outbox

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
