"""pytest settings: DATABASE_URL and REDIS_URL come from the environment in CI."""

import os

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
LANGUAGE_CODE = "en"

# Unit tests run tasks in-process at commit time; tests/integration/ start a
# real worker instead.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True

ACCOUNT_RATE_LIMITS = False

if REDIS_URL := env("REDIS_URL", default=""):
    from urllib.parse import urlsplit, urlunsplit

    # Tests empty the cache between tests; keep it off the Celery broker's database.
    # Test runs of several people (or CI) may share one Redis: each run's keys are its
    # own (the charter's current version is cached under a fixed key).
    CACHES = {
        "default": {
            "BACKEND": "config.cache.SharedClientRedisCache",
            "LOCATION": urlunsplit(urlsplit(REDIS_URL)._replace(path="/15")),
            "KEY_PREFIX": f"test-{os.getpid()}",
        }
    }

# One process serves the embedded default, so its local-memory cache is a fair
# home for rate-limit counters; production uses Redis.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
