"""Per-station scoping of the admin (design note, invariant 8: staff see only their station).

A staff account with `station` set sees and touches only that station's rows; one
without a station sees nothing; superusers and holders of `stations.view_all_stations`
see every station. What anyone may *do* with the rows they see is still decided by
model permissions (stations/permissions.py).

Every way the admin reaches rows goes through here: changelists, change, history
and delete views (Django's get_object() reads get_queryset()), actions (they
receive the changelist queryset), search and autocomplete (get_search_results()
on the scoped queryset), foreign-key dropdowns and the station list filter.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import admin
from django.db.models import Q
from django.http import Http404
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.admin_changelist import BoundedInputAdmin

from .models import Station
from .permissions import VIEW_ALL_STATIONS

# The lookup from each model (by its concrete model's label) to its station's id.
# Used for querysets no admin declares a path for, such as foreign-key dropdowns.
# Models not listed here (the charter, for one) are not station data.
STATION_PATHS = {
    "stations.station": "pk",
    "stations.space": "station",
    "stations.openinghours": "station",
    "stations.closure": "station",
    "stations.officer": "station",
    "stations.shift": "officer__station",
    "stations.officerabsence": "officer__station",
    "bookings.booking": "station",
    "bookings.bookingevent": "booking__station",
    # A user belongs to the station set on the account (staff and officers).
    "accounts.user": "station",
    "charter.bookingcharterreview": "booking__station",
}


def station_path_for(model) -> str | None:
    return STATION_PATHS.get(model._meta.concrete_model._meta.label_lower)


def sees_all_stations(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.has_perm(VIEW_ALL_STATIONS)))


def user_station_id(user) -> int | None:
    return getattr(user, "station_id", None)


def has_station_access(user) -> bool:
    """Whether the account may see any station's rows at all."""
    return sees_all_stations(user) or user_station_id(user) is not None


def scope_queryset(queryset, user, station_path: str | None = None):
    """The rows of `queryset` the user may see; `station_path` defaults to STATION_PATHS."""
    if station_path is None:
        station_path = station_path_for(queryset.model)
        if station_path is None:
            return queryset
    if sees_all_stations(user):
        return queryset
    station_id = user_station_id(user)
    if station_id is None:
        return queryset.none()
    return queryset.filter(**{station_path: station_id})


def station_id_of(obj, station_path: str) -> int | None:
    """Follow `station_path` ("station", "officer__station", "pk") from an instance."""
    *hops, last = station_path.split("__")
    for hop in hops:
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    if last == "pk":
        return obj.pk
    return getattr(obj, obj._meta.get_field(last).attname)


def object_in_scope(user, obj, station_path: str | None = None) -> bool:
    if sees_all_stations(user):
        return True
    if station_path is None:
        station_path = station_path_for(type(obj))
        if station_path is None:
            return True
    station_id = user_station_id(user)
    return station_id is not None and station_id_of(obj, station_path) == station_id


def local_datetime_display(value: datetime | None, station: Station) -> str:
    """A moment in the station's own time zone, naming the zone: "2026-11-24 10:30 (Europe/Paris)"."""
    if value is None:
        return ""
    local = timezone.localtime(value, station.zone)
    return gettext("%(time)s (%(zone)s)") % {"time": local.strftime("%Y-%m-%d %H:%M"), "zone": station.time_zone}


def local_midnight(day, zone) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


class _ScopingMixin:
    """What ModelAdmin and InlineModelAdmin scoping share."""

    # Lookup from this admin's model to the station's id; None: take STATION_PATHS.
    station_path: str | None = None

    def get_station_path(self) -> str | None:
        return self.station_path or station_path_for(self.model)

    def scope(self, request, queryset):
        return scope_queryset(queryset, request.user, self.get_station_path())

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = scope_queryset(formfield.queryset, request.user)
            if db_field.remote_field.model is Station and not sees_all_stations(request.user):
                # The one station on offer is the user's own: no empty choice to trip on.
                formfield.empty_label = None
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = scope_queryset(formfield.queryset, request.user)
        return formfield


class StationScopedAdmin(BoundedInputAdmin, _ScopingMixin):
    """Mixin for a ModelAdmin whose rows belong to a station: `class XAdmin(StationScopedAdmin, admin.ModelAdmin)`."""

    def _reaches(self, request, obj) -> bool:
        if not has_station_access(request.user):
            return False
        return obj is None or object_in_scope(request.user, obj, self.get_station_path())

    def has_module_permission(self, request):
        return has_station_access(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._reaches(request, obj) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._reaches(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._reaches(request, obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request):
        # save_model() needs a station to give the new row.
        return has_station_access(request.user) and super().has_add_permission(request)

    def get_object(self, request, object_id, from_field=None):
        # Another station's row is "not found", like a row that does not exist,
        # rather than Django's redirect to the index.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("No such record, or not one of your station's."))
        return obj

    def get_search_results(self, request, queryset, search_term):
        # Also serves autocomplete, which passes this admin's get_queryset(): scope
        # again so that an override of either can never widen the result.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return self.scope(request, queryset), may_have_duplicates

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if self.get_station_path() == "station" and not sees_all_stations(request.user):
            initial.setdefault("station", user_station_id(request.user))
        return initial

    def save_model(self, request, obj, form, change):
        if not change and self.get_station_path() == "station" and not sees_all_stations(request.user):
            obj.station_id = user_station_id(request.user)
        super().save_model(request, obj, form, change)

    # Staff of a station read and type times in the station's time zone; the
    # response is rendered inside the override so that forms show the same zone
    # they parse.
    def _in_station_zone(self, request, view, *args, **kwargs):
        station = getattr(request.user, "station", None)
        if station is None:
            return view(request, *args, **kwargs)
        with timezone.override(station.zone):
            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._in_station_zone(request, super().changeform_view, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        return self._in_station_zone(request, super().changelist_view, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return self._in_station_zone(request, super().delete_view, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        return self._in_station_zone(request, super().history_view, object_id, extra_context)


class StationScopedInline(BoundedInputAdmin, _ScopingMixin):
    """Mixin for inlines. Their permission methods receive the parent object, checked against its own station."""

    def _parent_reaches(self, request, obj) -> bool:
        if not has_station_access(request.user):
            return False
        return obj is None or object_in_scope(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return self._parent_reaches(request, obj) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_reaches(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent_reaches(request, obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request, obj):
        return self._parent_reaches(request, obj) and super().has_add_permission(request, obj)


class StationListFilter(admin.SimpleListFilter):
    """Filter by station, offering only the stations the user may see.

    Follows the model admin's station path, so it also filters shifts (officer__station)
    and booking events (booking__station).
    """

    title = _("station")
    parameter_name = "station"

    def __init__(self, request, params, model, model_admin):
        self.station_path = getattr(model_admin, "get_station_path", lambda: None)() or station_path_for(model)
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        stations = scope_queryset(Station.objects.order_by("name"), request.user).values_list("pk", "name")
        return [(str(pk), name) for pk, name in stations]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value not in {pk for pk, _name in self.lookup_choices}:
            return queryset.none()
        return queryset.filter(**{self.station_path: value})


class LocalDayFilter(admin.SimpleListFilter):
    """Today / tomorrow / next 7 days / past, each day taken in the row's own station time zone.

    Subclasses name the datetime field and the lookup to the station's time zone.
    """

    title = _("date")
    parameter_name = "day"
    datetime_field = "starts_at"
    time_zone_path = "station__time_zone"

    # value: (first day from today, number of days)
    RANGES = {"today": (0, 1), "tomorrow": (1, 1), "week": (0, 7)}

    def lookups(self, request, model_admin):
        return [
            ("today", _("Today")),
            ("tomorrow", _("Tomorrow")),
            ("week", _("Next 7 days")),
            ("past", _("Past")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        now = timezone.now()
        if value == "past":
            return queryset.filter(**{f"{self.datetime_field}__lt": now})
        if value not in self.RANGES:
            return queryset
        offset, days = self.RANGES[value]
        zones = queryset.order_by().values_list(self.time_zone_path, flat=True).distinct()
        condition = Q(pk__in=[])
        for zone_name in zones:
            zone = ZoneInfo(zone_name)
            first = timezone.localtime(now, zone).date() + timedelta(days=offset)
            condition |= Q(
                **{
                    self.time_zone_path: zone_name,
                    f"{self.datetime_field}__gte": local_midnight(first, zone),
                    f"{self.datetime_field}__lt": local_midnight(first + timedelta(days=days), zone),
                }
            )
        return queryset.filter(condition)
