import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# Before the process serves a request (gunicorn loads this module in each worker first).
from config.warm import process_warm_up  # noqa: E402 - imports models: after the apps are loaded

process_warm_up()
