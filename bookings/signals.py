"""A roster change reassigns the station's bookings (bookings.assignment).

Shifts added, changed or removed, absences, an officer made inactive or moved, a
station's cap changed: after the change commits, a task keeps the assignments that
still fit and finds officers for the others. Saving through the admin, the shell or
a deletion cascade all send these signals; bulk updates do not, and the staffing
sweep (every few minutes) catches what they leave.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from stations.models import Officer, OfficerAbsence, Shift, Station
from stations.signals import roster_changed

from .models import Booking
from .outbox import REASSIGN_OFFICERS, enqueue_on_commit


def _reassign(station_id: int | None) -> None:
    if station_id is None:
        return

    enqueue_on_commit(REASSIGN_OFFICERS, station_id)


@receiver([post_save, post_delete], sender=Shift, dispatch_uid="bookings.reassign.shift")
@receiver([post_save, post_delete], sender=OfficerAbsence, dispatch_uid="bookings.reassign.absence")
def roster_entry_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return  # fixtures
    station_id = Officer.objects.filter(pk=instance.officer_id).values_list("station_id", flat=True).first()
    _reassign(station_id)


@receiver(post_save, sender=Officer, dispatch_uid="bookings.reassign.officer")
def officer_changed(sender, instance, created=False, raw=False, **kwargs):
    if raw or created:
        return  # a new officer has no shift yet
    # Its own station, and any other where it still holds bookings (moved station).
    station_ids = {instance.station_id}
    station_ids |= set(Booking.objects.filter(officer=instance).values_list("station_id", flat=True).distinct())
    for station_id in sorted(station_ids):
        _reassign(station_id)


@receiver(post_save, sender=Station, dispatch_uid="bookings.reassign.station")
def station_changed(sender, instance, created=False, raw=False, **kwargs):
    if not (raw or created):
        _reassign(instance.pk)


@receiver(roster_changed, dispatch_uid="bookings.reassign.roster")
def roster_changed_in_bulk(sender, station_id=None, **kwargs):
    _reassign(station_id)
