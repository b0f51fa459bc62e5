"""What a web process would otherwise do on its first requests, done before it serves any (config/wsgi.py).

The charter's published rules take about a second of CPU to compile (charter.selectors
keeps them per process), and the Redis client is built on the first cache call. Left to
the first requests, a new gunicorn worker compiled them inside a buyer's request, once
per thread that got there first (the threads do not wait for each other), holding the
interpreter lock meanwhile: a booking of another thread of that worker, holding its
station's lock, waited too, and so did every booking queued behind it at that station.
Measured under the HTTP benchmark's load: a worker's first seconds cost its station a
few seconds of bookings (docs/benchmarks.md, "What bounds the figures").
"""

import logging

from django.db import connections

from charter.selectors import NoPublishedCharter, charter_current, published_rules

logger = logging.getLogger(__name__)


def process_warm_up() -> None:
    """Compile the current charter's rules; without a database or a published charter, leave it to the requests."""
    try:
        published_rules(charter_current().pk)
    except NoPublishedCharter:
        pass
    except Exception as error:  # noqa: BLE001 - not migrated yet, Redis or PostgreSQL unreachable: never stop the boot
        logger.warning("Web process warm-up skipped: %s", error)
    finally:
        # The requests run in other threads, each with its own connection: this one would only idle.
        connections.close_all()
