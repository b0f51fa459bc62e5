"""The "Station staff" group: the model permissions every station staff account holds.

Which rows those permissions reach is decided by the admin's station scoping
(stations/admin_scoping.py), not here.
"""

STATION_STAFF_GROUP = "Station staff"
