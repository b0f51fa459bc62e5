"""Bookings in the admin: read-only records; staff change their state only through actions.

The actions call bookings.services, which check the transition, write the
BookingEvent and send the emails; nothing here sets a status.
"""

from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from charter.admin_bookings import CharterReviewInline, CharterVerdictFilter, charter_verdict, override_charter_verdict
from stations.admin_scoping import (
    LocalDayFilter,
    StationListFilter,
    StationScopedAdmin,
    StationScopedInline,
    has_station_access,
    local_datetime_display,
)
from stations.models import BOOKABLE_SPACE_KINDS, SpaceKind

from . import services
from .admin_bans import lift_booking_ban
from .admin_views import BookingAdminViews
from .assignment import booking_assign_officer as assign_officer_now
from .exceptions import BookingError, InvalidTransition
from .models import Booking, BookingEvent, BookingStatus
from .retention import booking_set_retention_hold

BOTH_LOCATIONS = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


class SpaceKindFilter(admin.SimpleListFilter):
    title = _("space")
    parameter_name = "space_kind"

    def lookups(self, request, model_admin):
        # A safe exchange zone is never booked: no booking to filter there.
        return [(kind, label) for kind, label in SpaceKind.choices if kind in BOOKABLE_SPACE_KINDS]

    def queryset(self, request, queryset):
        if self.value() in BOOKABLE_SPACE_KINDS:
            return queryset.filter(space__kind=self.value())
        return queryset


class StaffingFilter(admin.SimpleListFilter):
    """Room bookings still to come that no officer can take: the ones staff must act on."""

    title = _("officer")
    parameter_name = "staffing"

    def lookups(self, request, model_admin):
        return [("unstaffed", _("No officer available")), ("assigned", _("Officer assigned"))]

    def queryset(self, request, queryset):
        rooms = queryset.filter(space__kind=SpaceKind.ROOM)
        if self.value() == "unstaffed":
            return rooms.active().filter(officer__isnull=True, ends_at__gt=timezone.now())
        if self.value() == "assigned":
            return rooms.filter(officer__isnull=False)
        return queryset


class RetentionFilter(admin.SimpleListFilter):
    title = _("personal data")
    parameter_name = "retention"

    def lookups(self, request, model_admin):
        return [("hold", _("Under an incident hold")), ("anonymised", _("Erased"))]

    def queryset(self, request, queryset):
        if self.value() == "hold":
            return queryset.filter(retention_hold=True)
        if self.value() == "anonymised":
            return queryset.filter(anonymised_at__isnull=False)
        return queryset


class BookingDayFilter(LocalDayFilter):
    datetime_field = "starts_at"
    time_zone_path = "station__time_zone"


class BookingEventInline(StationScopedInline, admin.TabularInline):
    model = BookingEvent
    station_path = "booking__station"
    fields = ("at", "actor_role", "actor", "from_status", "to_status", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


READ_ONLY_FIELDSETS = (
    (
        None,
        {
            "fields": (
                "reference",
                "status",
                "station",
                "space",
                "local_starts_at",
                "local_ends_at",
                "hold_expires_at",
            )
        },
    ),
    (
        _("Item"),
        {"fields": ("item_title", "item_description", "item_kind", "listing_url", "vehicle_plate")},
    ),
    (
        _("Parties"),
        {
            "fields": (
                "buyer",
                "buyer_email",
                "seller_name",
                "seller_first_name",
                "seller_last_name",
                "seller_email",
                "language",
            )
        },
    ),
    (
        _("Charter"),
        {"fields": ("buyer_charter_version", "seller_charter_version", "seller_answered_at")},
    ),
    (
        _("Officer"),
        {"fields": ("officer", "officer_notified_at", "unstaffed_since", "unstaffed_alerted_at")},
    ),
    (
        _("At the desk"),
        {
            "fields": (
                "buyer_present_at",
                "buyer_identity_document",
                "buyer_identity_checked_at",
                "seller_present_at",
                "seller_identity_document",
                "seller_identity_checked_at",
                "no_show_party",
                "refusal_category",
            )
        },
    ),
    (None, {"fields": ("cancel_reason", "cancel_cause", "rebooked_from", "created_at", "updated_at")}),
    (_("Personal data"), {"fields": ("retention_hold", "anonymised_at")}),
)


@admin.register(Booking)
class BookingAdmin(BookingAdminViews, StationScopedAdmin, admin.ModelAdmin):
    list_display = (
        "reference",
        "station",
        "space",
        "local_starts_at",
        "status",
        "item_title",
        "officer_display",
        "buyer_email",
        "seller_email",
        charter_verdict,
    )
    list_filter = (StationListFilter, "status", SpaceKindFilter, BookingDayFilter, StaffingFilter, RetentionFilter)
    list_filter += (CharterVerdictFilter,)
    search_fields = (
        "reference",
        "buyer__email",
        "buyer__last_name",
        "seller_email",
        "seller_name",
        "seller_last_name",
    )
    list_select_related = ("station", "space", "buyer", "officer__user")
    date_hierarchy = "starts_at"
    ordering = ("starts_at",)
    fieldsets = READ_ONLY_FIELDSETS
    readonly_fields = tuple(name for _title, options in READ_ONLY_FIELDSETS for name in options["fields"])
    inlines = [BookingEventInline, CharterReviewInline]
    change_list_template = "bookings/admin/booking_change_list.html"
    actions = [
        "check_in",
        "record_completed",
        "mark_no_show",
        "cancel",
        "find_officer",
        "set_retention_hold",
        "lift_retention_hold",
        override_charter_verdict,
        lift_booking_ban,
    ]

    def get_queryset(self, request):
        # Selecting related rows here makes the changelist skip list_select_related,
        # so this one list serves the changelist, the change page and the actions.
        return super().get_queryset(request).select_related(*self.list_select_related, "charter_review")

    # Bookings come from the public wizard, change only through the actions, and
    # stay for the retention purge: the form is never editable, for anyone.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_transition_permission(self, request):
        """Run the actions: the change permission on bookings, within the station scope."""
        return has_station_access(request.user) and request.user.has_perm("bookings.change_booking")

    @admin.display(description=_("starts at"), ordering="starts_at")
    def local_starts_at(self, obj):
        return local_datetime_display(obj.starts_at, obj.station)

    @admin.display(description=_("ends at"), ordering="ends_at")
    def local_ends_at(self, obj):
        return local_datetime_display(obj.ends_at, obj.station)

    @admin.display(description=_("buyer's email"), ordering="buyer__email")
    def buyer_email(self, obj):
        return obj.buyer.email if obj.buyer_id else "—"  # erased after the retention period

    @admin.display(description=_("officer"), ordering="officer__badge_number")
    def officer_display(self, obj):
        if obj.officer_id:
            return obj.officer
        if obj.is_unstaffed:
            return format_html('<strong class="sx-warn">⚠ {}</strong>', gettext("No officer available"))
        return "—"

    def _transition_each(self, request, queryset, transition, *, done_message, refused_message) -> None:
        """Apply `transition` booking by booking; one refusal does not stop the others."""
        done = 0
        for booking in queryset.select_related("station", "space").order_by("starts_at"):
            previous = booking.get_status_display()
            try:
                transition(booking)
            except InvalidTransition:
                self.message_user(
                    request,
                    refused_message % {"reference": booking.reference, "status": previous},
                    messages.WARNING,
                )
            except BookingError as exc:
                self.message_user(
                    request,
                    gettext("%(reference)s: %(error)s") % {"reference": booking.reference, "error": exc.message},
                    messages.WARNING,
                )
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done) % {"count": done}, messages.SUCCESS)

    @admin.action(
        permissions=["transition"],
        description=_("Check in"),
        description_plural=_("Check in the selected bookings"),
        location=BOTH_LOCATIONS,
    )
    def check_in(self, request, queryset):
        self._transition_each(
            request,
            queryset,
            lambda booking: services.booking_check_in(booking=booking, user=request.user),
            done_message=lambda n: ngettext("%(count)d booking checked in.", "%(count)d bookings checked in.", n),
            refused_message=gettext(
                "%(reference)s was not checked in: only a confirmed booking can be, and its status is “%(status)s”."
            ),
        )

    @admin.action(
        permissions=["transition"],
        description=_("Record as completed"),
        description_plural=_("Record the selected bookings as completed"),
        location=BOTH_LOCATIONS,
    )
    def record_completed(self, request, queryset):
        self._transition_each(
            request,
            queryset,
            lambda booking: services.booking_record_outcome(
                booking=booking, outcome=BookingStatus.COMPLETED, user=request.user
            ),
            done_message=lambda n: ngettext(
                "%(count)d booking recorded as completed.", "%(count)d bookings recorded as completed.", n
            ),
            refused_message=gettext(
                "%(reference)s was not recorded as completed: only a checked-in booking can be, "
                "and its status is “%(status)s”."
            ),
        )

    @admin.action(
        permissions=["transition"],
        description=_("Mark as no-show"),
        description_plural=_("Mark the selected bookings as no-show"),
        location=BOTH_LOCATIONS,
    )
    def mark_no_show(self, request, queryset):
        self._transition_each(
            request,
            queryset,
            lambda booking: services.booking_mark_no_show(booking=booking, user=request.user),
            done_message=lambda n: ngettext(
                "%(count)d booking marked as no-show.", "%(count)d bookings marked as no-show.", n
            ),
            refused_message=gettext(
                "%(reference)s was not marked as no-show: only a confirmed booking can be, "
                "and its status is “%(status)s”."
            ),
        )

    @admin.action(
        permissions=["transition"],
        description=_("Cancel"),
        description_plural=_("Cancel the selected bookings"),
        location=BOTH_LOCATIONS,
    )
    def cancel(self, request, queryset):
        self._transition_each(
            request,
            queryset,
            lambda booking: services.booking_cancel(
                booking=booking,
                role=services.Actor.STAFF,
                user=request.user,
                reason=gettext("Cancelled by the police station."),
            ),
            done_message=lambda n: ngettext("%(count)d booking cancelled.", "%(count)d bookings cancelled.", n),
            refused_message=gettext(
                "%(reference)s was not cancelled: only a pending or confirmed booking can be, "
                "and its status is “%(status)s”."
            ),
        )

    @admin.action(
        permissions=["transition"],
        description=_("Find an officer"),
        description_plural=_("Find an officer for the selected bookings"),
        location=BOTH_LOCATIONS,
    )
    def find_officer(self, request, queryset):
        staffed, unstaffed = [], []
        for booking in queryset.filter(space__kind=SpaceKind.ROOM).order_by("starts_at"):
            officer_id = assign_officer_now(booking_id=booking.pk)
            (staffed if officer_id else unstaffed).append(booking.reference)
        if staffed:
            self.message_user(
                request, gettext("Officer assigned: %(references)s.") % {"references": ", ".join(staffed)}
            )
        if unstaffed:
            self.message_user(
                request,
                gettext("No officer of the roster can take %(references)s: add a shift or cancel.")
                % {"references": ", ".join(unstaffed)},
                messages.WARNING,
            )

    @admin.action(
        permissions=["transition"],
        description=_("Set an incident hold (keep the personal data)"),
        description_plural=_("Set an incident hold on the selected bookings (keep the personal data)"),
        location=BOTH_LOCATIONS,
    )
    def set_retention_hold(self, request, queryset):
        self._set_retention_hold(request, queryset, hold=True)

    @admin.action(
        permissions=["transition"],
        description=_("Lift the incident hold"),
        description_plural=_("Lift the incident hold on the selected bookings"),
        location=BOTH_LOCATIONS,
    )
    def lift_retention_hold(self, request, queryset):
        self._set_retention_hold(request, queryset, hold=False)

    def _set_retention_hold(self, request, queryset, *, hold: bool) -> None:
        changed = 0
        for booking in queryset.filter(retention_hold=not hold):
            if hold and booking.anonymised_at:
                self.message_user(
                    request,
                    gettext("%(reference)s: its personal data was already erased.") % {"reference": booking.reference},
                    messages.WARNING,
                )
                continue
            booking_set_retention_hold(booking=booking, hold=hold)
            self.log_change(
                request, booking, gettext("Incident hold set.") if hold else gettext("Incident hold lifted.")
            )
            changed += 1
        if changed:
            self.message_user(
                request,
                ngettext("%(count)d booking updated.", "%(count)d bookings updated.", changed) % {"count": changed},
                messages.SUCCESS,
            )


@admin.register(BookingEvent)
class BookingEventAdmin(StationScopedAdmin, admin.ModelAdmin):
    """The audit trail: read-only for everyone."""

    station_path = "booking__station"
    list_display = ("booking", "at", "actor_role", "actor", "from_status", "to_status")
    list_filter = (StationListFilter, "to_status", "actor_role")
    list_select_related = ("booking", "actor")
    search_fields = ("booking__reference",)
    date_hierarchy = "at"
    fields = ("booking", "at", "actor_role", "actor", "from_status", "to_status", "note", "notified_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
