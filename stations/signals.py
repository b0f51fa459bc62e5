"""Signals the stations app sends for changes that model signals do not report."""

from django.dispatch import Signal

# Sent after shifts were created in bulk (stations.services.shifts_create_week),
# which sends no post_save: bookings.signals reassigns the station's bookings once.
roster_changed = Signal()  # kwargs: station_id
