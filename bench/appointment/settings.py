"""The least django-appointment needs to compute slots: its models, SQLite in memory, Paris time."""

SECRET_KEY = "bench-only"  # noqa: S105
DEBUG = False
USE_TZ = True
TIME_ZONE = "Europe/Paris"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "phonenumber_field",
    "appointment",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "appointment.urls"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True, "OPTIONS": {}}]
# Its own defaults, spelled out: the same day as the station's (9:00 to 19:00, 30-minute slots).
APPOINTMENT_SLOT_DURATION = 30
APPOINTMENT_LEAD_TIME = (9, 0)
APPOINTMENT_FINISH_TIME = (19, 0)
APPOINTMENT_BUFFER_TIME = 0
