"""Accounts in the admin: superusers only, since accounts hold buyers' personal data and every staff grant."""

from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from config.admin_changelist import BoundedInputAdmin

from .models import User


class EmailUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)
        field_classes = {}


class EmailUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes = {}


def _is_superuser(request) -> bool:
    return request.user.is_active and request.user.is_superuser


@admin.register(User)
class UserAdmin(BoundedInputAdmin, DjangoUserAdmin):
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (
            _("Station and permissions"),
            {"fields": ("station", "is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "first_name", "last_name", "station", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "station", "groups")
    list_select_related = ("station",)
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)

    def has_module_permission(self, request):
        return _is_superuser(request)

    def has_view_permission(self, request, obj=None):
        return _is_superuser(request)

    def has_change_permission(self, request, obj=None):
        return _is_superuser(request)

    def has_add_permission(self, request):
        return _is_superuser(request)

    def has_delete_permission(self, request, obj=None):
        return _is_superuser(request)


# Django's groups and allauth's email addresses keep their own admins, with the
# project's guard against hostile query strings and action selections in front.
class GroupAdmin(BoundedInputAdmin, DjangoGroupAdmin):
    pass


class EmailAddressAdmin(BoundedInputAdmin, AllauthEmailAddressAdmin):
    pass


for _model, _admin_class in ((Group, GroupAdmin), (EmailAddress, EmailAddressAdmin)):
    admin.site.unregister(_model)
    admin.site.register(_model, _admin_class)
