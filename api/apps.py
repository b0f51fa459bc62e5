from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Partner API")

    def ready(self):
        # The webhook task registers with Celery when its module is imported (the web process
        # queues it by name), and the receiver on booking events connects here.
        from . import signals, tasks  # noqa: F401, PLC0415
