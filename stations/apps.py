from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("Stations")

    def ready(self):
        # Not at the top: permissions.py imports auth models, which cannot load before the apps are ready.
        from .permissions import create_station_staff_group  # noqa: PLC0415

        post_migrate.connect(create_station_staff_group, dispatch_uid="stations.create_station_staff_group")
