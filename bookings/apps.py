from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self):
        # Here, once the apps are ready: the signal receivers connect (roster changes reassign
        # officers), and the tasks register with Celery, which happens when their module is
        # imported; the web process queues them by name (bookings.outbox), not only the worker.
        from . import signals, tasks  # noqa: F401, PLC0415
