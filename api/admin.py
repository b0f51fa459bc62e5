"""Partner keys are the prefecture's: only superusers see, create, revoke them and read the delivery log.

A key is shown once, in the message after it was created; the admin never shows it again
(only its prefix). The webhook secret likewise, when it is set or rotated.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.admin_changelist import BoundedInputAdmin

from .models import PartnerBooking, PartnerKey, Scope, WebhookDelivery
from .services import partner_key_issue, partner_key_revoke, partner_webhook_secret_rotate


class SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the delivery log and the bookings keep pointing at it


class PartnerKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = PartnerKey
        fields = ["name", "scopes", "requests_per_minute", "webhook_url"]


@admin.register(PartnerKey)
class PartnerKeyAdmin(BoundedInputAdmin, SuperuserOnly, admin.ModelAdmin):
    form = PartnerKeyForm
    list_display = ["name", "prefix", "scope_list", "requests_per_minute", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke", "rotate_webhook_secret"]

    @admin.display(description=_("scopes"))
    def scope_list(self, obj):
        return ", ".join(obj.scopes or [])

    def save_model(self, request, obj, form, change):
        if change:
            if obj.webhook_url and not obj.webhook_secret:
                secret = partner_webhook_secret_rotate(key=obj)
                messages.warning(request, _("Webhook secret, shown only now: %(secret)s") % {"secret": secret})
            obj.save()
            return
        key = partner_key_issue(key=obj, created_by=request.user)
        messages.warning(
            request,
            _("Copy the key now and send it to the partner: it is never shown again. %(key)s") % {"key": key},
        )
        if obj.webhook_secret:
            messages.warning(request, _("Webhook secret, shown only now: %(secret)s") % {"secret": obj.webhook_secret})

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        keys = list(queryset.filter(revoked_at__isnull=True))
        for key in keys:
            partner_key_revoke(key=key)
        self.message_user(
            request, ngettext("%(count)d key revoked.", "%(count)d keys revoked.", len(keys)) % {"count": len(keys)}
        )

    @admin.action(description=_("Rotate the webhook secret of the selected keys"))
    def rotate_webhook_secret(self, request, queryset):
        for key in queryset.exclude(webhook_url=""):
            secret = partner_webhook_secret_rotate(key=key)
            messages.warning(
                request,
                _("New webhook secret of %(name)s, shown only now: %(secret)s") % {"name": key.name, "secret": secret},
            )


class ReadOnly(SuperuserOnly):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PartnerBooking)
class PartnerBookingAdmin(BoundedInputAdmin, ReadOnly, admin.ModelAdmin):
    list_display = ["partner", "station", "role", "listing_url", "visited_at", "booking"]
    list_select_related = ["partner", "station", "booking"]
    list_filter = ["partner"]
    raw_id_fields = ["buyer", "booking"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(BoundedInputAdmin, ReadOnly, admin.ModelAdmin):
    """The delivery log: what was owed to whom, how often it was tried, what the partner answered."""

    list_display = ["event", "partner", "created_at", "attempts", "last_status", "last_error", "delivered_at"]
    list_select_related = ["partner"]
    list_filter = ["event", "partner", ("delivered_at", admin.EmptyFieldListFilter)]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
