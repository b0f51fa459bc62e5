from django.db.models import Prefetch

from .models import OpeningHours, Space, Station


def stations_public():
    return Station.objects.filter(is_active=True).prefetch_related(
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at")),
        Prefetch("spaces", queryset=Space.objects.filter(is_active=True).order_by("kind", "name")),
    )
