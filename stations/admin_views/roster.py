"""The station's roster page: its officers' shifts and absences of the coming two weeks.

Shifts and absences belong to an officer, not to the station, so they cannot be the
station's inlines (an inline needs a foreign key to its parent). They are edited here
instead, on an admin view of the station's own (StationAdmin.get_urls), in two plain
model formsets: only public Django API, nothing that a Django upgrade may take away.

Who may do what is the station's scoping and the Shift and OfficerAbsence admins'
permissions, as on those models' own pages. Each row is saved with save() and deleted
with delete(), so bookings.signals reassigns the station's bookings after the commit,
as for a change made anywhere else.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin, widgets
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.models import BaseModelFormSet, modelformset_factory
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from config.user_input import validate_day_in_range

from ..admin_scoping import local_midnight
from ..models import Officer, OfficerAbsence, Shift, Station
from ..services import roster_entries_save

ROSTER_DAYS = 14
# Blank rows offered for new shifts or absences (the page has no JavaScript to add more).
NEW_ROWS = 2


def roster_window(station: Station) -> tuple[datetime, datetime]:
    """From the station's midnight today, ROSTER_DAYS days of its wall clock."""
    today = timezone.localtime(timezone.now(), station.zone).date()
    starts = local_midnight(today, station.zone)
    return starts, starts + timedelta(days=ROSTER_DAYS)


class RosterRowForm(forms.ModelForm):
    """A shift or an absence of one of the station's officers, its times as a date and a time."""

    class Meta:
        # The admin's own fields and widgets for a date and time, as its change forms show them.
        field_classes = {"starts_at": forms.SplitDateTimeField, "ends_at": forms.SplitDateTimeField}
        widgets = {"starts_at": widgets.AdminSplitDateTime, "ends_at": widgets.AdminSplitDateTime}

    def __init__(self, *args, station: Station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = Officer.objects.filter(station=station).select_related("user")
        for name in ("starts_at", "ends_at"):
            # As on every admin form: a year Python cannot move into UTC is refused, not a 500.
            self.fields[name].validators.append(validate_day_in_range)


class ShiftRowForm(RosterRowForm):
    class Meta(RosterRowForm.Meta):
        model = Shift
        fields = ("officer", "starts_at", "ends_at")


class AbsenceRowForm(RosterRowForm):
    class Meta(RosterRowForm.Meta):
        model = OfficerAbsence
        fields = ("officer", "starts_at", "ends_at", "reason")
        widgets = {**RosterRowForm.Meta.widgets, "reason": widgets.AdminTextInputWidget}


class RosterFormSet(BaseModelFormSet):
    """Rows of one station: each form offers that station's officers only."""

    def __init__(self, *args, station: Station, **kwargs):
        self.station = station
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "station": self.station}


@dataclass(frozen=True)
class RosterSection:
    """One formset of the page: a model, the form of its rows, the prefix of its fields."""

    prefix: str
    form: type[RosterRowForm]
    title: str
    empty: str

    @property
    def model(self):
        return self.form.Meta.model


SECTIONS = (
    RosterSection("shifts", ShiftRowForm, _("Shifts of the next two weeks"), _("No shift in the next two weeks.")),
    RosterSection(
        "absences",
        AbsenceRowForm,
        _("Officer absences of the next two weeks"),
        _("No absence in the next two weeks."),
    ),
)


@dataclass
class RosterPart:
    """A section as one user sees it: its formset, and whether they may change it."""

    section: RosterSection
    model_admin: ModelAdmin  # the section's model's own admin: permissions and the change log
    formset: RosterFormSet
    editable: bool


def _roster_part(section, request, station, model_admin) -> RosterPart | None:
    if not model_admin.has_view_or_change_permission(request):
        return None
    editable = model_admin.has_change_permission(request)
    starts, ends = roster_window(station)
    rows = section.model.objects.filter(officer__station=station, ends_at__gt=starts, starts_at__lt=ends)
    formset_class = modelformset_factory(
        section.model,
        form=section.form,
        formset=RosterFormSet,
        extra=NEW_ROWS if editable and model_admin.has_add_permission(request) else 0,
        can_delete=editable and model_admin.has_delete_permission(request),
    )
    formset = formset_class(
        request.POST if editable and request.method == "POST" else None,
        prefix=section.prefix,
        queryset=rows.select_related("officer__user").order_by("starts_at", "officer"),
        station=station,
    )
    if not editable:
        for form in formset:
            for field in form.fields.values():
                field.disabled = True
    return RosterPart(section=section, model_admin=model_admin, formset=formset, editable=editable)


def _save(station: Station, part: RosterPart, request) -> None:
    """Save one formset through the roster service (the signals reassign), each change in the admin's history."""
    formset, model_admin = part.formset, part.model_admin
    deleted = [form.instance.pk for form in formset.deleted_forms if form.instance.pk is not None]
    if deleted:
        # Logged first: the rows' names are gone once deleted.
        model_admin.log_deletions(request, part.section.model.objects.filter(pk__in=deleted))
    changed = [form for form in formset.forms if form.has_changed() and form not in formset.deleted_forms]
    added = {form for form in changed if form.instance.pk is None}
    saved = formset.save(commit=False)
    roster_entries_save(station=station, saved=saved, deleted=formset.deleted_objects)
    for form in changed:
        message = model_admin.construct_change_message(request, form, None, add=form in added)
        if form in added:
            model_admin.log_addition(request, form.instance, message)
        else:
            model_admin.log_change(request, form.instance, message)


def roster_view(station_admin, request, object_id):
    station = station_admin.get_object(request, object_id)  # scoped: another station's is a 404
    site = station_admin.admin_site
    parts = [
        part
        for section in SECTIONS
        if (part := _roster_part(section, request, station, site.get_model_admin(section.model))) is not None
    ]
    if not parts:
        raise PermissionDenied
    url = reverse("admin:stations_station_roster", args=[station.pk])
    # The page reads and writes times on the station's wall clock, whoever asks.
    with timezone.override(station.zone):
        editable = [part for part in parts if part.editable]
        if request.method == "POST" and editable:
            valid = [part.formset.is_valid() for part in editable]  # every one, to show every error
            if all(valid):
                # One transaction: a page whose second formset fails to save leaves the first unsaved too.
                with transaction.atomic():
                    for part in editable:
                        _save(station, part, request)
                station_admin.message_user(
                    request,
                    gettext("The roster of %(station)s was saved.") % {"station": station.name},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(url)
            errors = sum(part.formset.total_error_count() for part in editable)
            station_admin.message_user(
                request,
                ngettext("Please correct the error below.", "Please correct the errors below.", errors),
                messages.ERROR,
            )
        media = station_admin.media
        for part in parts:
            media += part.formset.media
        response = TemplateResponse(
            request,
            "admin/stations/station/roster.html",
            {
                **site.each_context(request),
                "opts": station_admin.opts,
                "original": station,
                "title": gettext("Roster of %(station)s") % {"station": station.name},
                "parts": parts,
                "editable": bool(editable),
                "media": media,
            },
        )
        response.render()
    return response
