"""The "Station staff" group: the model permissions every station staff account holds.

Which rows those permissions reach is decided by the admin's station scoping
(stations/admin_scoping.py), not here.
"""

STATION_STAFF_GROUP = "Station staff"


def station_staff_group():
    """The group, created with its permissions if missing (safe to call repeatedly)."""
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name=STATION_STAFF_GROUP)
    return group
