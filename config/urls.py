from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import dev_views, legal_pages

urlpatterns = [
    path("", include("stations.urls")),
    path("bookings/", include("bookings.urls")),
    path("charter/", include("charter.urls")),
    path("privacy/", legal_pages.privacy_notice, name="privacy"),
    path("legal/", legal_pages.legal_notice, name="legal"),
    # Before allauth's: /accounts/me/ is the project's account page, a path allauth has not.
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# The development mailbox lists password-reset and seller links: it exists only in the
# embedded default (DEBUG and the mailbox backend of config.settings.local), never in
# production, and its view still answers only the machine itself or a superuser.
if settings.DEBUG and getattr(settings, "DEV_MAILBOX_DIR", None):
    urlpatterns += [
        path("dev/mail/", dev_views.mailbox, name="dev-mailbox"),
    ]
