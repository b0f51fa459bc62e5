"""Officers, shifts and absences edited on the station's page, and a week of shifts from a template.

Shifts and absences belong to an officer, not to the station, so Django's inlines
(which need a foreign key to the parent) cannot show them there: RosterInline
gives them a formset of its own, over the station's officers' rows of the coming
two weeks (the Shifts and Officer absences pages hold the rest).
"""

from datetime import timedelta
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.checks import InlineModelAdminChecks
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.forms.models import BaseInlineFormSet, BaseModelFormSet, modelformset_factory
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from config.user_input import BoundedDateField

from ..admin_scoping import StationScopedInline, local_midnight
from ..models import Officer, OfficerAbsence, Shift, Weekday
from ..services import shifts_create_week

ROSTER_DAYS = 14


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
    model = Officer
    formset = _OfficerFormSet
    fields = ("user", "badge_number", "is_active")
    extra = 0
    show_change_link = True


class _RosterChecks(InlineModelAdminChecks):
    # These inlines reach the station through the officer; see RosterInline.
    def _check_relation(self, obj, parent_model):
        return []

    def _check_exclude_of_parent_model(self, obj, parent_model):
        return []


class _RosterFormSet(BaseModelFormSet):
    """The station's officers' rows from today for ROSTER_DAYS days, taking the admin's inline arguments."""

    def __init__(self, data=None, files=None, instance=None, save_as_new=False, prefix=None, queryset=None, **kw):
        self.instance = instance
        queryset = self.model._default_manager.none() if queryset is None else queryset
        if instance is None or instance.pk is None:
            queryset = queryset.none()
        else:
            today = timezone.localtime(timezone.now(), instance.zone).date()
            starts = local_midnight(today, instance.zone)
            queryset = queryset.filter(
                officer__station=instance, ends_at__gt=starts, starts_at__lt=starts + timedelta(days=ROSTER_DAYS)
            ).select_related("officer__user")
        super().__init__(data, files, prefix=prefix, queryset=queryset.order_by("starts_at", "officer"), **kw)

    @classmethod
    def get_default_prefix(cls):
        return f"station_{cls.model._meta.model_name}"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        station = self.instance
        officers = Officer.objects.filter(station=station) if station and station.pk else Officer.objects.none()
        form.fields["officer"].queryset = officers.select_related("user")


class RosterInline(StationScopedInline, admin.TabularInline):
    checks_class = _RosterChecks
    station_path = "officer__station"
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        can_delete = self.can_delete and self.has_delete_permission(request, obj)
        return modelformset_factory(
            self.model,
            form=self.form,
            formset=_RosterFormSet,
            fields=self.fields,
            formfield_callback=partial(self.formfield_for_dbfield, request=request),
            extra=self.get_extra(request, obj),
            min_num=self.get_min_num(request, obj),
            max_num=self.get_max_num(request, obj),
            can_delete=can_delete,
        )


class StationShiftInline(RosterInline):
    model = Shift
    fields = ("officer", "starts_at", "ends_at")
    verbose_name_plural = _("shifts of the next two weeks")


class StationAbsenceInline(RosterInline):
    model = OfficerAbsence
    fields = ("officer", "starts_at", "ends_at", "reason")
    verbose_name_plural = _("officer absences of the next two weeks")


# --- a week of shifts from a template ---------------------------------------------------------


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
        widget=forms.DateInput(attrs={"type": "date"}),
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
