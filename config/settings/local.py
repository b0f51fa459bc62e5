"""The embedded default behind `make run`: SQLite, a filesystem broker, mail kept on disk."""

from .base import *  # noqa: F403
from .base import CELERY_BEAT_SCHEDULE, VAR_DIR, _sweep, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-development-key-not-for-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

if not env("EMAIL_URL", default=""):
    # Every email is written to var/mail/ and listed at /dev/mail/ so that a
    # tester can open the seller's link without a mail server.
    MAILERS = {"default": {"BACKEND": "config.dev_mail.MailboxBackend"}}
    DEV_MAILBOX_DIR = VAR_DIR / "mail"

# One process serves the embedded default, so its local-memory cache is a fair
# home for rate-limit counters; production uses Redis.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Sweeps that a tester waits for run every minute here (every five in production).
CELERY_BEAT_SCHEDULE = CELERY_BEAT_SCHEDULE | {
    "send-due-reminders": _sweep(
        "bookings.tasks.sweep_reminders", env.int("BOOKINGS_REMINDER_SWEEP_SECONDS", default=60)
    ),
    "staff-bookings": _sweep("bookings.tasks.sweep_staffing", 60),
}
