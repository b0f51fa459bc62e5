"""A week of shifts from a template: officers, weekdays and wall-clock times, made by stations.services."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from config.user_input import BoundedDateField, IsoDateInput

from ..models import Officer, Weekday
from ..services import shifts_create_week


class WeekTemplateForm(forms.Form):
    officers = forms.ModelMultipleChoiceField(
        label=_("Officers"), queryset=Officer.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days"), choices=Weekday.choices, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    starts = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(
        label=_("Ends at"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("At or before the start: the shift ends on the next day."),
    )
    first_day = BoundedDateField(
        label=_("First day of the week"),
        widget=IsoDateInput,
        help_text=_("Shifts are made for the seven days from this one, in the station's time zone."),
    )

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = Officer.objects.filter(station=station, is_active=True).select_related(
            "user"
        )


def week_template_view(model_admin, request, object_id):
    station = model_admin.get_object(request, object_id)  # scoped: another station's is a 404
    if not request.user.has_perm("stations.add_shift"):
        raise PermissionDenied
    today = timezone.localtime(timezone.now(), station.zone).date()
    next_monday = today + timedelta(days=7 - today.weekday())
    form = WeekTemplateForm(
        request.POST if request.method == "POST" else None,
        station=station,
        initial={"first_day": next_monday, "weekdays": [0, 1, 2, 3, 4]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = shifts_create_week(
            station=station,
            officers=list(data["officers"]),
            weekdays=set(data["weekdays"]),
            starts=data["starts"],
            ends=data["ends"],
            first_day=data["first_day"],
        )
        for shift in result.created:
            model_admin.log_addition(request, shift, gettext("Created from a week template."))
        model_admin.message_user(
            request,
            ngettext("%(count)d shift created.", "%(count)d shifts created.", len(result.created))
            % {"count": len(result.created)},
            messages.SUCCESS,
        )
        if result.skipped:
            model_admin.message_user(
                request,
                ngettext(
                    "%(count)d shift left out: the officer already has a shift then.",
                    "%(count)d shifts left out: the officer already has a shift then.",
                    len(result.skipped),
                )
                % {"count": len(result.skipped)},
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse("admin:stations_station_change", args=[station.pk]))
    return TemplateResponse(
        request,
        "stations/admin/week_template.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "original": station,
            "title": gettext("Create a week of shifts for %(station)s") % {"station": station.name},
            "form": form,
            "media": model_admin.media + form.media,
        },
    )
