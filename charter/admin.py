"""The charter of forbidden items: prefecture-wide, so station staff read it and only superusers edit it.

A published version is what buyers and sellers accepted (bookings point at it) and
its compiled rules are cached per process (charter.selectors), so it is never edited:
a change is a new version, started with the "copy as a new draft" action.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import CharterVersion, Rule


def _is_draft(obj) -> bool:
    return obj is None or obj.published_at is None


def _may_edit(request, obj=None) -> bool:
    return request.user.is_active and request.user.is_superuser and _is_draft(obj)


class RuleInline(admin.StackedInline):
    model = Rule
    extra = 0
    fields = ("category", "terms", "exceptions", "reason_fr", "reason_en")

    def has_add_permission(self, request, obj):
        return _may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return _may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _may_edit(request, obj)


@admin.register(CharterVersion)
class CharterVersionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "published_at", "rule_count")
    fields = ("number", "published_at", "summary_fr", "summary_en", "text_fr", "text_en")
    inlines = [RuleInline]
    actions = ["copy_as_draft"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(rule_count=Count("rules"))

    @admin.display(description=_("rules"), ordering="rule_count")
    def rule_count(self, obj):
        return obj.rule_count

    def has_add_permission(self, request):
        return _may_edit(request)

    def has_change_permission(self, request, obj=None):
        return _may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _may_edit(request, obj)

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        # The bulk delete checks no single version: it would reach published ones.
        actions.pop("delete_selected", None)
        return actions

    def has_copy_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    @admin.action(
        permissions=["copy"],
        description=_("Copy as a new draft"),
        description_plural=_("Copy the selected versions as new drafts"),
    )
    def copy_as_draft(self, request, queryset):
        created = []
        with transaction.atomic():
            next_number = (CharterVersion.objects.aggregate(Max("number"))["number__max"] or 0) + 1
            for version in queryset.order_by("number").prefetch_related("rules"):
                draft = CharterVersion.objects.create(
                    number=next_number,
                    summary_fr=version.summary_fr,
                    summary_en=version.summary_en,
                    text_fr=version.text_fr,
                    text_en=version.text_en,
                    published_at=None,
                )
                Rule.objects.bulk_create(
                    Rule(
                        version=draft,
                        category=rule.category,
                        terms=rule.terms,
                        exceptions=rule.exceptions,
                        reason_fr=rule.reason_fr,
                        reason_en=rule.reason_en,
                    )
                    for rule in version.rules.all()
                )
                created.append(str(draft))
                next_number += 1
        if not created:
            self.message_user(request, gettext("No version was copied."), messages.WARNING)
            return
        self.message_user(
            request,
            ngettext("Draft %(drafts)s created.", "Drafts %(drafts)s created.", len(created))
            % {"drafts": ", ".join(created)},
            messages.SUCCESS,
        )
