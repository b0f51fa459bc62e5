"""What tells the slot cache (bookings.slots.cache) that a station's availability changed.

Every model the engine reads, saved or deleted by any path (services, the admin, the shell, a
deletion cascade), through Django's model signals. Writes with update() or bulk_create() send
none: the services that make them call availability_changed() themselves (bookings.services
_transition, bookings.reschedule, bookings.assignment; stations.services sends roster_changed).
What none of them report (a bulk update in the shell) lasts at most SLOT_CACHE_SECONDS.

A roster row (shift, absence) or an officer names no station without a query, and an officer
moved to another station changes two: they renew every station's token (rare changes, from
the station's staff, against many slot pages).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from stations.models import (
    Closure,
    ExchangeZone,
    Officer,
    OfficerAbsence,
    OpeningHours,
    ParkingBay,
    Room,
    Shift,
    Space,
    Station,
)
from stations.signals import roster_changed

from ..models import Booking
from .cache import availability_changed

CHANGED = (post_save, post_delete)


@receiver(CHANGED, sender=Station, dispatch_uid="slots.cache.station")
def station_changed(sender, instance, **kwargs):
    availability_changed(instance.pk)


@receiver(CHANGED, sender=Booking, dispatch_uid="slots.cache.booking")
@receiver(CHANGED, sender=Space, dispatch_uid="slots.cache.space")
@receiver(CHANGED, sender=Room, dispatch_uid="slots.cache.room")
@receiver(CHANGED, sender=ParkingBay, dispatch_uid="slots.cache.bay")
@receiver(CHANGED, sender=ExchangeZone, dispatch_uid="slots.cache.zone")
@receiver(CHANGED, sender=OpeningHours, dispatch_uid="slots.cache.opening_hours")
@receiver(CHANGED, sender=Closure, dispatch_uid="slots.cache.closure")
def station_row_changed(sender, instance, **kwargs):
    availability_changed(instance.station_id)


@receiver(CHANGED, sender=Officer, dispatch_uid="slots.cache.officer")
@receiver(CHANGED, sender=Shift, dispatch_uid="slots.cache.shift")
@receiver(CHANGED, sender=OfficerAbsence, dispatch_uid="slots.cache.absence")
def roster_row_changed(sender, instance, **kwargs):
    availability_changed(None)


@receiver(roster_changed, dispatch_uid="slots.cache.roster")
def roster_changed_in_bulk(sender, station_id, **kwargs):
    availability_changed(station_id)
