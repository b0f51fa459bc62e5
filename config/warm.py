"""What a web process would otherwise do on its first requests, done before it serves any (config/wsgi.py).

The charter's published rules take about a second of CPU to compile (charter.selectors
keeps them per process); the URL configuration imports every view, the admin and the
partner API's schema on its first use; Celery finalises its app and picks its transport
on the first task sent. Left to the first requests, a new gunicorn worker did that work
inside a buyer's request, once per thread that got there first (the threads do not wait
for each other), holding the interpreter lock meanwhile: a booking of another thread of
that worker, holding its station's lock, waited too, and so did every booking queued
behind it at that station.
Measured under the HTTP benchmark's load: a worker's first seconds cost its station a
few seconds of bookings (docs/benchmarks.md, "What bounds the figures").
"""

import logging

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.db import connections
from django.urls import get_resolver

from charter.selectors import NoPublishedCharter, charter_current, published_rules
from config.celery import app as celery_app

logger = logging.getLogger(__name__)


def process_warm_up() -> None:
    """Load the URLs and Celery's app, compile the current charter's rules; never stop the process booting."""
    try:
        get_resolver().reverse_dict  # noqa: B018 - imports the URL configuration and fills its caches
        is_language_prefix_patterns_used(settings.ROOT_URLCONF)  # asked by LocaleMiddleware on every request
        celery_app.finalize(auto=True)
        with celery_app.producer_or_acquire() as producer:
            producer.connection.transport  # noqa: B018 - the transport class, resolved by name (no connection made)
    except Exception as error:  # noqa: BLE001 - a broken import surfaces on the first request instead, with its page
        logger.warning("Web process warm-up of URLs and Celery skipped: %s", error)
    try:
        published_rules(charter_current().pk)
    except NoPublishedCharter:
        pass
    except Exception as error:  # noqa: BLE001 - not migrated yet, Redis or PostgreSQL unreachable: never stop the boot
        logger.warning("Web process warm-up skipped: %s", error)
    finally:
        # The requests run in other threads, each with its own connection: this one would only idle.
        connections.close_all()
