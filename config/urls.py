from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.languages import language_switch
from api.routes import api
from api.views import proposal_open

from . import dev_views, legal_pages

# The staff's admin wears the service's name, not "Django administration".
admin.site.site_header = _("Safe Exchange administration")
admin.site.site_title = _("Safe Exchange")
admin.site.index_title = _("Station administration")

urlpatterns = [
    path("", include("stations.urls")),
    path("bookings/", include("bookings.urls")),
    path("charter/", include("charter.urls")),
    path("privacy/", legal_pages.privacy_notice, name="privacy"),
    path("legal/", legal_pages.legal_notice, name="legal"),
    # Before allauth's: /accounts/me/ is the project's account page, a path allauth has not.
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # Django's set_language, which also keeps a logged-in buyer's language for their emails.
    path("i18n/setlang/", language_switch, name="set_language"),
    path("admin/", admin.site.urls),
    # The partner API (docs/partners.md) and the proposal link it builds.
    path("api/v1/", api.urls),
    path("book/", proposal_open, name="api-proposal-open"),
]

# The development mailbox lists password-reset and seller links: it exists only in the
# embedded default (DEBUG and the mailbox backend of config.settings.local), never in
# production, and its view still answers only the machine itself or a superuser.
if settings.DEBUG and getattr(settings, "DEV_MAILBOX_DIR", None):
    urlpatterns += [
        path("dev/mail/", dev_views.mailbox, name="dev-mailbox"),
    ]
