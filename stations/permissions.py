"""The "Station staff" group: the model permissions every station staff account holds.

Which rows those permissions reach is decided by the admin's station scoping
(stations/admin_scoping.py), not here.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

STATION_STAFF_GROUP = "Station staff"

# Held by prefecture-level accounts: the admin then shows every station's rows.
VIEW_ALL_STATIONS = "stations.view_all_stations"

# (app label, model name, actions). Proxy models (Room, ParkingBay, ExchangeZone) carry their own
# permissions, on the proxy's content type.
STATION_STAFF_PERMISSIONS = (
    ("stations", "station", ("view", "change")),
    ("stations", "room", ("add", "change", "delete", "view")),
    ("stations", "parkingbay", ("add", "change", "delete", "view")),
    ("stations", "exchangezone", ("add", "change", "delete", "view")),
    ("stations", "openinghours", ("add", "change", "delete", "view")),
    ("stations", "closure", ("add", "change", "delete", "view")),
    ("stations", "officer", ("add", "change", "delete", "view")),
    ("stations", "shift", ("add", "change", "delete", "view")),
    ("stations", "officerabsence", ("add", "change", "delete", "view")),
    # Bookings change only through the admin actions, which call bookings.services.
    ("bookings", "booking", ("view", "change")),
    ("bookings", "bookingevent", ("view",)),
    # The charter is prefecture-wide: staff read it, superusers edit it.
    ("charter", "charterversion", ("view",)),
    ("charter", "rule", ("view",)),
)

APP_LABELS = frozenset(app_label for app_label, _model, _actions in STATION_STAFF_PERMISSIONS)


def station_staff_permissions(using: str = "default"):
    """The Permission rows the group should hold (those that exist yet)."""

    query = Q()
    for app_label, model, actions in STATION_STAFF_PERMISSIONS:
        query |= Q(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    return Permission.objects.using(using).filter(query)


def station_staff_group(using: str = "default"):
    """The group, created with its permissions if missing (safe to call repeatedly).

    Permissions are only ever added: one granted by hand in the admin stays.
    """

    group, _created = Group.objects.using(using).get_or_create(name=STATION_STAFF_GROUP)
    held = set(group.permissions.values_list("pk", flat=True))
    missing = [pk for pk in station_staff_permissions(using).values_list("pk", flat=True) if pk not in held]
    if missing:
        group.permissions.add(*missing)
    return group


def create_station_staff_group(sender, using="default", **kwargs):
    """post_migrate receiver: the group exists after `migrate` and after a test database flush.

    post_migrate is sent once per app, and each app's permissions are created by
    its own signal; running for each app the group draws on lets the last of
    them complete the set, whatever the order of INSTALLED_APPS.
    """
    if sender.label in APP_LABELS:
        station_staff_group(using=using)
