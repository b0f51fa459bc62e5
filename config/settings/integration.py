"""A real Celery worker for tests/integration/: the pytest run's database, a private Redis, mail on disk.

tests/integration/conftest.py starts `celery -A config worker` with this module and
DATABASE_URL (pytest-django's test database), REDIS_URL (a redis-server the tests
own, so they can stop it) and INTEGRATION_MAILBOX_DIR (where each email becomes an
.eml file the test reads). Not for any deployment.
"""

from .base import *  # noqa: F403
from .base import CELERY_BROKER_TRANSPORT_OPTIONS, env

DEBUG = False
SECRET_KEY = "integration-tests-only"  # noqa: S105
LANGUAGE_CODE = "en"

# The development mailbox (config/dev_mail.py), with a gate the tests close to hold a
# task in the middle of sending.
MAILERS = {"default": {"BACKEND": "tests.integration.mailbox.GatedMailboxBackend"}}
DEV_MAILBOX_DIR = env("INTEGRATION_MAILBOX_DIR")

# A message a killed worker had taken is delivered again after the visibility
# timeout (an hour in production); a few seconds here, so that the test that kills a
# worker sees the redelivery. No task in these tests runs longer than that.
CELERY_BROKER_TRANSPORT_OPTIONS = CELERY_BROKER_TRANSPORT_OPTIONS | {
    "visibility_timeout": env.int("INTEGRATION_VISIBILITY_TIMEOUT", default=4),
    # Look for such messages every second (every 100 s by default).
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

# Only the sweep the broker-outage test needs, every second, for a worker started
# with --beat; a notification is sent again one second after its event.
BOOKINGS_OUTBOX_SETTLE_SECONDS = 1
CELERY_BEAT_SCHEDULE = {
    "resend-lost-notifications": {"task": "bookings.tasks.sweep_pending_notifications", "schedule": 1.0},
}
