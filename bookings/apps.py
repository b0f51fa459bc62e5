from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self):
        # Here, once the apps are ready: the signal receivers connect (roster changes reassign
        # officers), and the tasks register with Celery, which happens when their module is
        # imported; the web process queues them by name (bookings.outbox), not only the worker.
        # The stations directory shows each station's next free slot, which the slot engine
        # (here, above the stations app) works out: the stations app calls back rather than import it.
        from stations.directory import next_slot_finder_register  # noqa: PLC0415

        from . import signals, tasks  # noqa: F401, PLC0415
        from .directory import stations_next_free_slots  # noqa: PLC0415
        from .slots import invalidation  # noqa: F401, PLC0415  (the slot cache's receivers)

        next_slot_finder_register(stations_next_free_slots)
