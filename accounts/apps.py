from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Connects the sign-up and log-in receivers that keep the buyer's language.
        from . import languages  # noqa: F401, PLC0415
