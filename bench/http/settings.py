"""The production settings, with the benchmark's URLconf: the product's URLs plus the baseline views.

Only ROOT_URLCONF changes, so that the product and its baselines run under the same
middleware, database, cache and gunicorn; the baselines never enter config.urls.
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.http.urls"
