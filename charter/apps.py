from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CharterConfig(AppConfig):
    name = "charter"
    verbose_name = _("Charter")

    def ready(self):
        # Django connects signal receivers once the apps are ready.
        from . import signals  # noqa: F401, PLC0415
