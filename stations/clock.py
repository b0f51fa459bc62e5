"""Times as the station's public reads them: "9:00 AM" at a US station in English, "09:00" otherwise.

Slot and booking times are always the station's wall-clock time (design invariant 6);
how a time is written follows the reader's language and the station's country: an
American reads the 12-hour clock, a French reader the 24-hour one, even at Kennewick.
"""

from datetime import datetime, time

from django.utils import dateformat, timezone, translation

TWENTY_FOUR_HOUR = "H:i"
TWELVE_HOUR = "g:i A"


def clock_format(station) -> str:
    """The time format (Django's date syntax) for this station in the active language."""
    english = (translation.get_language() or "").startswith("en")
    return TWELVE_HOUR if english and station.uses_12_hour_clock else TWENTY_FOUR_HOUR


def _local(value, station):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value, station.zone)
    return value


def clock_time(value: datetime | time | None, station) -> str:
    """`value`'s time of day at the station: "14:30", or "2:30 PM" for a US station in English."""
    if value in (None, ""):
        return ""
    return dateformat.format(_local(value, station), clock_format(station))


def station_datetime(value: datetime | None, station, day_format: str = "l j F Y") -> str:
    """`value` as a day (`day_format`, Django's date syntax) and a time, in the station's time zone."""
    if value in (None, ""):
        return ""
    local = _local(value, station)
    return f"{dateformat.format(local, day_format)} {clock_time(local, station)}"
