"""Staff choose to cancel the bookings already made in the station's pressure period (an admin action).

The switch itself (stations.Station.under_pressure and its period) only stops new
bookings; this action, after a confirmation page listing them, cancels the
existing ones through booking_cancel, each with the apology email.
"""

from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from bookings.closures import pressure_affected_bookings, pressure_cancel_bookings


@admin.action(
    permissions=["cancel_bookings"],
    description=_("Cancel the bookings in the pressure period"),
    location=[ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM],
)
def cancel_pressure_bookings(model_admin, request, queryset):
    stations = list(queryset.order_by("name"))
    if "confirm" in request.POST:
        total = 0
        for station in stations:
            cancelled = pressure_cancel_bookings(station=station, user=request.user)
            total += len(cancelled)
        model_admin.message_user(
            request,
            ngettext(
                "%(count)d booking cancelled, with an apology email.",
                "%(count)d bookings cancelled, with an apology email.",
                total,
            )
            % {"count": total},
            messages.SUCCESS if total else messages.INFO,
        )
        return None
    rows = [(station, list(pressure_affected_bookings(station=station))) for station in stations]
    return TemplateResponse(
        request,
        "stations/admin/pressure_cancel.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": gettext("Cancel the bookings in the pressure period"),
            "rows": rows,
            "count": sum(len(bookings) for _station, bookings in rows),
            "stations": stations,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )
