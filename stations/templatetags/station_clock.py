"""`{{ starts_at|clock:station }}` and `{% station_datetime deadline station "l j F" as when %}` (stations.clock)."""

from django import template

from .. import clock as _clock

register = template.Library()


@register.filter
def clock(value, station) -> str:
    return _clock.clock_time(value, station)


@register.simple_tag
def station_datetime(value, station, day_format="l j F Y") -> str:
    return _clock.station_datetime(value, station, day_format)
