"""What the station's admin pages share: which station a page is about, and its context."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from config.user_input import parse_id
from stations.admin_scoping import scope_queryset, sees_all_stations, user_station_id
from stations.models import Station


def require_perm(request, *perms: str) -> None:
    if not request.user.has_perms(perms):
        raise PermissionDenied


def station_of_request(request, value: str | None) -> Station | None:
    """The station a page shows: a staff account's own (asking for another is "not found");
    for prefecture-wide accounts the one asked for, or None when they must pick one."""
    user = request.user
    if sees_all_stations(user):
        if not value:
            return None
        station_id = parse_id(value)
        if station_id is None:
            raise Http404(_("No such station."))
        station = Station.objects.filter(pk=station_id).first()
        if station is None:
            raise Http404(_("No such station."))
        return station
    own = user_station_id(user)
    if own is None:
        raise PermissionDenied
    if value and str(value) != str(own):
        raise Http404(_("No such record, or not one of your station's."))
    return Station.objects.get(pk=own)


def visible_stations(request):
    return scope_queryset(Station.objects.order_by("name"), request.user)


def admin_context(model_admin, request, title: str, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        **extra,
    }
