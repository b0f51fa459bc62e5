from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self):
        # Django connects signal receivers once the apps are ready (roster changes reassign officers).
        from . import signals  # noqa: F401, PLC0415
