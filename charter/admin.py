"""The charter of forbidden items: prefecture-wide, so station staff read it and only superusers edit it.

A published version is what buyers and sellers accepted (bookings point at it) and
its compiled rules are cached per process (charter.selectors), so it is never edited:
a change is a new version, started with the "copy as a new draft" action, tried with
"Test a listing", weighed with "Impact preview" and put in force with "Publish".

The booking's charter check as shown in the booking admin is in charter/admin_bookings.py.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Subquery
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from bookings.charter_impact import charter_version_impact
from config.admin_changelist import BoundedInputAdmin

from .models import CharterVerdict, CharterVersion, Rule
from .selectors import charter_check
from .services import CharterError, charter_version_publish, charter_versions_copy
from .validator import invalid_phrases


def _is_draft(obj) -> bool:
    return obj is None or obj.published_at is None


def _may_edit(request, obj=None) -> bool:
    return request.user.is_active and request.user.is_superuser and _is_draft(obj)


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ("category", "verdict", "terms", "exceptions", "reason_fr", "reason_en")

    def _clean_lines(self, name):
        value = self.cleaned_data[name]
        wrong = invalid_phrases(value)
        if wrong:
            raise forms.ValidationError(
                _("These lines hold no letter or digit and would never match: %(lines)s"),
                params={"lines": ", ".join(repr(line) for line in wrong)},
            )
        return value

    def clean_terms(self):
        return self._clean_lines("terms")

    def clean_exceptions(self):
        return self._clean_lines("exceptions")


class RuleInline(BoundedInputAdmin, admin.StackedInline):
    model = Rule
    form = RuleForm
    extra = 0
    fields = ("category", "verdict", "terms", "exceptions", "reason_fr", "reason_en")

    def get_queryset(self, request):
        # The validator's order: first rule first.
        return super().get_queryset(request).order_by("id")

    def has_add_permission(self, request, obj):
        return _may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return _may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _may_edit(request, obj)


class ListingForm(forms.Form):
    title = forms.CharField(label=_("Title of the listing"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


@admin.register(CharterVersion)
class CharterVersionAdmin(BoundedInputAdmin, admin.ModelAdmin):
    list_display = ("__str__", "state", "published_at", "rule_count")
    fields = ("number", "published_at", "summary_fr", "summary_en", "text_fr", "text_en", "general_exceptions")
    readonly_fields = ("published_at",)
    inlines = [RuleInline]
    actions = ["copy_as_draft"]
    change_form_template = "charter/admin/change_form.html"

    def get_queryset(self, request):
        current = CharterVersion.objects.published().order_by("-number").values("number")[:1]
        return super().get_queryset(request).annotate(rule_count=Count("rules"), current_number=Subquery(current))

    @admin.display(description=_("rules"), ordering="rule_count")
    def rule_count(self, obj):
        return obj.rule_count

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.is_draft:
            return gettext("Draft")
        return gettext("Current") if obj.number == obj.current_number else gettext("Published")

    def has_add_permission(self, request):
        return _may_edit(request)

    def has_change_permission(self, request, obj=None):
        return _may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _may_edit(request, obj)

    def has_publish_permission(self, request, obj=None):
        return _may_edit(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "has_publish_permission": self.has_publish_permission(request, version),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        # The bulk delete checks no single version: it would reach published ones.
        actions.pop("delete_selected", None)
        return actions

    def has_copy_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    # --- tools: test a listing, impact preview, publish -----------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<path:object_id>/test/", wrap(self.test_listing_view), name=f"{name}_test"),
            path("<path:object_id>/impact/", wrap(self.impact_view), name=f"{name}_impact"),
            path("<path:object_id>/publish/", wrap(self.publish_view), name=f"{name}_publish"),
            *super().get_urls(),
        ]

    def _version_or_404(self, request, object_id) -> CharterVersion:
        version = self.get_object(request, object_id)
        if version is None:
            raise Http404(_("No such charter version."))
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        return version

    def _tool_context(self, request, version, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": version,
            "version": version,
            "title": title,
            "has_publish_permission": self.has_publish_permission(request, version),
            **extra,
        }

    def test_listing_view(self, request, object_id):
        """Try any text against this version (a draft included): verdict, rule, reason, and why."""
        version = self._version_or_404(request, object_id)
        form = ListingForm(request.GET if "title" in request.GET or "description" in request.GET else None)
        result = None
        if form.is_bound and form.is_valid():
            verdict = charter_check(
                version=version,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                explain=True,
            )
            rules = {rule.pk: rule for rule in Rule.objects.filter(version=version)}
            result = {
                "verdict": verdict,
                "verdict_label": CharterVerdict(verdict.verdict).label,
                "rule": rules.get(verdict.rule_id),
                "steps": [(step, rules.get(step.rule_id)) for step in verdict.steps],
            }
        return TemplateResponse(
            request,
            "charter/admin/test_listing.html",
            self._tool_context(
                request,
                version,
                gettext("Test a listing against %(version)s") % {"version": version},
                form=form,
                result=result,
            ),
        )

    def impact_view(self, request, object_id):
        """Before publishing: the upcoming bookings this version would newly refuse (the viewer's station only)."""
        version = self._version_or_404(request, object_id)
        return TemplateResponse(
            request,
            "charter/admin/impact.html",
            self._tool_context(
                request,
                version,
                gettext("Impact of publishing %(version)s") % {"version": version},
                impact=charter_version_impact(version=version, user=request.user),
            ),
        )

    def publish_view(self, request, object_id):
        """GET: the impact and a confirmation; POST: publish (superusers, drafts only)."""
        version = self._version_or_404(request, object_id)
        if not self.has_publish_permission(request, version):
            raise PermissionDenied
        if request.method == "POST":
            try:
                charter_version_publish(version=version)
            except CharterError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("%(version)s is published: bookings and acceptances are checked against it from now on.")
                    % {"version": version},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(reverse("admin:charter_charterversion_change", args=[version.pk]))
        return TemplateResponse(
            request,
            "charter/admin/publish.html",
            self._tool_context(
                request,
                version,
                gettext("Publish %(version)s") % {"version": version},
                impact=charter_version_impact(version=version, user=request.user),
            ),
        )

    @admin.action(
        permissions=["copy"],
        description=_("Copy as a new draft"),
        description_plural=_("Copy the selected versions as new drafts"),
    )
    def copy_as_draft(self, request, queryset):
        created = [str(draft) for draft in charter_versions_copy(versions=queryset)]
        if not created:
            self.message_user(request, gettext("No version was copied."), messages.WARNING)
            return
        self.message_user(
            request,
            ngettext("Draft %(drafts)s created.", "Drafts %(drafts)s created.", len(created))
            % {"drafts": ", ".join(created)},
            messages.SUCCESS,
        )
