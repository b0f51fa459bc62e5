"""The charter check of a booking, for the booking admin: an inline, a list column and filter,
and the staff override action.

They stay within the station scope (stations/admin_scoping.py) and use the booking
permissions; bookings/admin.py wires them in.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from stations.admin_scoping import StationScopedInline

from .models import BookingCharterReview, CharterVerdict
from .services import booking_charter_override, booking_charter_review_ensure


def _effective(verdict: str) -> Q:
    return Q(charter_review__override_verdict=verdict) | Q(
        charter_review__override_verdict="", charter_review__verdict=verdict
    )


class CharterVerdictFilter(admin.SimpleListFilter):
    title = _("charter")
    parameter_name = "charter"

    def lookups(self, request, model_admin):
        return [
            ("review", _("To be checked by an officer")),
            ("forbidden", _("Refused by staff")),
            ("overridden", _("Overridden by staff")),
            ("unchecked", _("No recorded check")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "review":
            return queryset.filter(_effective(CharterVerdict.REVIEW))
        if value == "forbidden":
            return queryset.filter(_effective(CharterVerdict.FORBIDDEN))
        if value == "overridden":
            return queryset.exclude(charter_review__override_verdict="").filter(charter_review__isnull=False)
        if value == "unchecked":
            return queryset.filter(charter_review__isnull=True)
        return queryset


def _review_of(booking):
    return getattr(booking, "charter_review", None)


@admin.display(description=_("charter"), ordering="charter_review__verdict")
def charter_verdict(booking):
    """List column: the verdict that holds, marked when staff overrode it. Needs select_related("charter_review")."""
    review = _review_of(booking)
    if review is None:
        return "—"
    label = review.get_effective_verdict_display()
    if review.override_verdict:
        return format_html("{} <small>({})</small>", label, gettext("staff"))
    if review.verdict == CharterVerdict.REVIEW:
        return format_html("<strong>{}</strong>", label)
    return label


class CharterReviewInline(StationScopedInline, admin.StackedInline):
    """The booking's charter check, read-only; staff change it with the "Override the charter verdict" action."""

    model = BookingCharterReview
    station_path = "booking__station"
    verbose_name = _("charter check")
    verbose_name_plural = _("charter check")
    can_delete = False
    extra = 0
    max_num = 1
    fields = (
        "effective",
        "verdict",
        "space_kind",
        "category",
        "rule_reason",
        "term",
        "version",
        "checked_at",
        "override_verdict",
        "override_reason",
        "overridden_by",
        "overridden_at",
        "override_log",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("rule", "version", "overridden_by")
            .prefetch_related("overrides__by")
        )

    def has_view_permission(self, request, obj=None):
        # Booking permissions, within the booking's station: the review is part of the booking.
        # A booking without a recorded check (made before checks were kept) shows no empty box.
        if obj is not None and _review_of(obj) is None:
            return False
        return self._parent_reaches(request, obj) and request.user.has_perm("bookings.view_booking")

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("verdict that holds"))
    def effective(self, review):
        return review.get_effective_verdict_display()

    @admin.display(description=_("rule and reason"))
    def rule_reason(self, review):
        if review.rule is None:
            return "—"
        return format_html("{}<br><small>{}</small>", review.rule, review.rule.reason)

    @admin.display(description=_("override log"))
    def override_log(self, review):
        rows = list(review.overrides.all())
        if not rows:
            return "—"
        return format_html_join(
            "",
            "<div>{} · {} · {} → {} · {}</div>",
            (
                (
                    row.at.strftime("%Y-%m-%d %H:%M"),
                    row.by or "—",
                    row.get_from_verdict_display(),
                    row.get_to_verdict_display(),
                    row.reason,
                )
                for row in rows
            ),
        )


class OverrideForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=CharterVerdict.choices)
    reason = forms.CharField(
        label=_("Reason (kept in the log)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )


@admin.action(
    permissions=["transition"],
    description=_("Override the charter verdict"),
    description_plural=_("Override the charter verdict of the selected bookings"),
    location=[ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM],
)
def override_charter_verdict(modeladmin, request, queryset):
    """Ask for the verdict and a reason, then record the override on each selected booking (station-scoped)."""
    bookings = list(queryset.select_related("station", "charter_review").order_by("starts_at"))
    if not bookings:
        modeladmin.message_user(request, gettext("No booking was selected."), messages.WARNING)
        return None
    form = OverrideForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        for booking in bookings:
            booking_charter_override(
                review=booking_charter_review_ensure(booking=booking),
                verdict=form.cleaned_data["verdict"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        modeladmin.message_user(
            request,
            ngettext(
                "Charter verdict overridden on %(count)d booking.",
                "Charter verdict overridden on %(count)d bookings.",
                len(bookings),
            )
            % {"count": len(bookings)},
            messages.SUCCESS,
        )
        if len(bookings) == 1:
            return HttpResponseRedirect(reverse("admin:bookings_booking_change", args=[bookings[0].pk]))
        return None
    opts = modeladmin.model._meta
    return TemplateResponse(
        request,
        "charter/admin/override.html",
        {
            **modeladmin.admin_site.each_context(request),
            "opts": opts,
            "title": gettext("Override the charter verdict"),
            "bookings": [(booking, _review_of(booking)) for booking in bookings],
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        },
    )
