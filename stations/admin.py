from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bookings.admin_views.closures import ClosureForm, closure_save_and_report
from bookings.admin_views.pressure import cancel_pressure_bookings

from .admin_scoping import (
    LocalDayFilter,
    StationListFilter,
    StationScopedAdmin,
    StationScopedInline,
    has_station_access,
    local_datetime_display,
    scope_queryset,
    sees_all_stations,
)
from .admin_views.roster import roster_view
from .admin_views.week_template import week_template_view
from .models import (
    Closure,
    ExchangeZone,
    Officer,
    OfficerAbsence,
    OpeningHours,
    ParkingBay,
    Room,
    Shift,
    Station,
)


class OpeningHoursInline(StationScopedInline, admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosureInline(StationScopedInline, admin.TabularInline):
    model = Closure
    form = ClosureForm
    extra = 0
    fields = ("starts_at", "ends_at", "reason", "cancel_bookings")


class _OfficerFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "user" in form.fields:
            # The station's own accounts that are not another station's officer.
            station = self.instance
            users = get_user_model().objects.filter(
                Q(station=station, officer__isnull=True) | Q(officer__station=station)
            )
            form.fields["user"].queryset = users.order_by("email") if station.pk else users.none()


class OfficerInline(StationScopedInline, admin.TabularInline):
    """The station's officers; their shifts and absences are on the station's roster page."""

    model = Officer
    formset = _OfficerFormSet
    fields = ("user", "badge_number", "is_active")
    extra = 0
    show_change_link = True


@admin.register(Station)
class StationAdmin(StationScopedAdmin, admin.ModelAdmin):
    station_path = "pk"
    list_display = ("name", "slug", "time_zone", "is_active", "roster_link")
    list_filter = ("is_active",)
    search_fields = ("name", "name_en", "slug")
    inlines = [OpeningHoursInline, ClosureInline, OfficerInline]
    # Adds the roster page's link to stations/admin/station_change_form.html.
    change_form_template = "admin/stations/station/change_form.html"
    actions = [cancel_pressure_bookings]
    fieldsets = (
        # A tuple is one line of the form: each French text beside its English one.
        (None, {"fields": (("name", "name_en"), "slug", "is_active", "country", "time_zone", "language")}),
        (
            _("Contact"),
            {"fields": ("address", ("access_notes", "access_notes_en"), "phone", "latitude", "longitude")},
        ),
        (
            _("Booking rules"),
            {
                "fields": (
                    "slot_minutes",
                    "lead_time_minutes",
                    "horizon_days",
                    "seller_window_hours",
                    "officer_cap_per_shift",
                )
            },
        ),
        (
            _("Station under pressure"),
            {
                "fields": (
                    "under_pressure",
                    "pressure_starts_at",
                    "pressure_ends_at",
                    ("pressure_message", "pressure_message_en"),
                ),
                "description": _(
                    "Stops new bookings for the period and tells the public why. Bookings already made stay: "
                    "to cancel them too, use the action “Cancel the bookings in the pressure period”."
                ),
            },
        ),
    )

    def get_inlines(self, request, obj):
        # Officers need the station to exist first.
        return self.inlines if obj is not None else [OpeningHoursInline, ClosureInline]

    def get_urls(self):
        def week(request, object_id):
            return week_template_view(self, request, object_id)

        def roster(request, object_id):
            return roster_view(self, request, object_id)

        # admin_view(): the admin's login, staff check and CSRF protection; each view
        # reaches its station through get_object(), scoped like every other page.
        return [
            path("<path:object_id>/roster/week/", self.admin_site.admin_view(week), name="stations_station_week"),
            path("<path:object_id>/roster/", self.admin_site.admin_view(roster), name="stations_station_roster"),
            *super().get_urls(),
        ]

    @admin.display(description=_("roster"))
    def roster_link(self, obj):
        url = reverse("admin:stations_station_roster", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Shifts and absences"))

    def has_cancel_bookings_permission(self, request):
        """The pressure action cancels bookings: the booking change permission, within the station scope."""
        return has_station_access(request.user) and request.user.has_perm("bookings.change_booking")

    def save_formset(self, request, form, formset, change):
        if formset.model is not Closure:
            super().save_formset(request, form, formset, change)
            return
        # Each new or changed closure through the service, which cancels what it hits.
        closures = formset.save(commit=False)
        for closure in formset.deleted_objects:
            closure.delete()
        for closure in closures:
            closure_save_and_report(self, request, closure)
        formset.save_m2m()

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not sees_all_stations(request.user):
            # The slug is in public links and emails already sent; the time zone
            # gives every opening hour and booking its wall-clock meaning.
            return ("slug", "time_zone")
        return ()

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ("name",)} if obj is None else {}


class SpaceAdmin(StationScopedAdmin, admin.ModelAdmin):
    """Rooms and parking bays have their own pages; the proxy model's save() sets the kind."""

    list_display = ("name", "station", "description", "is_active")
    list_filter = (StationListFilter, "is_active")
    list_select_related = ("station",)
    search_fields = ("name", "name_en", "description", "description_en")
    fields = ("station", ("name", "name_en"), ("description", "description_en"), "is_active")


@admin.register(Room)
class RoomAdmin(SpaceAdmin):
    pass


@admin.register(ParkingBay)
class ParkingBayAdmin(SpaceAdmin):
    pass


@admin.register(ExchangeZone)
class ExchangeZoneAdmin(SpaceAdmin):
    """Safe exchange zones: walk-in, never booked; their house rules are shown on the public pages."""

    fields = (
        "station",
        ("name", "name_en"),
        ("description", "description_en"),
        ("house_rules", "house_rules_en"),
        "is_active",
    )


@admin.register(OpeningHours)
class OpeningHoursAdmin(StationScopedAdmin, admin.ModelAdmin):
    list_display = ("station", "weekday", "opens_at", "closes_at")
    list_filter = (StationListFilter, "weekday")
    list_select_related = ("station",)


class ClosureDayFilter(LocalDayFilter):
    datetime_field = "starts_at"
    time_zone_path = "station__time_zone"


@admin.register(Closure)
class ClosureAdmin(StationScopedAdmin, admin.ModelAdmin):
    list_display = ("station", "local_starts_at", "local_ends_at", "reason")
    list_filter = (StationListFilter, ClosureDayFilter)
    list_select_related = ("station",)
    search_fields = ("reason",)
    date_hierarchy = "starts_at"
    form = ClosureForm
    fields = ("station", "starts_at", "ends_at", "reason", "cancel_bookings")
    change_form_template = "stations/admin/closure_change_form.html"

    def save_model(self, request, obj, form, change):
        if not change or {"starts_at", "ends_at"} & set(form.changed_data):
            closure_save_and_report(self, request, obj)  # the service saves it and cancels what it hits
        else:
            super().save_model(request, obj, form, change)

    @admin.display(description=_("starts at"), ordering="starts_at")
    def local_starts_at(self, obj):
        return local_datetime_display(obj.starts_at, obj.station)

    @admin.display(description=_("ends at"), ordering="ends_at")
    def local_ends_at(self, obj):
        return local_datetime_display(obj.ends_at, obj.station)


class OfficerAbsenceInline(StationScopedInline, admin.TabularInline):
    """Marking an officer absent reassigns their bookings (bookings.signals)."""

    model = OfficerAbsence
    station_path = "officer__station"
    extra = 0
    fields = ("starts_at", "ends_at", "reason")


@admin.register(Officer)
class OfficerAdmin(StationScopedAdmin, admin.ModelAdmin):
    list_display = ("badge_number", "full_name", "email", "station", "is_active")
    list_filter = (StationListFilter, "is_active")
    list_select_related = ("user", "station")
    search_fields = ("badge_number", "user__email", "user__first_name", "user__last_name")
    fields = ("station", "user", "badge_number", "is_active")
    inlines = [OfficerAbsenceInline]

    def get_queryset(self, request):
        # The autocomplete on shifts prints each officer with their user's name.
        return super().get_queryset(request).select_related("user")

    def get_readonly_fields(self, request, obj=None):
        # The account behind a badge is chosen once; this also keeps an account
        # with no station (see below) valid when the officer is edited.
        return ("user",) if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Only accounts attached to a station (the user's own, for staff) and
            # not already an officer: never the buyers' accounts.
            users = get_user_model().objects.filter(station__isnull=False, officer__isnull=True)
            kwargs["queryset"] = scope_queryset(users.order_by("email"), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("name"), ordering="user__last_name")
    def full_name(self, obj):
        return obj.user.get_full_name()

    @admin.display(description=_("email address"), ordering="user__email")
    def email(self, obj):
        return obj.user.email


class OfficerListFilter(admin.SimpleListFilter):
    title = _("officer")
    parameter_name = "officer"

    def lookups(self, request, model_admin):
        officers = scope_queryset(Officer.objects.select_related("user"), request.user)
        return [(str(officer.pk), str(officer)) for officer in officers]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value not in {pk for pk, _name in self.lookup_choices}:
            return queryset.none()
        return queryset.filter(officer_id=value)


class ShiftDayFilter(LocalDayFilter):
    datetime_field = "starts_at"
    time_zone_path = "officer__station__time_zone"


@admin.register(Shift)
class ShiftAdmin(StationScopedAdmin, admin.ModelAdmin):
    station_path = "officer__station"
    list_display = ("officer", "station", "local_starts_at", "local_ends_at")
    list_filter = (StationListFilter, ShiftDayFilter, OfficerListFilter)
    list_select_related = ("officer__user", "officer__station")
    search_fields = ("officer__badge_number", "officer__user__email", "officer__user__last_name")
    date_hierarchy = "starts_at"
    autocomplete_fields = ("officer",)
    fields = ("officer", "starts_at", "ends_at")

    @admin.display(description=_("station"), ordering="officer__station__name")
    def station(self, obj):
        return obj.officer.station

    @admin.display(description=_("starts at"), ordering="starts_at")
    def local_starts_at(self, obj):
        return local_datetime_display(obj.starts_at, obj.officer.station)

    @admin.display(description=_("ends at"), ordering="ends_at")
    def local_ends_at(self, obj):
        return local_datetime_display(obj.ends_at, obj.officer.station)


class AbsenceDayFilter(LocalDayFilter):
    datetime_field = "starts_at"
    time_zone_path = "officer__station__time_zone"


@admin.register(OfficerAbsence)
class OfficerAbsenceAdmin(StationScopedAdmin, admin.ModelAdmin):
    station_path = "officer__station"
    list_display = ("officer", "local_starts_at", "local_ends_at", "reason")
    list_filter = (StationListFilter, AbsenceDayFilter, OfficerListFilter)
    list_select_related = ("officer__user", "officer__station")
    search_fields = ("officer__badge_number", "officer__user__email", "officer__user__last_name", "reason")
    date_hierarchy = "starts_at"
    autocomplete_fields = ("officer",)
    fields = ("officer", "starts_at", "ends_at", "reason")

    @admin.display(description=_("starts at"), ordering="starts_at")
    def local_starts_at(self, obj):
        return local_datetime_display(obj.starts_at, obj.officer.station)

    @admin.display(description=_("ends at"), ordering="ends_at")
    def local_ends_at(self, obj):
        return local_datetime_display(obj.ends_at, obj.officer.station)
