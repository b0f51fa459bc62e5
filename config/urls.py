from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from api.routes import api
from api.views import proposal_open

from . import dev_views

urlpatterns = [
    path("", include("stations.urls")),
    path("bookings/", include("bookings.urls")),
    path("charter/", include("charter.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
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
