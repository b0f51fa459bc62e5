"""Lifting a buyer's no-show ban in the admin (bookings.abuse), within the station scope.

A station's staff may lift the ban of a buyer who missed an exchange at their
station, and no one else's: the form offers only those buyers, and the service
checks again. A superuser may lift anyone's. Each lift is a row (who, when, why,
for which station), read-only afterwards: the audit. The booking admin's action
"Lift the buyer's booking ban" opens the form with the buyer filled in.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stations.admin_scoping import StationListFilter, StationScopedAdmin, has_station_access, sees_all_stations

from .abuse import BUYER_ABSENT, ban_lift_candidates, booking_ban_lift, buyer_ban_until
from .models import BookingBanLift, BookingStatus


def _acting_station(request):
    """The station the staff member acts for; None for superusers and prefecture accounts (every station)."""
    return None if sees_all_stations(request.user) else request.user.station


def _may_lift(request) -> bool:
    # The same permission as the booking actions (stations/permissions.py grants it
    # to station staff), within the station scope.
    return has_station_access(request.user) and request.user.has_perm("bookings.change_booking")


class BanLiftForm(forms.ModelForm):
    class Meta:
        model = BookingBanLift
        fields = ("buyer", "reason")
        widgets = {"reason": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def clean_buyer(self):
        buyer = self.cleaned_data["buyer"]
        if buyer is not None and buyer_ban_until(buyer=buyer) is None:
            raise ValidationError(gettext("This buyer is not banned from booking."))
        return buyer


@admin.register(BookingBanLift)
class BookingBanLiftAdmin(StationScopedAdmin, admin.ModelAdmin):
    form = BanLiftForm
    station_path = "station"
    list_display = ("buyer", "lifted_at", "lifted_by", "station", "reason")
    list_filter = (StationListFilter,)
    list_select_related = ("buyer", "lifted_by", "station")
    search_fields = ("buyer__email",)
    date_hierarchy = "lifted_at"

    def get_fields(self, request, obj=None):
        return ("buyer", "reason") if obj is None else ("buyer", "lifted_at", "lifted_by", "station", "reason")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "buyer":
            kwargs["queryset"] = ban_lift_candidates(station=_acting_station(request))
            return db_field.formfield(**kwargs)  # not the station scope of users: these are buyers
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return has_station_access(request.user) and request.user.has_perm("bookings.view_booking")

    def has_view_permission(self, request, obj=None):
        return self._reaches(request, obj) and request.user.has_perm("bookings.view_booking")

    def has_add_permission(self, request):
        return _may_lift(request)

    # The audit stays as written.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The form offered only this staff member's candidates and checked the ban
        # runs; the service checks both again and writes the audit row.
        lift = booking_ban_lift(buyer=obj.buyer, user=request.user, reason=obj.reason, station=_acting_station(request))
        obj.pk, obj.lifted_at, obj.lifted_by, obj.station = lift.pk, lift.lifted_at, lift.lifted_by, lift.station


@admin.action(
    permissions=["transition"],
    description=_("Lift the buyer's booking ban"),
    location=[ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM],
)
def lift_booking_ban(modeladmin, request, queryset):
    """Open the lift form for the buyer of a selected no-show (the queryset is the station-scoped one)."""
    buyer_ids = set(
        queryset.filter(status=BookingStatus.NO_SHOW, no_show_party__in=BUYER_ABSENT, buyer__isnull=False)
        .values_list("buyer_id", flat=True)
        .distinct()
    )
    banned = [pk for pk in buyer_ids if ban_lift_candidates(station=_acting_station(request)).filter(pk=pk).exists()]
    if len(banned) != 1:
        modeladmin.message_user(
            request, gettext("Select one no-show of the buyer whose booking ban you want to lift."), messages.WARNING
        )
        return None
    url = reverse("admin:bookings_bookingbanlift_add")
    return HttpResponseRedirect(f"{url}?{urlencode({'buyer': banned[0]})}")
