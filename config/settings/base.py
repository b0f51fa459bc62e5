"""Settings shared by every run mode; each value can come from the environment."""

from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Who answers the public, named on the legal notice and the privacy notice (config/legal_pages.py):
# the service's contact, its data protection officer (DPO), the publisher and the host. The
# defaults are the demonstration's; a deployment sets its own.
CONTACT_EMAIL = env("CONTACT_EMAIL", default="contact@safe-exchange.example")
DPO_EMAIL = env("DPO_EMAIL", default="dpo@safe-exchange.example")
LEGAL_PUBLISHER = env("LEGAL_PUBLISHER", default="Safe Exchange (demonstration)")
LEGAL_PUBLISHER_ADDRESS = env("LEGAL_PUBLISHER_ADDRESS", default="1 rue de l'Exemple, 75000 Paris, France")
LEGAL_PUBLICATION_DIRECTOR = env("LEGAL_PUBLICATION_DIRECTOR", default="The head of the Safe Exchange service")
LEGAL_HOST = env("LEGAL_HOST", default="The publisher's own servers (demonstration)")
# The name emails greet from (accounts.adapter), whatever host served the request.
SITE_NAME = env("SITE_NAME", default="Safe Exchange")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_ratelimit",
    "django_htmx",
    "accounts",
    "stations",
    "charter",
    "bookings",
    # The partner API; "ninja" serves Swagger UI's files from static/, not from a CDN.
    "ninja",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # The API's errors are JSON, the input guard's refusals included (api/middleware.py).
    "api.middleware.ApiJsonErrorsMiddleware",
    # Before anything reads the session, the body or the database (config/input_guard.py).
    "config.input_guard.UnreadableInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the user is known: a logged-in buyer reads their account's language (accounts/languages.py).
    "accounts.languages.AccountLanguageMiddleware",
    "config.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: the slot picker answers htmx's day changes with the day's part of the page only.
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

# Browser-side defences, the same in every run mode so that development and the
# browser tests see what production serves. Scripts and styles come only from our
# own static files: no inline <script>, no on*= handler, no style="" attribute
# (tests/test_browser_policy.py scans the templates and the rendered pages).
# style-src takes a nonce only for Django admin's own templates: the changelist of
# a ModelAdmin without actions inlines a <style nonce>. The nonce appears in the
# header only on pages that render one (django.utils.csp.LazyNonce).
# img-src data: is for Bootstrap's CSS, which draws checkboxes and selects as data: SVG.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# Nothing here uses these features; embedded content (none today) gets none of
# them either. Open one ("self") when a page needs it, e.g. geolocation for a
# "nearest station" button, or camera for scanning QR codes at the desk.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "bluetooth": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "serial": [],
    "usb": [],
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the Celery worker write to the same file: wait for the
    # other writer instead of failing with "database is locked", and take the write
    # lock at BEGIN so that a transaction never has to upgrade a read lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # The statements the slot engine and the booking prepare once per connection
    # (bookings.slots.sql.execute) run a generic plan from the first execution. Left to
    # choose, PostgreSQL kept re-planning them on every call (its generic plan looked
    # dearer on paper): 4 to 6 ms of planning inside the station's lock for a check that
    # runs in 2. Only explicitly prepared statements have plans cached; the ORM's do not.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Django's and allauth's backends, whose user carries has_verified_email (accounts.backends).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: email is the login, and it must be verified before booking.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# The buyer's first and last name, required at sign-up (accounts.forms): the seller and the desk read them.
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupNamesForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Safe Exchange] "
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
LOGIN_REDIRECT_URL = "bookings:mine"
LOGIN_URL = "account_login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English with the 24-hour clock (config/formats/en); French is Django's own.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files a browser asks for at the site's root (favicon.ico on every page, the admin's
# included), served by WhiteNoise in every mode.
WHITENOISE_ROOT = BASE_DIR / "public"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"


def mailers_from_url(url: str) -> dict:
    """Django 6.1's MAILERS setting from an EMAIL_URL (smtp://, smtp+tls://, consolemail://, ...)."""
    parsed = environ.Env.email_url_config(url)
    option_names = {
        "EMAIL_HOST": "host",
        "EMAIL_PORT": "port",
        "EMAIL_HOST_USER": "username",
        "EMAIL_HOST_PASSWORD": "password",
        "EMAIL_USE_TLS": "use_tls",
        "EMAIL_USE_SSL": "use_ssl",
        "EMAIL_FILE_PATH": "file_path",
    }
    backend = parsed["EMAIL_BACKEND"]
    options = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            name: parsed[key] for key, name in option_names.items() if key in parsed and key != "EMAIL_FILE_PATH"
        }
        options["timeout"] = 20
    elif backend.endswith("filebased.EmailBackend"):
        options = {"file_path": parsed.get("EMAIL_FILE_PATH")}
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


MAILERS = mailers_from_url(env("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Safe Exchange <no-reply@safe-exchange.local>")
# Alerts and the daily schedule of a station without any staff account go here.
MANAGERS = env.list("DJANGO_MANAGERS", default=[])

# Celery. With REDIS_URL, Redis is the broker and the cache. Without it (the
# embedded default), kombu's filesystem transport carries the messages between
# the web process and the worker that `make run` starts beside it.
REDIS_URL = env("REDIS_URL", default="")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged after it ran, not when a worker takes it: a worker that
# dies mid-task (SIGKILL, OOM, power) leaves its message to be delivered again, and
# the task's claim (bookings/tasks.py) keeps that second run from sending twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per worker process: nothing waits behind a slow task in a
# worker that may die, and the other workers take what is queued.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With acks_late, a task still running when the broker connection drops is
# delivered again elsewhere; stop the first copy rather than run both.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# A publish that cannot reach the broker fails within about a second: the web
# request that caused it has committed, and the sweeps send what was not queued
# (bookings/outbox.py).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}


def _sweep(task: str, seconds: float) -> dict:
    # A sweep message not run within its period is dropped: the next one does the same work.
    return {"task": task, "schedule": seconds, "options": {"expires": max(seconds - 5, 5)}}


# Celery's own beat scheduler runs these sweeps. django-celery-beat (schedules
# editable in the admin) has no release that installs with Django 6.1: 2.9.0
# requires Django<6.1, and older releases pin older Django. See docs/operations.md.
REMINDER_SWEEP_SECONDS = env.int("BOOKINGS_REMINDER_SWEEP_SECONDS", default=300)
CELERY_BEAT_SCHEDULE = {
    "expire-overdue-holds": _sweep("bookings.tasks.expire_overdue_holds", 60),
    "send-due-reminders": _sweep("bookings.tasks.sweep_reminders", REMINDER_SWEEP_SECONDS),
    "send-daily-schedules": _sweep("bookings.tasks.sweep_daily_schedules", 60),
    "mark-no-shows": _sweep("bookings.tasks.mark_no_shows", 300),
    "staff-bookings": _sweep("bookings.tasks.sweep_staffing", 300),
    "resend-lost-notifications": _sweep("bookings.tasks.sweep_pending_notifications", 120),
    "anonymise-old-bookings": _sweep("bookings.tasks.anonymise_old_bookings", 3600),
    # Django never deletes an expired session row by itself; it may hold a login's
    # email or allauth's state (docs: "Clearing the session store").
    "clear-expired-sessions": _sweep("bookings.tasks.clear_expired_sessions", 3600),
    # Partner webhooks left undelivered (api.webhooks: a lost message, or retries exhausted).
    "resend-partner-webhooks": _sweep("api.tasks.sweep_webhooks", 120),
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # kombu's Redis transport, with one client per channel instead of one per message (config/broker.py).
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # An unacknowledged message is delivered again after this. It must be
        # longer than any countdown in the code (the longest is a retry backoff of
        # 10 minutes, bookings/tasks.py) and than any task's time limit, or a task
        # would run twice. No eta or countdown schedules anything further ahead.
        "visibility_timeout": 3600,
        "socket_connect_timeout": 5,
    }
    CACHES = {
        "default": {
            "BACKEND": "config.cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    # One web process in the embedded mode: its memory is cache enough.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# django-ratelimit: a refused request gets a 429 page. The per-IP limits (and
# allauth's login limits, through its own settings below) take the client's
# address from config/client_ip.py. Behind a reverse proxy, set ONE of:
# DJANGO_TRUSTED_PROXY_COUNT, the number of proxies of yours that append to
# X-Forwarded-For (the client is the entry that many places from the right), or
# DJANGO_CLIENT_IP_HEADER, a header your proxy always overwrites (X-Real-IP).
# Neither set: REMOTE_ADDR, and X-Forwarded-For is never believed (a client can
# write anything in it).
RATELIMIT_VIEW = "config.views.rate_limited"
RATELIMIT_IP_META_KEY = "config.client_ip.client_ip"
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
CLIENT_IP_HEADER = env("DJANGO_CLIENT_IP_HEADER", default="") or None
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = CLIENT_IP_HEADER

# Booking rules that are not per station.
BOOKINGS_MAX_ACTIVE_PER_BUYER = env.int("BOOKINGS_MAX_ACTIVE_PER_BUYER", default=3)
# Seller invitations in any 24 hours, cancelled bookings included: per buyer, and
# per recipient mailbox across all buyers (bookings.invitations: no mail relay).
BOOKINGS_INVITATIONS_PER_BUYER_PER_DAY = env.int("BOOKINGS_INVITATIONS_PER_BUYER_PER_DAY", default=10)
BOOKINGS_INVITATIONS_PER_RECIPIENT_PER_DAY = env.int("BOOKINGS_INVITATIONS_PER_RECIPIENT_PER_DAY", default=3)
# Reminders to both parties, this many minutes before the slot (24 h and 2 h).
BOOKINGS_REMINDER_LEAD_MINUTES = env.list("BOOKINGS_REMINDER_LEAD_MINUTES", cast=int, default=[24 * 60, 2 * 60])
# A confirmed booking nobody checked in for is a no-show this long after its start.
BOOKINGS_NO_SHOW_GRACE_MINUTES = env.int("BOOKINGS_NO_SHOW_GRACE_MINUTES", default=60)
# The station's staff get the day's schedule at this hour, station time.
BOOKINGS_DAILY_SCHEDULE_HOUR = env.int("BOOKINGS_DAILY_SCHEDULE_HOUR", default=7)
# A notification whose message has not been taken this long after its event is
# queued again by a sweep (bookings/outbox.py: the broker was down, or a worker died).
BOOKINGS_OUTBOX_SETTLE_SECONDS = env.int("BOOKINGS_OUTBOX_SETTLE_SECONDS", default=120)
# Personal data is erased this many days after the slot (bookings/retention.py).
BOOKINGS_RETENTION_DAYS = env.int("BOOKINGS_RETENTION_DAYS", default=90)
# The booking wizard's unfinished answers (item, seller's name and address) are
# forgotten this many hours after their last change (bookings/drafts.py).
BOOKINGS_DRAFT_HOURS = env.int("BOOKINGS_DRAFT_HOURS", default=24)
# A session ends after a week without a change (Django's default is two weeks);
# the hourly clear-expired-sessions sweep then deletes its row. No wizard draft is
# kept in it (see BOOKINGS_DRAFT_HOURS), so this bounds only a login.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=7 * 24 * 3600)
# Sessions are read from the cache (Redis in production) and written through to the
# database: a request that does not change its session costs no query for it.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# A buyer absent from this many exchanges within the window (days) cannot book
# for BAN_DAYS after the latest one; staff can lift it (bookings/abuse.py).
BOOKINGS_NO_SHOW_BAN_THRESHOLD = env.int("BOOKINGS_NO_SHOW_BAN_THRESHOLD", default=2)
BOOKINGS_NO_SHOW_BAN_WINDOW_DAYS = env.int("BOOKINGS_NO_SHOW_BAN_WINDOW_DAYS", default=90)
BOOKINGS_NO_SHOW_BAN_DAYS = env.int("BOOKINGS_NO_SHOW_BAN_DAYS", default=30)
# A slot freed by a party (cancelled, declined) is offered to others again only
# this long after, so that it cannot be handed over to a friend (bookings/abuse.py).
BOOKINGS_CANCELLED_SLOT_HOLDBACK_MINUTES = env.int("BOOKINGS_CANCELLED_SLOT_HOLDBACK_MINUTES", default=15)
# The seller has at least this many daytime hours to answer an invitation: quiet hours
# (from QUIET_START to QUIET_END, station time) do not count. A slot too close to give
# them is still offered, and the buyer told when picking it (bookings/slots/seller_window.py).
BOOKINGS_SELLER_WINDOW_MIN_HOURS = env.int("BOOKINGS_SELLER_WINDOW_MIN_HOURS", default=8)
BOOKINGS_SELLER_QUIET_START_HOUR = env.int("BOOKINGS_SELLER_QUIET_START_HOUR", default=22)
BOOKINGS_SELLER_QUIET_END_HOUR = env.int("BOOKINGS_SELLER_QUIET_END_HOUR", default=7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
